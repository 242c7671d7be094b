/**
 * The CLI in a real pseudo-terminal (Python's pty module): stdout and stderr are a terminal, as
 * for a person; the driver waits for each expected text and types the answer.
 */
import { spawn, spawnSync } from 'node:child_process';
import { BIN, cleanEnv } from './cli.js';

export const hasPty = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;

/** Drive the CLI in a pseudo-terminal: wait for each prompt, type the answer. */
const DRIVER = `
import json, os, pty, select, sys, time
spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execve(spec['argv'][0], spec['argv'], spec['env'])
out = b''
def pump(until=None, timeout=15):
    global out
    end = time.time() + timeout
    while until is None or until.encode() not in out:
        if time.time() > end:
            sys.stdout.write(json.dumps({'error': 'timeout waiting for %r' % until, 'out': out.decode('utf8', 'replace')}))
            sys.exit(0)
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            out += chunk
for step in spec['steps']:
    pump(step['expect'])
    os.write(fd, step['send'].encode())
pump(None)
_, status = os.waitpid(pid, 0)
sys.stdout.write(json.dumps({'out': out.decode('utf8', 'replace'), 'code': os.waitstatus_to_exitcode(status)}))
`;

export function inPty(
  args: string[],
  env: Record<string, string>,
  steps: { expect: string; send: string }[],
): Promise<{ out: string; code?: number; error?: string }> {
  const spec = { argv: [process.execPath, BIN, ...args], env: cleanEnv({ TERM: 'dumb', ...env }), steps };
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', DRIVER, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`pty driver failed: ${stderr || stdout}`));
      }
    });
  });
}

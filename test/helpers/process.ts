/**
 * Whether a process is still running. A killed process whose parent has gone is a zombie until
 * the machine's init reaps it — which a container's or micro-VM's first process may do late or
 * never — and `kill(pid, 0)` still finds a zombie: on Linux its state in /proc says it has ended.
 */
import { readFileSync } from 'node:fs';

export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; the command name may hold spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) is all there is
  }
}

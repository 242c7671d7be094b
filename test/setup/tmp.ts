/**
 * Every temporary file of a test run under one folder, removed when the run ends: TMPDIR points the
 * test processes' os.tmpdir() (and the CLIs they start, through helpers/cli.ts) there. Without it
 * each run left thousands of config folders and a few package installs in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'cluster-tests-'));
  process.env.TMPDIR = root;
  // retried: a process a test started may still be writing there as it ends (ENOTEMPTY)
  return () => rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

/**
 * Open a URL in the user's browser: `$BROWSER` when set (a command, given the URL as its last
 * argument, as gh and git do), else the platform's opener (`xdg-open`, `open`, Windows' URL
 * handler). The opener is started detached and not waited for; whether it started is all that is
 * known, so the URL is always printed too.
 */

/** The command line that opens `url`, or undefined when none is known for this platform. */
export function openerFor(
  url: string,
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
): { file: string; args: string[] } | undefined {
  const browser = env.BROWSER?.trim();
  if (browser) {
    if (platform === 'win32') return { file: 'cmd.exe', args: ['/d', '/s', '/c', `${browser} "${url}"`] };
    // Through the shell, so that BROWSER may hold arguments; the URL travels as "$1", never parsed.
    return { file: '/bin/sh', args: ['-c', `${browser} "$1"`, 'sh', url] };
  }
  if (platform === 'darwin') return { file: 'open', args: [url] };
  if (platform === 'win32') return { file: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
  return { file: 'xdg-open', args: [url] };
}

/** True when an opener was started (not that a browser showed the page). */
export async function openBrowser(url: string, env: Record<string, string | undefined>): Promise<boolean> {
  const opener = openerFor(url, env);
  if (!opener) return false;
  const { spawn } = await import('node:child_process');
  return new Promise<boolean>((resolve) => {
    try {
      const child = spawn(opener.file, opener.args, {
        stdio: 'ignore',
        detached: true,
        env: { ...process.env, ...env },
      });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

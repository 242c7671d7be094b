/**
 * Waiting for something a real process or socket does: poll `cond` until it holds. The bound only
 * turns a hang into a failure with a message; it is far above what any machine needs, so no
 * verdict depends on how fast real time passes.
 */
export async function until(cond: () => boolean, what = 'the condition', ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() > end) throw new Error(`gave up waiting ${ms} ms for ${what}`);
}

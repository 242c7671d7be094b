/**
 * The exporter's status page in a real headless Chromium: the built exporter watching simulated
 * instances (healthy, a compiler outage, a stalled recorder, and one whose server text is hostile).
 * The page must state each verdict in the DOM as every other view does, run nothing but its own
 * refresh (the hostile text renders as text, nothing of it executes, nothing is loaded), pass axe-core with no serious or
 * critical violation, and fit a wall screen and a phone. Screenshots at 1280×800 and 390×844 are
 * kept in artifacts/ (not committed; docs/status-page.png is the README's copy).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, inCI, launchChromium, skippedBecause } from '../helpers/chromium.js';
import { startCli } from '../helpers/cli.js';
import { configWith, HOUR, MIN, type Sim, sim } from '../helpers/sim.js';

// The simulators' clocks start at the real one: the built binary judges ages by its own clock and
// believes a server's Date only within 5 minutes of it (README "Stale").
const NOW = Math.floor(Date.now() / 60_000) * 60_000;

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'artifacts');
const HOSTILE =
  '<script>window.__pwned=1</script>"onmouseover=alert(1) <img src=x onerror="window.__pwned=2"> ' +
  '<a href="javascript:window.__pwned=3">click</a>';

describe.skipIf(!hasChromium && !inCI)('the status page in a real Chromium', () => {
  const sims: Sim[] = [];
  let exporter: ReturnType<typeof startCli>;
  let base = '';
  let browser: import('playwright-core').Browser;

  beforeAll(async () => {
    const hostile = {
      name: 'hostile',
      services: { compiler: [{ at: '0s', kind: 'unhealthy', info: HOSTILE }] },
    };
    const [healthy, outage, stalled, evil] = await Promise.all([
      sim({ start: NOW, scenario: 'healthy', history: 6 * HOUR }),
      sim({ start: NOW, scenario: 'compiler-outage', history: 10 * MIN }),
      sim({ start: NOW, scenario: 'stalled', history: 2 * HOUR }),
      sim({
        start: NOW,
        scenario: (await import('../../src/simulator/index.js')).parseScenario(hostile),
        history: 10 * MIN,
      }),
    ]);
    sims.push(healthy!, outage!, stalled!, evil!);
    const dir = configWith({ prod: healthy!.url, edge: outage!.url, lab: stalled!.url, odd: evil!.url });
    exporter = startCli(['exporter', '--all-profiles', '--listen', '127.0.0.1:0'], {
      env: { CLUSTER_CONFIG_DIR: dir },
    });
    base = (await exporter.firstLine).replace(/\/metrics$/, '');
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    exporter?.child.kill('SIGTERM');
    await exporter?.exited;
    await Promise.all(sims.map((s) => s.close()));
  });

  it('states each verdict as every view does, runs nothing, loads nothing, and sends a strict CSP', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('dialog', (d) => problems.push(`dialog: ${d.message()}`));
    page.on('console', (m) => problems.push(`console ${m.type()}: ${m.text()}`));
    page.on('request', (r) => {
      if (r.url() !== `${base}/`) problems.push(`request: ${r.url()}`);
    });
    const response = await page.goto(`${base}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/default-src 'none'.*script-src 'sha256-[^']+'/);
    const verdicts = await page.$$eval('section.instance', (sections) =>
      sections.map((s) => [s.getAttribute('data-profile'), s.querySelector('.verdict')?.textContent]),
    );
    expect(Object.fromEntries(verdicts)).toEqual({
      prod: 'healthy',
      edge: 'unhealthy',
      lab: 'stale',
      // its compiler has failed from its first check: Feldera keeps it InitialUnhealthy
      odd: 'starting',
    });
    expect(await page.title()).toBe('Feldera cluster health: 3 of 4 not healthy');
    // The hostile text is there as text; no element of it exists, nothing of it ran.
    expect(await page.textContent('section[data-profile="odd"]')).toContain('<script>window.__pwned=1</script>');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // The one script is the page's own (its refresh); nothing the server sent became an element.
    expect(await page.$$eval('script', (els) => els.length)).toBe(1);
    expect(await page.$$eval('img, a, iframe, object, embed, form', (els) => els.length)).toBe(0);
    // A person can stop the refresh.
    expect(await page.isChecked('#auto')).toBe(true);
    // Each service's strip is there, with its availability for the 72 hours; the worst instance comes first.
    expect(await page.$$eval('section[data-profile="prod"] .strip', (s) => s.length)).toBe(3);
    expect(verdicts.map(([p]) => p)).toEqual(['lab', 'edge', 'odd', 'prod']);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'status-page-1280x800.png'), fullPage: false });
    await page.hover('section[data-profile="odd"] td.msg');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('fits a phone: no sideways scrolling at 390×844', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, 'status-page-390x844.png'), fullPage: false });
    await context.close();
  });

  it('axe-core finds no serious or critical violation', async () => {
    // axe is a script: this one context lets it in past the page's CSP (bypassCSP); the page's own
    // policy was checked above with no bypass.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    await page.addScriptTag({ path: axePath });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } })
        .axe;
      const r = await axe.run();
      return r.violations.map((v) => ({ id: v.id, impact: v.impact }));
    });
    writeFileSync(join(ARTIFACTS, 'status-page-axe.json'), `${JSON.stringify(violations, null, 2)}\n`);
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    await context.close();
  });

  it('curl and scripts still get the plain index at /', async () => {
    const text = await (await fetch(`${base}/`)).text();
    expect(text).toMatch(/^Feldera cluster exporter\n/);
  });
});

if (!hasChromium && !inCI) {
  describe('the status page in a real Chromium', () => {
    it.skip(skippedBecause('the status-page browser tests'), () => undefined);
  });
}

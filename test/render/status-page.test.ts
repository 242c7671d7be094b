import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FleetRow } from '../../src/domain/fleet.js';
import { groupIncidents } from '../../src/domain/incidents.js';
import { buildTimeline } from '../../src/domain/timeline.js';
import { judge, judgeEvent, unreachable } from '../../src/domain/verdict.js';
import { html, pageCsp, renderStatusPage } from '../../src/render/status-page.js';
import { ev, HOUR, MIN, S, T0 } from '../domain/fixtures.js';

const now = T0 + 3 * HOUR;
const HOSTILE = `<script>alert(1)</script>"onmouseover=alert(2) javascript:alert(3) \u001b[31mred\u202eevil`;

function row(profile: string, verdict: FleetRow['verdict'], message = 'Healthy: ok'): FleetRow {
  const svc = {
    healthy: true,
    message,
    unchanged_since: new Date(T0).toISOString(),
    checked_at: new Date(now - MIN).toISOString(),
  };
  return {
    profile,
    host: `http://127.0.0.1:1/${profile}`,
    verdict,
    health: { all_healthy: true, api: svc, compiler: svc, runner: svc },
    now,
  };
}

describe('the status page', () => {
  const events = [ev(0), ev(10 * MIN), ev(20 * MIN, S.H, S.U), ev(30 * MIN), ev(2 * HOUR)];
  const timeline = buildTimeline(events, { start: T0, end: now, cells: 72, staleAfterMs: 45 * MIN, now });
  const history = { incidents: groupIncidents(events, now), timeline };
  const healthy = judge(
    { statuses: { api: 'Healthy', compiler: 'Healthy', runner: 'Healthy' }, allHealthy: true, checkedAt: now - MIN },
    { now, staleAfterMs: 45 * MIN },
  );
  const down = judgeEvent({ ...events[2]!, all_healthy: false }, { now, staleAfterMs: 45 * MIN });

  it('says every verdict in the words and marks of the terminal, with since when and each service', () => {
    const page = renderStatusPage(
      [
        { row: row('prod', healthy), history },
        { row: row('edge', down) },
        {
          row: {
            profile: 'lab',
            host: 'http://127.0.0.1:9',
            verdict: unreachable({ kind: 'unreachable', message: 'cannot reach it' }),
          },
        },
      ],
      { now, refreshSeconds: 15, utc: true },
    );
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<title>Feldera cluster health: 2 of 3 not healthy</title>');
    expect(page).toContain('<body data-refresh="15">');
    expect(page).toMatch(/<label><input type="checkbox" id="auto" checked> refresh every 15 s<\/label>/);
    for (const [v, mark] of [
      ['healthy', '✓'],
      ['unhealthy', '✗'],
      ['unreachable', '?'],
    ] as const) {
      expect(page).toMatch(
        new RegExp(
          `<span aria-hidden="true">${mark.replace('?', '\\?')}</span><span class="name">\\w+</span><span class="verdict" data-verdict="${v}">${v}</span>`,
        ),
      );
    }
    expect(page).toContain('cannot reach it');
    expect(page).toMatch(/<th scope="row">compiler<\/th><td class="st s-Unhealthy">✗ Unhealthy<\/td>/);
    // the strip: one cell per slice, each with its status word; availability beside it
    expect(page.match(/<span class="c-[hsun]" title="/g)?.length).toBe(3 * 72);
    expect(page).toMatch(/aria-label="compiler: [\d.]+% available over 3h; 1 incidents"/);
    expect(page).toContain('<h3>Last incidents</h3>');
  });

  it('escapes hostile server text everywhere: no tag, no attribute, no URL scheme that could run', () => {
    const evil = row(HOSTILE, down, HOSTILE);
    const page = renderStatusPage([{ row: { ...evil, host: HOSTILE }, history: { error: HOSTILE } }], {
      now,
      refreshSeconds: 15,
      utc: true,
    });
    // the only script is the page's own, at its end
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page.indexOf('<script>')).toBeGreaterThan(page.indexOf('</footer>'));
    expect(page).not.toMatch(/"onmouseover=/);
    expect(page).not.toMatch(/\u001b|\u202e/);
    expect(page).toContain('&#60;script&#62;alert(1)&#60;/script&#62;&#34;onmouseover&#61;alert(2)');
    // the only elements are the page's own
    const tags = new Set([...page.matchAll(/<([a-z0-9]+)[\s>]/g)].map((m) => m[1]));
    expect([...tags].sort()).toEqual(
      [
        'body',
        'div',
        'footer',
        'h1',
        'h2',
        'h3',
        'head',
        'header',
        'html',
        'input',
        'label',
        'li',
        'main',
        'meta',
        'p',
        'script',
        'section',
        'span',
        'style',
        'table',
        'tbody',
        'td',
        'th',
        'thead',
        'title',
        'tr',
        'ul',
      ].filter((t) => page.includes(`<${t}`)),
    );
    expect(html('a"b<c>&\'=`')).toBe('a&#34;b&#60;c&#62;&#38;&#39;&#61;&#96;');
  });

  it("a strict CSP: the page's own script and style by their hashes, nothing else; no inline handler", () => {
    const page = renderStatusPage([{ row: row('prod', healthy) }], { now, refreshSeconds: 15, utc: true });
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    const hash = (t: string) => createHash('sha256').update(t).digest('base64');
    const csp = pageCsp();
    expect(csp).toContain(`style-src 'sha256-${hash(style)}'`);
    expect(csp).toContain(`script-src 'sha256-${hash(scripts[0]!)}'`);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/unsafe/);
    expect(page).not.toMatch(/\son[a-z]+=/i);
  });
});

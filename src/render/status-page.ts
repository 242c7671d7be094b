/**
 * The exporter's status page (`GET /`): every instance it knows on one server-rendered HTML page,
 * for a screen in the ops room or a phone — the verdict in the words and marks of every other view
 * (render/verdict.ts), since when, the check's age, each service's status and message, the last
 * incidents, and a 72-hour availability strip per service as `event timeline` draws it.
 *
 * - One script of its own, a few lines that reload the page every `refreshSeconds` while the
 *   "refresh" box is ticked (a person can stop it: a page that refreshes itself by force fails
 *   WCAG 2.2.1, which a meta refresh would). The script and the one inline style are allowed by
 *   their hashes in a strict Content-Security-Policy (`pageCsp`), which forbids every other script
 *   (inline handlers included), frames, forms, images and any other origin.
 * - Every text that came from a server (messages, ids, times) — and the profile names and hosts —
 *   is sanitised and HTML-escaped; nothing is ever placed in an attribute that could run or load.
 * - Readable without colour: every verdict and status carries its mark and word, and the strip's
 *   cells differ in height (healthy low, starting half, unhealthy full, unknown hollow).
 * - Pure: the exporter hands in the rows it has cached; this makes no request.
 */
import { createHash } from 'node:crypto';
import { type MonitorStatus, SERVICES, type Service } from '../api/types.js';
import type { FleetRow } from '../domain/fleet.js';
import type { Incident } from '../domain/incidents.js';
import type { CellStatus, Timeline } from '../domain/timeline.js';
import { VERDICT_RANK, type Verdict } from '../domain/verdict.js';
import { sanitizeLine } from '../io/sanitize.js';
import { formatDuration } from '../util/duration.js';
import { formatAge, formatTimestamp } from './time.js';
import { formatMoment, servicesSummary, VERDICT_MARK, verdictReason } from './verdict.js';

/** What the page knows of one instance: its row (verdict and answer), and its history when read. */
export interface PageInstance {
  row: FleetRow;
  /** The last incidents (newest first) and the 72 h timeline, or why the history could not be read. */
  history?: { incidents: readonly Incident[]; timeline: Timeline } | { error: string };
}

export interface PageOptions {
  /** When the page was made (the exporter's clock). */
  now: number;
  refreshSeconds: number;
  utc: boolean;
  /** Incidents listed per instance (default 5). */
  incidents?: number;
}

/** Text for HTML: sanitised (no control characters, escapes or bidi overrides) and escaped. */
export function html(text: string): string {
  return sanitizeLine(text).replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STATUS_MARK: Readonly<Record<MonitorStatus, string>> = { Healthy: '✓', InitialUnhealthy: '…', Unhealthy: '✗' };
const STATUS_WORD: Readonly<Record<MonitorStatus, string>> = {
  Healthy: 'Healthy',
  InitialUnhealthy: 'starting',
  Unhealthy: 'Unhealthy',
};
const CELL_CLASS: Readonly<Record<CellStatus, string>> = {
  Healthy: 'c-h',
  InitialUnhealthy: 'c-s',
  Unhealthy: 'c-u',
  Unknown: 'c-n',
};
const CELL_WORD: Readonly<Record<CellStatus, string>> = {
  Healthy: 'healthy',
  InitialUnhealthy: 'starting',
  Unhealthy: 'unhealthy',
  Unknown: 'unknown',
};

const STYLE = `
:root{color-scheme:light dark;--bg:#f6f8fa;--card:#fff;--fg:#1f2328;--dim:#59636e;--line:#d1d9e0;
--healthy:#1a7f37;--starting:#8a5a00;--unhealthy:#cf222e;--stale:#8250df;--unreachable:#57606a}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#151b23;--fg:#f0f6fc;--dim:#9198a1;--line:#3d444d;
--healthy:#3fb950;--starting:#d29922;--unhealthy:#f85149;--stale:#ab7df8;--unreachable:#9198a1}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
header{padding:1rem 1.25rem;border-bottom:1px solid var(--line)}
h1{margin:0;font-size:clamp(1.3rem,2.5vw,2rem)}
header p{margin:.25rem 0 0;color:var(--dim)}
main{display:grid;gap:1rem;padding:1rem 1.25rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,34rem),1fr))}
section.instance{background:var(--card);border:1px solid var(--line);border-left:.5rem solid var(--v);border-radius:.5rem;padding:1rem;min-width:0}
.v-healthy{--v:var(--healthy)}.v-starting{--v:var(--starting)}.v-unhealthy{--v:var(--unhealthy)}
.v-stale{--v:var(--stale)}.v-unreachable{--v:var(--unreachable)}
h2{margin:0;font-size:clamp(1.2rem,2vw,1.6rem);display:flex;flex-wrap:wrap;gap:.5rem;align-items:baseline}
h2 .verdict{color:var(--v);font-weight:700}
.why{margin:.25rem 0;font-weight:600}
.meta{margin:.25rem 0;color:var(--dim);overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:.75rem 0}
th,td{text-align:left;padding:.3rem .5rem .3rem 0;vertical-align:top;border-bottom:1px solid var(--line)}
td.msg{color:var(--dim);overflow-wrap:anywhere;font-size:.9rem}
td.st{white-space:nowrap}
@media (max-width:40rem){thead{display:none}tr{display:grid;grid-template-columns:6.5rem 1fr;padding:.35rem 0;border-bottom:1px solid var(--line)}
th,td{border:0;padding:.05rem .5rem .05rem 0}td.when{grid-column:2}td.msg{grid-column:1/-1}.lane{grid-template-columns:5rem minmax(0,1fr) 4rem}.strip{gap:0}}
.s-Healthy{color:var(--healthy)}.s-InitialUnhealthy{color:var(--starting)}.s-Unhealthy{color:var(--unhealthy)}
.strip{display:flex;align-items:flex-end;gap:1px;height:1.4rem;margin:.15rem 0 .5rem}
.strip span{flex:1;min-width:0}
.c-h{height:35%;background:var(--healthy)}.c-s{height:65%;background:var(--starting)}
.c-u{height:100%;background:var(--unhealthy)}.c-n{height:100%;border-bottom:2px dotted var(--unreachable)}
.lane{display:grid;grid-template-columns:6rem minmax(0,1fr) 4.5rem;gap:.5rem;align-items:end;font-size:.9rem}
.lane .pct{text-align:right;color:var(--dim)}
h3{margin:.75rem 0 .25rem;font-size:1rem}
ul{margin:0;padding-left:1.1rem}
li{margin:.15rem 0}
.legend{color:var(--dim);font-size:.85rem;padding:0 1.25rem 1rem}
`;

/**
 * The page's own script: reload every `data-refresh` seconds of the body while the box is ticked;
 * the choice is kept for the tab (sessionStorage), so a person who stopped it is not overruled.
 */
const SCRIPT =
  "(()=>{const box=document.getElementById('auto');const s=Number(document.body.dataset.refresh)||15;" +
  "let t;const key='feldera-status-refresh';if(sessionStorage.getItem(key)==='off')box.checked=false;" +
  'const arm=()=>{clearTimeout(t);if(box.checked)t=setTimeout(()=>location.reload(),s*1000);};' +
  "box.addEventListener('change',()=>{sessionStorage.setItem(key,box.checked?'on':'off');arm();});arm();})();";

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');

/** The page's Content-Security-Policy: its own script and style by their hashes, nothing else, no other origin. */
export function pageCsp(): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${sha256(STYLE)}'`,
    "img-src 'none'",
    `script-src 'sha256-${sha256(SCRIPT)}'`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A moment and its age, judged against `now`: the instance's own server clock (its Date header). */
function when(ms: number, now: number, o: PageOptions): string {
  return `${formatMoment(ms, { now, utc: o.utc })} (${formatAge(now - ms)})`;
}

function verdictHeading(name: string, v: Verdict, id: string): string {
  return `<h2 id="${id}"><span aria-hidden="true">${VERDICT_MARK[v]}</span><span class="name">${html(name)}</span><span class="verdict" data-verdict="${v}">${v}</span></h2>`;
}

function servicesTable(row: FleetRow, now: number, o: PageOptions): string {
  const v = row.verdict;
  if (v.services.length === 0) return '';
  const rows = v.services.map((s) => {
    const since = s.since === undefined ? 'unknown' : when(s.since, now, o);
    const message = row.health ? row.health[s.service].message : '';
    return `<tr><th scope="row">${s.service}</th><td class="st s-${s.status}">${STATUS_MARK[s.status]} ${STATUS_WORD[s.status]}</td><td class="when">${html(since)}</td><td class="msg">${html(message)}</td></tr>`;
  });
  return `<table><thead><tr><th scope="col">service</th><th scope="col">status</th><th scope="col">since</th><th scope="col">message</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** One service's strip: a cell per slice, run by run, with the availability beside it. */
function strip(service: Service, t: Timeline): string {
  const s = t.services.find((x) => x.service === service);
  if (!s) return '';
  const pct = s.availability.percent === null ? 'n/a' : `${Math.floor(s.availability.percent * 100) / 100}%`;
  const cells = s.cells
    .map((c, i) => {
      const at = t.start + i * t.sliceMs;
      return `<span class="${CELL_CLASS[c]}" title="${html(`${new Date(at).toISOString().slice(0, 16)}Z ${CELL_WORD[c]}`)}"></span>`;
    })
    .join('');
  const label = `${service}: ${pct} available over ${formatDuration(t.end - t.start)}; ${s.incidents} incidents`;
  return `<div class="lane"><span>${service}</span><div class="strip" role="img" aria-label="${html(label)}">${cells}</div><span class="pct">${html(pct)}</span></div>`;
}

function incidentItem(x: Incident, now: number, o: PageOptions): string {
  const start = `${x.startAfterGap || x.startPrecisionMs !== undefined ? '~ ' : ''}${when(x.startedAt, now, o)}`;
  const end = x.ongoing || x.endedAt === undefined ? 'ongoing' : `for ${formatDuration(x.durationMs)}`;
  return `<li><span class="s-${x.worst}">${STATUS_MARK[x.worst]} ${x.service} ${STATUS_WORD[x.worst]}</span> from ${html(start)}, ${html(end)}</li>`;
}

function historyBlock(inst: PageInstance, o: PageOptions): string {
  const h = inst.history;
  if (!h) return '';
  if ('error' in h) return `<p class="meta">history not available: ${html(h.error)}</p>`;
  const lanes = SERVICES.map((s) => strip(s, h.timeline)).join('');
  const list = h.incidents.slice(0, o.incidents ?? 5);
  const incidents = list.length
    ? `<ul>${list.map((x) => incidentItem(x, h.timeline.end, o)).join('')}</ul>`
    : '<p class="meta">none in the retained history</p>';
  return `<h3>Last ${formatDuration(h.timeline.end - h.timeline.start)}</h3>${lanes}<h3>Last incidents</h3>${incidents}`;
}

function instanceSection(inst: PageInstance, i: number, o: PageOptions): string {
  const { row } = inst;
  const v = row.verdict;
  const id = `i${i}`;
  const why =
    v.verdict === 'healthy'
      ? servicesSummary(v)
      : verdictReason(v, row.limit ? formatDuration(row.limit.ms) : undefined);
  const now = row.now ?? o.now;
  const since = v.since === undefined ? 'since unknown' : `since ${when(v.since, now, o)}`;
  const checked =
    v.checkedAt === undefined
      ? ''
      : ` · checked ${html(formatAge(now - v.checkedAt))} (${html(formatTimestamp(v.checkedAt, o.utc))})`;
  return [
    `<section class="instance v-${v.verdict}" aria-labelledby="${id}" data-profile="${html(row.profile)}">`,
    verdictHeading(row.profile, v.verdict, id),
    `<p class="why">${html(since)} · ${html(why)}</p>`,
    `<p class="meta">${html(row.host)}${checked}</p>`,
    servicesTable(row, now, o),
    historyBlock(inst, o),
    '</section>',
  ].join('');
}

/** The whole page. Its title counts what is not healthy, so a browser tab says it too. */
export function renderStatusPage(given: readonly PageInstance[], o: PageOptions): string {
  // Worst first, so the screen's top says what needs a person; then by name.
  const instances = [...given].sort(
    (a, b) =>
      VERDICT_RANK[b.row.verdict.verdict] - VERDICT_RANK[a.row.verdict.verdict] ||
      a.row.profile.localeCompare(b.row.profile),
  );
  const bad = instances.filter((x) => x.row.verdict.verdict !== 'healthy').length;
  const title = bad === 0 ? `all ${instances.length} healthy` : `${bad} of ${instances.length} not healthy`;
  const stamp = `${formatTimestamp(o.now, o.utc)}${o.utc ? '' : ' (local time of the exporter)'}`;
  const legend =
    "Strips, an hour a cell: low bar healthy · half bar starting · full bar unhealthy · dotted line unknown (no fresh data). ~ marks a start known only within a range. Times by each instance's own clock.";
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Feldera cluster health: ${html(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    `<body data-refresh="${Math.max(5, Math.round(o.refreshSeconds))}">`,
    `<header><h1>Feldera cluster health</h1><p>${html(title)} · updated ${html(stamp)} · <label><input type="checkbox" id="auto" checked> refresh every ${Math.max(5, Math.round(o.refreshSeconds))} s</label></p></header>`,
    instances.length
      ? `<main>${instances.map((x, i) => instanceSection(x, i, o)).join('')}</main>`
      : '<main><p>No instance yet: start the exporter with --all-profiles or -p, or probe one (/probe?target=…).</p></main>',
    `<footer class="legend"><p>${html(legend)}</p></footer>`,
    `<script>${SCRIPT}</script>`,
    '</body></html>',
  ].join('\n');
}

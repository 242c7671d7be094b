/**
 * `cluster event incidents` (also `event list --incidents`): consecutive non-healthy events of
 * each service grouped into incidents, newest first. A status holds from its event until the
 * next event, so an incident ends when the service is next reported healthy (see
 * src/history/incidents.ts).
 */
import { SERVICES } from '../../api/types.js';
import type { Context } from '../../context.js';
import { EXIT } from '../../errors.js';
import { checkWindowSyntax, parseService, parseWindow } from '../../domain/history.js';
import { NO_EVENTS, fetchEvents, note } from '../shared/history.js';
import { groupIncidents, incidentJson, incidentsInWindow } from '../../domain/incidents.js';

export interface IncidentsOptions {
  since?: string;
  until?: string;
  service?: string;
  utc?: boolean;
  json?: boolean;
}

export async function run(opts: IncidentsOptions & Record<string, unknown>, ctx: Context, _args: string[] = []): Promise<number> {
  const service = parseService(opts.service);
  checkWindowSyntax(opts);
  const { io } = ctx;

  const { events, now } = await fetchEvents(ctx);
  const { since, until } = parseWindow(opts, now);
  const incidents = incidentsInWindow(groupIncidents(events, now, service ? [service] : SERVICES), since, until, now);

  if (opts.json) {
    const { writeJson } = await import('../../render/json.js');
    writeJson(io, incidents.map(incidentJson));
  }
  if (events.length === 0) {
    note(ctx, NO_EVENTS);
    return EXIT.OK;
  }
  if (incidents.length === 0) {
    note(ctx, `no incidents${service ? ` of ${service}` : ''}${since !== undefined || until !== undefined ? ' in that window' : ''} (${events.length} retained events)`);
    return EXIT.OK;
  }
  if (opts.json) return EXIT.OK;
  if (io.stdoutIsTTY) {
    const [{ default: Table }, { palette }, { renderIncidentTable }] = await Promise.all([
      import('cli-table3'),
      import('../../render/style.js'),
      import('../../render/list.js'),
    ]);
    io.stdout.write(renderIncidentTable(incidents, { utc: Boolean(opts.utc), now, columns: io.columns }, { Table, color: palette(io.color) }));
  } else {
    const { renderIncidentRows } = await import('../../render/list.js');
    io.stdout.write(renderIncidentRows(incidents));
  }
  return EXIT.OK;
}

/**
 * `cluster event incidents` (also `event list --incidents`): consecutive non-healthy events of
 * each service grouped into incidents, newest first. A status holds from its event until the
 * next event, so an incident ends when the service is next reported healthy (domain/incidents.ts).
 */
import { Command } from 'commander';
import { SERVICES, type Service } from '../../api/types.js';
import type { Context } from '../../context.js';
import { checkWindowOrder, windowAt } from '../../domain/history.js';
import { groupIncidents, incidentJson, incidentsInWindow } from '../../domain/incidents.js';
import { AUTO } from '../../domain/staleness.js';
import { EXIT } from '../../errors.js';
import { fetchEvents, NO_EVENTS } from '../../queries/event-history.js';
import { resolveStaleLimit } from '../../queries/stale-limit.js';
import { writeJson } from '../../render/json.js';
import { paintKit } from '../../render/kit.js';
import { renderIncidentRows, renderIncidentTable } from '../../render/list.js';
import type { When } from '../../util/when.js';
import type { Factory, Run } from '../factory.js';
import { examples, jsonOption, serviceOption, utcOption, whenOption } from '../flags.js';

export interface IncidentsOptions {
  since?: When;
  until?: When;
  service?: Service;
  utc: boolean;
  json: boolean;
}

interface IncidentsFlags {
  since?: When;
  until?: When;
  service?: Service;
  utc?: boolean;
  json?: boolean;
}

/** The typed options from parsed flags; shared with `event list --incidents`. */
export function incidentsOptions(flags: IncidentsFlags): IncidentsOptions {
  checkWindowOrder(flags.since, flags.until);
  return {
    since: flags.since,
    until: flags.until,
    service: flags.service,
    utc: flags.utc ?? false,
    json: flags.json ?? false,
  };
}

export function newCmdIncidents(f: Factory, runF: Run<IncidentsOptions> = incidentsRun): Command {
  return new Command('incidents')
    .description('consecutive non-healthy events of each service, grouped into incidents')
    .addOption(serviceOption('only this service'))
    .addOption(whenOption('--since', 'incidents that end at or after this: a duration (2h, 3d) or an RFC 3339 time'))
    .addOption(whenOption('--until', 'incidents that start at or before this: a duration ago or an RFC 3339 time'))
    .addOption(utcOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples('cluster event incidents --since 24h', "cluster event incidents --service compiler --json | jq '.[0]'"),
    )
    .action(async (flags: IncidentsFlags, cmd: Command) => {
      const opts = incidentsOptions(flags);
      await f.run(cmd, runF, opts, { json: opts.json });
    });
}

export async function incidentsRun(opts: IncidentsOptions, ctx: Context): Promise<number> {
  const { io } = ctx;
  const { events, now } = await fetchEvents(ctx);
  // The history in hand teaches the healthy period (stored for later); its stale limit is what a
  // recorder gap is: a start after one happened somewhere in the gap.
  const limit = resolveStaleLimit(ctx, AUTO, { history: events });
  const { since, until } = windowAt(opts, now);
  const incidents = incidentsInWindow(
    groupIncidents(events, now, opts.service ? [opts.service] : SERVICES, limit.ms),
    since,
    until,
    now,
  );

  if (opts.json) writeJson(io, incidents.map(incidentJson));
  if (events.length === 0) {
    ctx.printer.note(NO_EVENTS);
    return EXIT.OK;
  }
  if (incidents.length === 0) {
    const where = since !== undefined || until !== undefined ? ' in that window' : '';
    ctx.printer.note(
      `no incidents${opts.service ? ` of ${opts.service}` : ''}${where} (${events.length} retained events)`,
    );
    return EXIT.OK;
  }
  if (opts.json) return EXIT.OK;
  if (io.stdoutIsTTY)
    io.stdout.write(
      renderIncidentTable(incidents, { utc: opts.utc, now, columns: io.columns }, await paintKit(io.color)),
    );
  else io.stdout.write(renderIncidentRows(incidents));
  return EXIT.OK;
}

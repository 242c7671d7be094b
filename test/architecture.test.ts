/**
 * The layers of docs/architecture.md, held: data flows one way (command → queries → api client →
 * typed value → domain verdict → renderer → IO), so each folder of src/ may import only the
 * folders below it. A type-only import (`import type`) may also reach a folder that only lends it a
 * shape. A new edge is a design decision: add it here, and to the map in docs/architecture.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

/** What each folder (or top-level file) may import at run time. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  'errors.ts': [],
  'version.ts': [],
  util: ['errors.ts'],
  io: ['errors.ts', 'util'],
  api: ['errors.ts', 'io', 'util'],
  // OpenID Connect, for `login --oidc` and the refresh of its tokens (a lazy chunk of its own).
  oidc: ['errors.ts', 'util', 'io', 'api'],
  config: ['errors.ts', 'io', 'util', 'api', 'oidc'],
  domain: ['errors.ts', 'util', 'api'],
  render: ['errors.ts', 'util', 'io', 'api', 'domain'],
  simulator: ['errors.ts', 'util', 'api'],
  'context.ts': ['errors.ts', 'util', 'io', 'api', 'config'],
  queries: ['errors.ts', 'util', 'io', 'api', 'config', 'domain'],
  watch: ['errors.ts', 'util', 'api', 'domain'],
  hooks: ['errors.ts', 'util', 'io', 'api', 'domain', 'render', 'watch'],
  // The exporter is a long-running command of its own: it resolves profiles and reads through queries/.
  exporter: ['errors.ts', 'util', 'io', 'api', 'config', 'domain', 'render', 'queries'],
  completion: ['errors.ts', 'util', 'simulator'],
  commands: [
    'errors.ts',
    'version.ts',
    'util',
    'io',
    'api',
    'config',
    'oidc',
    'domain',
    'render',
    'simulator',
    'context.ts',
    'queries',
    'watch',
    'hooks',
    'exporter',
    'completion',
  ],
  'cli.ts': ['errors.ts', 'version.ts', 'io', 'api', 'context.ts', 'commands'],
};

/** Shapes only (`import type`): a folder may borrow these types beyond its run-time imports. */
const MAY_BORROW_TYPES: Record<string, readonly string[]> = {
  domain: ['config'],
  render: ['config', 'watch'],
  queries: ['context.ts'],
  hooks: ['context.ts'],
  exporter: ['context.ts'],
  api: [],
};

function unitOf(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes(sep) ? rel.split(sep)[0]! : rel;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.isDirectory()) return sources(join(dir, d.name));
    return d.name.endsWith('.ts') ? [join(dir, d.name)] : [];
  });
}

/** Every relative import of a file: the unit it reaches, and whether only types cross. */
function importsOf(file: string): { unit: string; typeOnly: boolean; text: string }[] {
  const text = readFileSync(file, 'utf8');
  const out: { unit: string; typeOnly: boolean; text: string }[] = [];
  const re = /(import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const spec = m[3] ?? m[4]!;
    const target = normalize(join(dirname(file), spec));
    out.push({ unit: unitOf(target.replace(/\.js$/, '.ts')), typeOnly: m[2] !== undefined, text: m[0] });
  }
  return out;
}

describe('architecture: one-way layers', () => {
  const files = sources(SRC);

  it('every folder of src/ has its place in the table', () => {
    const units = [...new Set(files.map(unitOf))].sort();
    expect(units).toEqual(Object.keys(MAY_IMPORT).sort());
  });

  it('no import goes against the flow', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = unitOf(file);
      for (const imp of importsOf(file)) {
        if (imp.unit === from) continue;
        const allowed =
          MAY_IMPORT[from]!.includes(imp.unit) || (imp.typeOnly && (MAY_BORROW_TYPES[from] ?? []).includes(imp.unit));
        if (!allowed) wrong.push(`${relative(SRC, file)}: ${imp.text}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('only cli.ts assembles commands, and nothing imports cli.ts', () => {
    for (const file of files) {
      const from = unitOf(file);
      for (const imp of importsOf(file)) {
        if (imp.unit === 'commands') expect(['commands', 'cli.ts'], relative(SRC, file)).toContain(from);
        expect(imp.unit, relative(SRC, file)).not.toBe('cli.ts');
      }
    }
  });
});

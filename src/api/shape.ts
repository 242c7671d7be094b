/**
 * Schemas of JSON answers, each one definition for both the check that runs and the type it proves
 * (`Infer<typeof S>`), so the two cannot drift apart. A check only looks: it never copies, converts
 * or drops anything (unknown fields are ignored and stay), so a checked answer is the very object
 * that arrived and `--json` prints it as sent. The first problem found is thrown as a ShapeError
 * that names where it is: `the event."id" is "x", expected a UUID`, `the health status has no "api"`.
 *
 * Ours rather than a schema library's: these few combinators keep the messages above exactly, and
 * the whole module is a few hundred bytes of the bundle that every run loads (README, Benchmarks).
 */

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

export interface Schema<T> {
  /** What it expects, as a message says it: `a string`, `true or false`, `one of A, B`. */
  readonly expected: string;
  /** Whether an object may leave this field out. */
  readonly optional: boolean;
  /**
   * True when `v` is a T; otherwise throws a ShapeError about `name` (what `v` is called in
   * messages), saying `expected` (by default the schema's own) was expected.
   */
  readonly check: (v: unknown, name: string, expected?: string) => v is T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

/** A value as messages show it: short strings quoted, longer ones only as `a string`. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? 'a string' : `"${v}"`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

function mismatch(name: string, v: unknown, expected: string): never {
  throw new ShapeError(`${name} is ${describe(v)}, expected ${expected}`);
}

function primitive<T>(expected: string, test: (v: unknown) => v is T): Schema<T> {
  return {
    expected,
    optional: false,
    check: (v, name, exp = expected): v is T => test(v) || mismatch(name, v, exp),
  };
}

export const string: Schema<string> = primitive('a string', (v): v is string => typeof v === 'string');

export const boolean: Schema<boolean> = primitive('true or false', (v): v is boolean => typeof v === 'boolean');

/** One of a few strings (an enum of the spec). */
export function oneOf<const V extends readonly string[]>(values: V): Schema<V[number]> {
  const known: readonly unknown[] = values;
  return primitive(`one of ${values.join(', ')}`, (v): v is V[number] => known.includes(v));
}

/** A string in a format: anything else that is a string is shown by its first 40 characters. */
export function formatted(expected: string, test: (s: string) => boolean): Schema<string> {
  return {
    expected,
    optional: false,
    check: (v, name): v is string => {
      if (!string.check(v, name)) return false;
      if (!test(v)) throw new ShapeError(`${name} is "${v.slice(0, 40)}", expected ${expected}`);
      return true;
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** RFC 3339, with any number of fraction digits (Feldera writes 0, 3 or 6; v0.121–v0.200 nine). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A UUID of any version (the spec says UUID; Feldera makes version 7). */
export const uuid: Schema<string> = formatted('a UUID', (s) => UUID.test(s));

/** An RFC 3339 date-time that is a real date (not `2025-13-45T…`). */
export const dateTime: Schema<string> = formatted(
  'an RFC 3339 date-time',
  (s) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)),
);

export function nullable<T>(s: Schema<T>): Schema<T | null> {
  const expected = `${s.expected} or null`;
  return {
    expected,
    optional: s.optional,
    check: (v, name, exp = expected): v is T | null => v === null || s.check(v, name, exp),
  };
}

/** A field an object may leave out (a field that is present must still be an S). */
export function optional<T>(s: Schema<T>): Schema<T | undefined> {
  return {
    expected: s.expected,
    optional: true,
    check: (v, name, exp): v is T | undefined => v === undefined || s.check(v, name, exp),
  };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Any object, its contents not looked at. */
export const anyObject: Schema<Record<string, unknown>> = primitive('an object', isRecord);

type Fields = { readonly [key: string]: Schema<unknown> };
type OptionalKeys<F extends Fields> = { [K in keyof F]-?: undefined extends Infer<F[K]> ? K : never }[keyof F];
type Flat<T> = { [K in keyof T]: T[K] } & {};
/** The object type of `fields`: the optional ones as optional properties. */
export type ObjectOf<F extends Fields> = Flat<
  { -readonly [K in Exclude<keyof F, OptionalKeys<F>>]: Infer<F[K]> } & {
    -readonly [K in OptionalKeys<F>]?: Infer<F[K]>;
  }
>;

/**
 * An object with these fields, checked in this order (the first problem is the one reported).
 * Other fields are allowed and left alone. A field's name in messages is `<object>."<key>"`.
 */
export function object<F extends Fields>(fields: F): Schema<ObjectOf<F>> & { readonly fields: F } {
  const keys = Object.keys(fields);
  return {
    expected: 'an object',
    optional: false,
    fields,
    check: (v, name, exp = 'an object'): v is ObjectOf<F> => {
      if (!isRecord(v)) mismatch(name, v, exp);
      for (const key of keys) {
        const value = v[key];
        const field = fields[key]!;
        if (value !== undefined) field.check(value, `${name}."${key}"`);
        else if (!field.optional) throw new ShapeError(`${name} has no "${key}"`);
      }
      return true;
    },
  };
}

/** An array of `item`s; the i-th is named `element(name, i)` in messages (`<array>[i]` by default). */
export function array<T>(
  item: Schema<T>,
  element: (name: string, i: number) => string = (name, i) => `${name}[${i}]`,
): Schema<T[]> {
  return {
    expected: 'an array',
    optional: false,
    check: (v, name, exp = 'an array'): v is T[] => {
      if (!Array.isArray(v)) mismatch(name, v, exp);
      for (let i = 0; i < v.length; i++) item.check(v[i], element(name, i));
      return true;
    },
  };
}

/** Whether `v` is a T, without saying why not. */
export function matches<T>(schema: Schema<T>, v: unknown): v is T {
  try {
    return schema.check(v, 'the value');
  } catch (e) {
    if (e instanceof ShapeError) return false;
    throw e;
  }
}

/** `v` itself, now known to be a T; a ShapeError about `name` when it is not one. */
export function parse<T>(schema: Schema<T>, v: unknown, name: string): T {
  if (schema.check(v, name)) return v;
  // Not reached: a check that fails throws, saying why.
  return mismatch(name, v, schema.expected);
}

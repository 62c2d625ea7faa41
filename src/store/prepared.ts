import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.js';

/**
 * Queries of a fixed shape, built and compiled by Kysely once per dialect and then run with new values.
 *
 * Building and compiling a query costs more than running it on SQLite (a join of the mfa_token path: ≈ 80 µs to
 * build against ≈ 25 µs to run, `docs/performance.md`), and the hot paths run the same dozen shapes on every
 * request. `prepared(build)` calls `build` once with a sentinel in place of each argument, compiles it, and
 * remembers where each sentinel landed among the parameters; a call then only substitutes the values. The SQL
 * text, and so the SQLite statement cache and PostgreSQL's plans, are the same as Kysely's.
 *
 * The rule for `build`: each argument is used as a plain value (`where(col, '=', arg)`, `values({ col: arg })`),
 * never in the query's shape (no `in` list from an array, no optional clause that depends on it, no string
 * built from it). A build that uses an argument otherwise is refused the first time it runs, because that
 * argument's sentinel is not among the parameters as it is.
 *
 * Hand-written: Kysely has no parameterised-template API, and this is twenty lines over its public
 * `compile()` and `executeQuery()`.
 */

interface Template {
  sql: string;
  /** For each parameter: the index of the argument it takes, or the constant the build put there. */
  slots: Array<{ arg: number } | { constant: unknown }>;
}

const SENTINEL = '\u0000guardline-prepared-argument-';

export function prepared<Args extends unknown[], Row>(build: (db: Kysely<Database>, ...args: Args) => Compilable<Row>) {
  // One template per dialect (the tests run both in one process); keyed by the adapter's class.
  const templates = new Map<unknown, Template>();

  function templateFor(db: Kysely<Database>, arity: number): Template {
    const dialectKey = db.getExecutor().adapter.constructor;
    const known = templates.get(dialectKey);
    if (known) return known;
    const sentinels = Array.from({ length: arity }, (_, i) => `${SENTINEL}${i}`);
    const compiled = build(db, ...(sentinels as unknown as Args)).compile();
    const slots = compiled.parameters.map((value) => {
      if (typeof value !== 'string' || !value.includes(SENTINEL)) return { constant: value };
      const arg = Number(value.slice(SENTINEL.length));
      // A sentinel inside a longer string: the build made a value out of an argument (`${arg}%`, say).
      if (!value.startsWith(SENTINEL) || !Number.isInteger(arg) || arg < 0 || arg >= arity) {
        throw new Error(`prepared query: an argument is not used as a plain value (${compiled.sql})`);
      }
      return { arg };
    });
    for (let i = 0; i < arity; i++) {
      if (!slots.some((slot) => 'arg' in slot && slot.arg === i)) {
        throw new Error(`prepared query: argument ${i} is not used as a plain value (${compiled.sql})`);
      }
    }
    const template = { sql: compiled.sql, slots };
    templates.set(dialectKey, template);
    return template;
  }

  /** Runs the query on `db` (the store's database or a transaction) with `args`. */
  return async function run(db: Kysely<Database>, ...args: Args): Promise<QueryResult<Row>> {
    const template = templateFor(db, args.length);
    const parameters = template.slots.map((slot) => ('arg' in slot ? args[slot.arg] : slot.constant));
    return db.executeQuery<Row>(CompiledQuery.raw(template.sql, parameters));
  };
}

/**
 * A prepared insert of one whole row into `table`. `columns` lists every column (a `Record<column, true>`, so the
 * compiler says when a column is added to the row type and not here); each row supplies all of them.
 */
export function preparedInsert<Row extends object>(table: keyof Database & string, columns: Record<keyof Row & string, true>) {
  const names = Object.keys(columns) as Array<keyof Row & string>;
  const insert = prepared((db, ...values: unknown[]) =>
    // The table is generic here, so Kysely's per-table types cannot check the values: the Record above does.
    db.insertInto(table).values(Object.fromEntries(names.map((name, i) => [name, values[i]])) as never),
  );
  return (db: Kysely<Database>, row: Row) => insert(db, ...names.map((name) => row[name]));
}

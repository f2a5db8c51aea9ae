import type { Compilable, CompiledQuery } from 'kysely';
import type { Executor } from './database.js';

const MARKER = '\u0000prepared-query-parameter:';

/**
 * A query of a fixed shape, built and compiled once per dialect, then run with fresh parameters. Kysely
 * builds and compiles a query anew on every call, which for a short select costs about as much CPU as
 * SQLite takes to run it (measured on GET /classify_runs/{id}). `build` gets stand-ins for the parameters
 * and may use them only as values (compared or inserted), which Kysely always sends as parameters:
 *
 *   const fileById = preparedQuery((ex, p: { id: string }) => ex.selectFrom('files').selectAll().where('id', '=', p.id));
 *   const [file] = await fileById(db, { id });
 */
export function preparedQuery<P extends Record<string, unknown>, Row>(
  build: (ex: Executor, params: P) => Compilable<Row>,
): (ex: Executor, values: P) => Promise<Row[]> {
  // Each stand-in is a string no caller would pass; its name says which value goes in its place.
  const standIns = new Proxy({} as P, { get: (_, name) => `${MARKER}${String(name)}` });
  const compiled = new Map<unknown, { query: CompiledQuery<Row>; slots: (string | undefined)[] }>();
  return async (ex, values) => {
    // Placeholders differ between SQLite and PostgreSQL: one compiled form per adapter class.
    const dialect = ex.getExecutor().adapter.constructor;
    let entry = compiled.get(dialect);
    if (!entry) {
      const query = build(ex, standIns).compile();
      const slots = query.parameters.map((p) =>
        typeof p === 'string' && p.startsWith(MARKER) ? p.slice(MARKER.length) : undefined,
      );
      entry = { query, slots };
      compiled.set(dialect, entry);
    }
    const { query, slots } = entry;
    for (const name of Object.keys(values)) {
      if (!slots.includes(name)) throw new Error(`prepared query: parameter ${name} is not a value`);
    }
    const parameters = query.parameters.map((p, i) => {
      const slot = slots[i];
      return slot === undefined ? p : values[slot];
    });
    return (await ex.executeQuery<Row>({ ...query, parameters })).rows;
  };
}

import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { backends, dropSchema, pgTestUrl, uniqueSchema } from '../support/backends.js';

/**
 * Kysely's migrator lists the tables of every schema in the database to find its bookkeeping tables; another
 * process dropping its schema meanwhile (another instance's, another test file's) used to fail a start with
 * 'schema "t_..." does not exist'. Starts must get through while schemas come and go around them.
 */
describe.runIf(backends().includes('postgres'))(
  'migrations while other schemas are dropped (postgres)',
  () => {
    it('starts every database while another client creates and drops schemas as fast as it can', async () => {
      const churn = new pg.Client({ connectionString: pgTestUrl() });
      await churn.connect();
      let stop = false;
      let churned = 0;
      const churning = (async () => {
        while (!stop) {
          const name = uniqueSchema();
          // A few tables, so the listing has rows of the schema to trip over.
          await churn.query(
            `create schema "${name}"; create table "${name}".a (x int); create table "${name}".b (y int)`,
          );
          await churn.query(`drop schema "${name}" cascade`);
          churned++;
        }
      })();
      const schemas = Array.from({ length: 8 }, () => uniqueSchema());
      try {
        for (const schema of schemas) {
          const handle = await openDatabase(
            { kind: 'postgres', url: pgTestUrl() },
            { pgSchema: schema, poolSize: 2 },
          );
          await handle.close();
        }
      } finally {
        stop = true;
        await churning;
        await churn.end();
        for (const schema of schemas) await dropSchema(schema);
      }
      expect(churned).toBeGreaterThan(8);
    }, 120_000);
  },
);

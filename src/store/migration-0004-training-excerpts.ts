import type { Kysely, Migration } from 'kysely';

/**
 * The start of each labelled document's text next to its features, so that an engine which shows examples
 * (the language model's few-shot demonstrations) can do so without re-reading files. Nullable: rows written
 * before have none until they are featurised again (a new features version), and are simply not shown.
 */
export const trainingExcerptsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('training_features').addColumn('excerpt', 'text').execute();
  },
};

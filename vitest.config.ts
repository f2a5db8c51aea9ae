import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each test file builds its own database (SQLite file or PostgreSQL schema), so files run in parallel safely.
    pool: 'forks',
  },
});

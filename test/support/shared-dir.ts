import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The team's shared folder (data and spec): `DOCSORT_SHARED_DIR` when set (`.ci/run` sets it for a
 * checkout that is not beside it), else `../shared` next to the repository.
 */
export const SHARED_DIR =
  process.env.DOCSORT_SHARED_DIR ??
  path.resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared');

export const sharedPath = (...parts: string[]): string => path.join(SHARED_DIR, ...parts);

/**
 * Where tesseract.js finds its English model: the `@tesseract.js-data/eng` package on disk. Given a
 * filesystem path, tesseract.js reads the file; given nothing, it downloads from a CDN, and offline that
 * download fails inside its worker and takes the whole process down (STACK.md). So the path is always set.
 */

import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The LSTM-only integer model: the one tesseract.js itself uses by default, a third of the legacy size. */
const MODEL_DIR = '4.0.0_best_int';
export const LANGUAGE = 'eng';

/** The absolute directory holding eng.traineddata.gz; throws if the package or the file is missing. */
export function englishDataDir(): string {
  const packageJson = createRequire(import.meta.url).resolve('@tesseract.js-data/eng/package.json');
  const dir = path.join(path.dirname(packageJson), MODEL_DIR);
  accessSync(path.join(dir, `${LANGUAGE}.traineddata.gz`), constants.R_OK);
  return dir;
}

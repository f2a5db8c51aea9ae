/** Entry point of a parser process (see process-pool.ts): the real DocumentParser, served over IPC. */

import { createDocumentParser, type DocumentParserOptions } from '../index.js';
import { serveParser, startupOptions } from './parser-process.js';

serveParser(createDocumentParser(startupOptions<DocumentParserOptions>()));

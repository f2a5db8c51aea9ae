import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { childCommand, defaultEntry } from '../../src/adapters/parsers/isolation/child-command.js';
import { createIsolatedParser } from '../../src/adapters/parsers/isolation/isolated-parser.js';
import type { ParseLimits } from '../../src/ports/parser.js';
import { textImage } from '../fixtures/ocr-images.js';
import { expectFailure } from '../fixtures/parse.js';
import { utf8 } from '../fixtures/text-bytes.js';

const LIMITS: ParseLimits = { maxPages: 10, timeoutMs: 30_000 };
const hello = utf8('Hello from a parser process');

describe('isolated parser (real parser processes, run from the TypeScript sources through tsx)', () => {
  const parser = createIsolatedParser({ ocrEngine: 'tesseract.js', processes: 1 });
  afterAll(() => parser.close?.());

  it('parses text and OCRs images in a separate process', async () => {
    expect(parser.detect(hello, 'hello.txt')).toEqual({ fileType: 'TXT', mimeType: 'text/plain' });
    const text = await parser.parse({ bytes: hello, fileName: 'hello.txt', limits: LIMITS });
    expect(text.pages[0]?.text).toBe('Hello from a parser process');
    const image = await parser.parse({
      bytes: await textImage(['Read behind a process boundary']),
      fileName: 'scan.png',
      limits: LIMITS,
    });
    expect(image.pages[0]?.text).toContain('Read behind a process boundary');
    expect(image.pages[0]?.ocrConfidence).toBeGreaterThan(0.5);
  });

  it('passes the parser’s own failures through unchanged', async () => {
    const failure = await expectFailure(
      parser.parse({ bytes: new Uint8Array(), fileName: 'empty.pdf', limits: LIMITS }),
      'CORRUPT_FILE',
    );
    expect(failure.message).toBe('The file is empty.');
  });
});

describe('isolated parser with a misbehaving parser', () => {
  const parser = createIsolatedParser({
    entry: new URL('../fixtures/misbehaving-parser-child.ts', import.meta.url),
    processes: 2,
    memoryMb: 300,
    killGraceMs: 300,
  });
  afterAll(() => parser.close?.());
  const parse = (fileName: string, limits: Partial<ParseLimits> = {}) =>
    parser.parse({ bytes: hello, fileName, limits: { ...LIMITS, ...limits } });

  it('fails only the file whose parser crashes; the file beside it and the next one parse', async () => {
    const [crashed, beside] = await Promise.allSettled([parse('crash.bin'), parse('beside.txt')]);
    expect(crashed.status).toBe('rejected');
    expect(beside.status).toBe('fulfilled');
    const failure = await expectFailure(
      Promise.reject((crashed as PromiseRejectedResult).reason),
      'INTERNAL_ERROR',
    );
    expect(failure.message).toMatch(/^The parser crashed while reading this file \(exit code \d+\)\.$/);
    expect((await parse('after.txt')).pages[0]?.text).toBe('Hello from a parser process');
  });

  it('fails a native abort as a crash', async () => {
    const failure = await expectFailure(parse('abort.bin'), 'INTERNAL_ERROR');
    expect(failure.message).toBe('The parser crashed while reading this file (signal SIGABRT).');
  });

  it('kills a parser stuck in a synchronous loop at the file’s deadline, then parses the next file', async () => {
    // Started and warm, so the measured time is the file's alone.
    await parse('warm-up.txt');
    const started = performance.now();
    const failure = await expectFailure(parse('hang.bin', { timeoutMs: 1000 }), 'INTERNAL_ERROR');
    expect(failure.message).toBe('Parsing timed out after 1000 ms.');
    expect(performance.now() - started).toBeLessThan(5000);
    expect((await parse('after.txt')).pages).toHaveLength(1);
  });

  it('kills a parser whose memory outgrows the limit, inside or outside the V8 heap', async () => {
    const [native, heap] = await Promise.all([
      expectFailure(parse('native-memory.bin'), 'FILE_SIZE_TOO_LARGE'),
      expectFailure(parse('heap.bin'), 'FILE_SIZE_TOO_LARGE'),
    ]);
    expect(native.message).toBe('Parsing this file needed more than the 300 MB of memory allowed.');
    expect(heap.message).toBe(native.message);
    expect((await parse('after.txt')).pages).toHaveLength(1);
  });
});

describe('parser process start-up', () => {
  it('runs a .ts entry through tsx and a compiled .js entry with plain node', () => {
    const ts = childCommand(new URL('file:///app/src/adapters/parsers/isolation/parser-child.ts'));
    expect(ts.execArgv[0]).toBe('--import');
    expect(ts.execArgv[1]).toMatch(/^file:.*tsx/);
    expect(childCommand(new URL('file:///app/dist/adapters/parsers/isolation/parser-child.js'))).toEqual({
      modulePath: '/app/dist/adapters/parsers/isolation/parser-child.js',
      execArgv: [],
    });
    expect(defaultEntry('file:///app/dist/x/isolated-parser.js').href).toBe(
      'file:///app/dist/x/parser-child.js',
    );
    expect(defaultEntry('file:///app/src/x/isolated-parser.ts').href).toBe(
      'file:///app/src/x/parser-child.ts',
    );
  });

  it('works compiled to JavaScript, without tsx (the parsers transpiled, run by plain node)', async () => {
    // The sources transpiled file by file (what tsc emits, minus type checking) into a git-ignored
    // directory inside the repository, so that node_modules resolves as it does for dist/.
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const out = path.join(root, 'test-artifacts', `compiled-${process.pid}`);
    rmSync(out, { recursive: true, force: true });
    try {
      // The isolated parser needs only the parsers and their port.
      for (const dir of ['ports', 'adapters/parsers'])
        transpileTree(path.join(root, 'src', dir), path.join(out, dir));
      writeFileSync(path.join(out, 'package.json'), '{"type":"module"}');
      const script = `
        const { createIsolatedParser } = await import(${JSON.stringify(pathToFileURL(path.join(out, 'adapters/parsers/isolation/isolated-parser.js')).href)});
        const parser = createIsolatedParser({ processes: 1 });
        const bytes = new TextEncoder().encode('Compiled and isolated');
        const doc = await parser.parse({ bytes, fileName: 'note.txt', limits: { maxPages: 1, timeoutMs: 30000 } });
        await parser.close();
        process.stdout.write(doc.pages[0].text);`;
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        timeout: 50_000,
      });
      expect(stdout).toContain('Compiled and isolated');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});

function transpileTree(from: string, to: string): void {
  for (const name of readdirSync(from)) {
    const source = path.join(from, name);
    if (statSync(source).isDirectory()) {
      transpileTree(source, path.join(to, name));
    } else if (name.endsWith('.ts')) {
      const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
        fileName: source,
      });
      mkdirSync(to, { recursive: true });
      writeFileSync(path.join(to, name.replace(/\.ts$/, '.js')), outputText);
    }
  }
}

import type { DocsortApi } from '../api/client';
import type { ClassifyRunSummary, FileObject, ParseRun } from '../api/types';

export type DocumentKind = 'pdf' | 'image' | 'text';

/** What the run page shows besides the run itself: the file (with its bytes for PDFs and images) and the parsed text. */
export interface RunMaterials {
  file: FileObject | null;
  kind: DocumentKind;
  /** PDF bytes, fetched once so a preloaded run opens at once; pass a copy to pdf.js (it detaches it). */
  pdfBytes: ArrayBuffer | null;
  /** An object URL of the image bytes. */
  imageUrl: string | null;
  parse: ParseRun | null;
  parseError: string | null;
}

const IMAGE_EXTENSIONS = /\.(png|jpe?g|gif|webp|bmp|tiff?|heic)$/i;
const IMAGE_TYPES = new Set(['IMG', 'IMAGE', 'PNG', 'JPG', 'JPEG', 'GIF', 'WEBP', 'BMP', 'TIFF', 'HEIC']);

export function documentKind(file: { name: string; type: string | null } | null): DocumentKind {
  if (!file) return 'text';
  if (file.type === 'PDF' || /\.pdf$/i.test(file.name)) return 'pdf';
  if ((file.type && IMAGE_TYPES.has(file.type)) || IMAGE_EXTENSIONS.test(file.name)) return 'image';
  return 'text';
}

// Presigned links live 15 minutes by default; keep loaded materials well inside that.
const TTL_MS = 5 * 60_000;
const cache = new Map<string, { at: number; promise: Promise<RunMaterials> }>();

/** Load (or start loading, for preloading) everything the run page needs. Memoised per run. */
export function loadRunMaterials(api: DocsortApi, run: ClassifyRunSummary): Promise<RunMaterials> {
  const key = `${run.id}:${run.parseRunId ?? ''}:${run.file?.id ?? ''}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.promise;
  const promise = fetchMaterials(api, run);
  cache.set(key, { at: Date.now(), promise });
  promise.catch(() => cache.delete(key));
  return promise;
}

async function fetchMaterials(api: DocsortApi, run: ClassifyRunSummary): Promise<RunMaterials> {
  const parsePromise = run.parseRunId
    ? api.getParseRun(run.parseRunId).then(
        (parse) => ({ parse, parseError: null }),
        (err: unknown) => ({ parse: null, parseError: err instanceof Error ? err.message : String(err) }),
      )
    : Promise.resolve({ parse: null, parseError: null });
  const file = run.file ? await api.getFile(run.file.id) : null;
  const kind = documentKind(file);
  let pdfBytes: ArrayBuffer | null = null;
  let imageUrl: string | null = null;
  if (file?.presignedUrl && kind !== 'text') {
    const res = await fetch(file.presignedUrl);
    if (res.ok) {
      if (kind === 'pdf') pdfBytes = await res.arrayBuffer();
      else imageUrl = URL.createObjectURL(await res.blob());
    }
  }
  const { parse, parseError } = await parsePromise;
  return { file, kind, pdfBytes, imageUrl, parse, parseError };
}

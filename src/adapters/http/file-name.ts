const FALLBACK_NAME = 'download';
const MAX_NAME_LENGTH = 255;

/**
 * The name a downloaded file should carry: Content-Disposition's `filename*` (RFC 6266 / RFC 8187), then
 * its `filename`, then the URL's last path segment, then `download`.
 */
export function downloadFileName(contentDisposition: string | null, url: URL): string {
  const fromHeader = contentDisposition ? fileNameFromContentDisposition(contentDisposition) : null;
  if (fromHeader) return fromHeader;
  const segment = url.pathname.split('/').pop() ?? '';
  return sanitiseFileName(tryDecodeURIComponent(segment) ?? segment) ?? FALLBACK_NAME;
}

/** The sanitised file name a Content-Disposition header carries, or null. */
export function fileNameFromContentDisposition(header: string): string | null {
  const params = parseParameters(header);
  const extended = params.get('filename*');
  const decodedExtended = extended === undefined ? null : decodeExtendedValue(extended);
  if (decodedExtended !== null) {
    const name = sanitiseFileName(decodedExtended);
    if (name) return name;
  }
  const plain = params.get('filename');
  return plain === undefined ? null : sanitiseFileName(latin1HeaderToUtf8(plain));
}

function parseParameters(header: string): Map<string, string> {
  const params = new Map<string, string>();
  // `; name = "quoted \" value"` or `; name=token`; the disposition type before the first `;` is skipped.
  const pattern = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (const match of header.matchAll(pattern)) {
    const name = match[1]?.toLowerCase();
    if (!name || params.has(name)) continue;
    const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '').trim();
    params.set(name, value);
  }
  return params;
}

// RFC 8187: charset'language'percent-encoded-bytes; only UTF-8 and ISO-8859-1 are required.
function decodeExtendedValue(value: string): string | null {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!match) return null;
  const charset = (match[1] ?? '').toLowerCase();
  const encoded = match[2] ?? '';
  if (charset === 'utf-8') return tryDecodeURIComponent(encoded);
  if (charset === 'iso-8859-1') {
    return encoded.replace(/%([0-9a-f]{2})/gi, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
  }
  return null;
}

// Node reads header bytes as Latin-1; many servers put raw UTF-8 in `filename`, so re-read it if it is valid UTF-8.
function latin1HeaderToUtf8(value: string): string {
  const codes = Array.from(value, (char) => char.charCodeAt(0));
  if (!codes.some((code) => code >= 0x80) || codes.some((code) => code > 0xff)) return value;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

function tryDecodeURIComponent(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/** Keep only the base name, without control characters; null when nothing usable is left (`..`, ``). */
function sanitiseFileName(name: string): string | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
  const base = (name.split(/[/\\]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (base === '' || base === '.' || base === '..') return null;
  return base.slice(0, MAX_NAME_LENGTH);
}

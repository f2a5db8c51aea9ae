/** Block decryption without padding: Office pads its encrypted values and package to whole blocks itself. */

import { createDecipheriv } from 'node:crypto';

export function decryptBlocks(
  cipher: string,
  key: Uint8Array,
  iv: Uint8Array | null,
  data: Uint8Array,
): Buffer {
  const decipher = createDecipheriv(cipher, key, iv);
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

/**
 * The iterated password hash both Office schemes start from ([MS-OFFCRYPTO] 2.3.4.7 and 2.3.4.11):
 * H0 = H(salt + password as UTF-16LE), then Hn = H(n - 1 as uint32 LE + Hn-1), spinCount times.
 */

import { hash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { cancelled } from './failures.js';

/** The spec's upper bound ([MS-OFFCRYPTO] 2.3.4.10): about 15 s of SHA-512 here. Office writes 100,000. */
export const MAX_SPIN_COUNT = 10_000_000;
/** About 35 ms of SHA-512: the time budget's timer and other files get a turn between batches. */
const SPINS_PER_TURN = 20_000;

export async function iteratedPasswordHash(
  algorithm: string,
  salt: Uint8Array,
  password: string,
  spinCount: number,
  signal: AbortSignal,
): Promise<Buffer> {
  let h = hash(algorithm, Buffer.concat([salt, Buffer.from(password, 'utf16le')]), 'buffer');
  const input = Buffer.alloc(4 + h.length);
  for (let i = 0; i < spinCount; i++) {
    if (i > 0 && i % SPINS_PER_TURN === 0) {
      await nextTurn();
      if (signal.aborted) throw cancelled();
    }
    input.writeUInt32LE(i, 0);
    h.copy(input, 4);
    h = hash(algorithm, input, 'buffer');
  }
  return h;
}

/** A hash cut or padded with 0x36 to `length` bytes, as keys and IVs are derived ([MS-OFFCRYPTO] 2.3.4.11). */
export function fitTo(bytes: Uint8Array, length: number): Buffer {
  const out = Buffer.alloc(length, 0x36);
  out.set(bytes.subarray(0, length));
  return out;
}

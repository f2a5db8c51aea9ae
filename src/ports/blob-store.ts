/** Where file bytes live. Keys are opaque; writes are atomic (a reader never sees half a file). */
export interface BlobStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  delete(key: string): Promise<void>;
}

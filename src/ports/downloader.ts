/** Fetches a remote file for `file: {url}` inputs, guarded against internal addresses. */
export interface DownloadedFile {
  bytes: Uint8Array;
  fileName: string;
  contentType: string | null;
}

export interface Downloader {
  /** Throws an Error whose message can be shown to the user. */
  download(url: string): Promise<DownloadedFile>;
}

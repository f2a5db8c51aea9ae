/** Outbound webhook HTTP: URL vetting at registration and one POST per attempt. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Aborts the request when the process shuts down. */
  signal?: AbortSignal;
}

export type WebhookResponse =
  | {
      kind: 'response';
      status: number;
      headers: Record<string, string | string[] | undefined>;
      /** The first bytes of the response body (at most 2 KB), as text. */
      bodyStart: string;
      latencyMs: number;
    }
  | {
      kind: 'error';
      /** Written for the endpoint's owner: "Timed out after 30000 ms", "Refusing to connect to ...". */
      message: string;
      reason: 'timeout' | 'forbidden_address' | 'aborted' | 'network' | 'invalid_url';
      latencyMs: number;
    };

export interface WebhookSender {
  /**
   * Why `url` cannot receive webhooks (scheme, credentials, an address the network policy refuses,
   * also after resolving its name), or null when it can.
   */
  checkUrl(url: string): Promise<string | null>;
  /** One POST; never throws for a failure of the receiver or the network. */
  send(request: WebhookRequest): Promise<WebhookResponse>;
  close(): Promise<void>;
}

import type {
  EvaluationRunItem,
  EvaluationSet,
  EvaluationSetItem,
  EvaluationSetRun,
  ExpectedOutput,
} from './evaluation-types';
import type {
  ApiList,
  Classifier,
  ClassifierSummary,
  ClassifierVersion,
  ClassifyConfig,
  ClassifyRun,
  ClassifyRunListItem,
  DeliveryStatus,
  FileObject,
  ParseRun,
  RunStatus,
  UsageReport,
  VersionSummary,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookEndpointStatus,
  WebhookEndpointWithSecret,
  WebhookReplay,
} from './types';

export const API_VERSION = '2026-02-09';

/** An error answer of the API: its envelope's `message` is what the person should read. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A readable line for any error the dashboard shows. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof TypeError) return `The server could not be reached (${err.message}).`;
  return err instanceof Error ? err.message : String(err);
}

export interface DeliveryListQuery {
  status?: DeliveryStatus | undefined;
  eventType?: string | undefined;
  resourceId?: string | undefined;
  maxPageSize?: number;
  nextPageToken?: string | undefined;
}

export interface RunListQuery {
  status?: RunStatus | undefined;
  classifierId?: string | undefined;
  fileNameContains?: string | undefined;
  /** The runs an evaluation run (bpr_...) or a batch started. */
  sourceId?: string | undefined;
  // Docsort extensions (docs/api.md).
  type?: string | undefined;
  reviewed?: 'true' | 'false' | undefined;
  minConfidence?: number | undefined;
  maxConfidence?: number | undefined;
  /** RFC 3339; createdAfter <= createdAt < createdBefore. */
  createdAfter?: string | undefined;
  createdBefore?: string | undefined;
  sortBy?: 'createdAt' | 'updatedAt';
  sortDir?: 'asc' | 'desc';
  maxPageSize?: number;
  nextPageToken?: string | undefined;
}

/** The public API, as any SDK user sees it: bearer key plus the version header on every call. */
export class DocsortApi {
  constructor(
    private readonly apiKey: string,
    private readonly baseUrl = '',
  ) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.apiKey}`,
      'x-extend-api-version': API_VERSION,
      accept: 'application/json',
    };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!res.ok) {
      const env = (parsed ?? {}) as { code?: string; message?: string; requestId?: string };
      throw new ApiError(
        res.status,
        env.code ?? `HTTP_${res.status}`,
        env.message ?? `The server answered ${res.status} ${res.statusText}.`,
        env.requestId ?? null,
      );
    }
    return parsed as T;
  }

  listClassifiers(q: { maxPageSize?: number; nextPageToken?: string } = {}) {
    return this.request<ApiList<ClassifierSummary>>('GET', `/classifiers${query(q)}`);
  }
  getClassifier(id: string) {
    return this.request<Classifier>('GET', `/classifiers/${enc(id)}`);
  }
  createClassifier(body: { name: string; config?: ClassifyConfig }) {
    return this.request<Classifier>('POST', '/classifiers', body);
  }
  updateClassifier(id: string, body: { name?: string; config?: ClassifyConfig }) {
    return this.request<Classifier>('POST', `/classifiers/${enc(id)}`, body);
  }
  publishVersion(id: string, body: { releaseType: 'major' | 'minor'; description?: string }) {
    return this.request<ClassifierVersion>('POST', `/classifiers/${enc(id)}/versions`, body);
  }
  listVersions(id: string, q: { maxPageSize?: number; nextPageToken?: string } = {}) {
    return this.request<ApiList<VersionSummary>>('GET', `/classifiers/${enc(id)}/versions${query(q)}`);
  }
  getVersion(id: string, version: string) {
    return this.request<ClassifierVersion>('GET', `/classifiers/${enc(id)}/versions/${enc(version)}`);
  }

  listRuns(q: RunListQuery = {}) {
    return this.request<ApiList<ClassifyRunListItem>>('GET', `/classify_runs${query({ ...q })}`);
  }
  getRun(id: string) {
    return this.request<ClassifyRun>('GET', `/classify_runs/${enc(id)}`);
  }
  createRun(body: { classifier: { id: string; version?: string }; file: { id: string } }) {
    return this.request<ClassifyRun>('POST', '/classify_runs', body);
  }
  classifySync(body: { classifier: { id: string; version?: string }; file: { id: string } }) {
    return this.request<ClassifyRun>('POST', '/classify', body);
  }
  reviewRun(id: string, classificationId: string) {
    return this.request<ClassifyRun>('POST', `/classify_runs/${enc(id)}/review`, {
      output: { id: classificationId },
    });
  }

  uploadFile(file: File) {
    const form = new FormData();
    form.append('file', file, file.name);
    return this.request<FileObject>('POST', '/files/upload', form);
  }
  getFile(id: string) {
    return this.request<FileObject>('GET', `/files/${enc(id)}`);
  }
  getParseRun(id: string) {
    return this.request<ParseRun>('GET', `/parse_runs/${enc(id)}`);
  }

  listEvaluationSets(
    q: { entityId?: string | undefined; maxPageSize?: number; nextPageToken?: string } = {},
  ) {
    return this.request<ApiList<EvaluationSet>>('GET', `/evaluation_sets${query(q)}`);
  }
  getEvaluationSet(id: string) {
    return this.request<EvaluationSet>('GET', `/evaluation_sets/${enc(id)}`);
  }
  createEvaluationSet(body: { name: string; description?: string; entityId: string }) {
    return this.request<EvaluationSet>('POST', '/evaluation_sets', body);
  }
  listEvaluationSetItems(
    setId: string,
    q: { maxPageSize?: number; nextPageToken?: string | undefined } = {},
  ) {
    return this.request<ApiList<EvaluationSetItem>>(
      'GET',
      `/evaluation_sets/${enc(setId)}/items${query({ sortBy: 'createdAt', sortDir: 'desc', ...q })}`,
    );
  }
  createEvaluationSetItems(setId: string, items: { fileId: string; expectedOutput: ExpectedOutput }[]) {
    return this.request<{ evaluationSetItems: EvaluationSetItem[] }>(
      'POST',
      `/evaluation_sets/${enc(setId)}/items`,
      { items },
    );
  }
  updateEvaluationSetItem(setId: string, itemId: string, expectedOutput: ExpectedOutput) {
    return this.request<EvaluationSetItem>('POST', `/evaluation_sets/${enc(setId)}/items/${enc(itemId)}`, {
      expectedOutput,
    });
  }
  deleteEvaluationSetItem(setId: string, itemId: string) {
    return this.request<{ id: string }>('DELETE', `/evaluation_sets/${enc(setId)}/items/${enc(itemId)}`);
  }
  createEvaluationRun(body: { evaluationSetId: string; entity?: { id: string; version?: string } }) {
    return this.request<EvaluationSetRun>('POST', '/evaluation_set_runs', body);
  }
  getEvaluationRun(id: string) {
    return this.request<EvaluationSetRun>('GET', `/evaluation_set_runs/${enc(id)}`);
  }
  listEvaluationRuns(q: { evaluationSetId?: string; maxPageSize?: number; nextPageToken?: string } = {}) {
    return this.request<ApiList<EvaluationSetRun>>('GET', `/evaluation_set_runs${query(q)}`);
  }
  listEvaluationRunItems(
    id: string,
    q: { incorrect?: boolean; maxPageSize?: number; nextPageToken?: string | undefined } = {},
  ) {
    const { incorrect, ...rest } = q;
    return this.request<ApiList<EvaluationRunItem>>(
      'GET',
      `/evaluation_set_runs/${enc(id)}/items${query({ ...rest, ...(incorrect === undefined ? {} : { incorrect: String(incorrect) }) })}`,
    );
  }

  listWebhookEndpoints(q: { maxPageSize?: number; nextPageToken?: string | undefined } = {}) {
    return this.request<ApiList<WebhookEndpoint>>('GET', `/webhook_endpoints${query(q)}`);
  }
  getWebhookEndpoint(id: string) {
    return this.request<WebhookEndpoint>('GET', `/webhook_endpoints/${enc(id)}`);
  }
  createWebhookEndpoint(body: WebhookEndpointInput) {
    return this.request<WebhookEndpointWithSecret>('POST', '/webhook_endpoints', {
      ...body,
      advancedOptions: body.advancedOptions ?? undefined,
      apiVersion: API_VERSION,
    });
  }
  updateWebhookEndpoint(
    id: string,
    body: Partial<WebhookEndpointInput> & { status?: WebhookEndpointStatus },
  ) {
    return this.request<WebhookEndpoint>('POST', `/webhook_endpoints/${enc(id)}`, body);
  }
  deleteWebhookEndpoint(id: string) {
    return this.request<{ id: string }>('DELETE', `/webhook_endpoints/${enc(id)}`);
  }
  rotateWebhookSecret(id: string) {
    return this.request<WebhookEndpointWithSecret>('POST', `/webhook_endpoints/${enc(id)}/rotate_secret`);
  }
  listWebhookDeliveries(endpointId: string, q: DeliveryListQuery = {}) {
    return this.request<ApiList<WebhookDelivery>>(
      'GET',
      `/webhook_endpoints/${enc(endpointId)}/deliveries${query({ ...q })}`,
    );
  }
  getWebhookDelivery(id: string) {
    return this.request<WebhookDeliveryDetail>('GET', `/webhook_deliveries/${enc(id)}`);
  }
  retryWebhookDelivery(id: string) {
    return this.request<WebhookDelivery>('POST', `/webhook_deliveries/${enc(id)}/retry`);
  }
  replayWebhookEndpoint(id: string, since: string) {
    return this.request<WebhookReplay>('POST', `/webhook_endpoints/${enc(id)}/replay`, { since });
  }
  /** Docsort extension: credits and runs per UTC day (`from`/`to` are YYYY-MM-DD). */
  usageDaily(
    q: { from?: string | undefined; to?: string | undefined; classifierId?: string | undefined } = {},
  ) {
    return this.request<UsageReport>('GET', `/usage/daily${query(q)}`);
  }
}

const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}

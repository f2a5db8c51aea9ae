import type { Generated } from 'kysely';

/**
 * Table shapes shared by SQLite and PostgreSQL. Portable on purpose: timestamps are RFC 3339 UTC
 * strings with milliseconds (they sort as text), JSON is text, booleans are 0/1 integers.
 */
export interface Database {
  settings: { key: string; value: string };
  workspaces: { id: string; name: string; created_at: string };
  api_keys: {
    id: string;
    workspace_id: string;
    name: string;
    key_hash: string;
    key_prefix: string;
    created_at: string;
    last_used_at: string | null;
  };
  files: {
    id: string;
    workspace_id: string;
    name: string;
    type: string | null;
    mime_type: string | null;
    size_bytes: number;
    sha256: string;
    blob_key: string;
    parent_file_id: string | null;
    metadata: string;
    /** Sealed (store/sealed-secrets.ts); never serialized. */
    password: string | null;
    created_at: string;
    updated_at: string;
  };
  parse_runs: {
    id: string;
    workspace_id: string;
    file_id: string;
    status: string;
    failure_reason: string | null;
    failure_message: string | null;
    config: string;
    config_key: string;
    output: string | null;
    page_count: number | null;
    processing_time_ms: number | null;
    usage: string | null;
    metadata: string | null;
    source: string;
    source_id: string | null;
    batch_id: string | null;
    created_at: string;
    updated_at: string;
  };
  classifiers: {
    id: string;
    workspace_id: string;
    name: string;
    created_at: string;
    updated_at: string;
    deleted_at: string | null;
  };
  classifier_versions: {
    id: string;
    workspace_id: string;
    classifier_id: string;
    version: string;
    major: number | null;
    minor: number | null;
    description: string | null;
    config: string;
    created_by: string | null;
    created_at: string;
    updated_at: string;
  };
  classify_runs: {
    id: string;
    workspace_id: string;
    status: string;
    classifier_id: string | null;
    classifier_version_id: string | null;
    config: string;
    file_id: string | null;
    file_input: string | null;
    file_name: string | null;
    parse_run_id: string | null;
    output: string | null;
    /** `output.type` and `output.confidence`, kept in step with `output` so lists can filter and sort on them. */
    output_type: string | null;
    output_confidence: number | null;
    initial_output: string | null;
    reviewed_output: string | null;
    reviewed: number;
    edited: number;
    failure_reason: string | null;
    failure_message: string | null;
    metadata: string | null;
    usage: string | null;
    batch_id: string | null;
    source: string;
    source_id: string | null;
    priority: number;
    /** When a worker first picked the run up (null until then). */
    started_at: string | null;
    created_at: string;
    updated_at: string;
  };
  batch_runs: {
    id: string;
    workspace_id: string;
    processor: string;
    classifier_id: string | null;
    status: string;
    run_count: number;
    created_at: string;
    updated_at: string;
  };
  jobs: {
    id: string;
    kind: string;
    payload: string;
    workspace_id: string | null;
    priority: number;
    run_at: string;
    attempts: Generated<number>;
    max_attempts: number;
    lease_expires_at: string | null;
    locked_by: string | null;
    last_error: string | null;
    created_at: string;
  };
  events: {
    seq: Generated<number>;
    id: string;
    workspace_id: string;
    type: string;
    resource_id: string;
    payload: string;
    created_at: string;
    /** 1 once the webhook dispatcher has turned the event into deliveries (0002_webhooks). */
    routed: Generated<number>;
    /** The resource webhook subscriptions match: the classifier of a run or batch. */
    subject_id: string | null;
  };
  webhook_endpoints: {
    id: string;
    workspace_id: string;
    url: string;
    name: string;
    status: string;
    enabled_events: string;
    api_version: string;
    advanced_options: string | null;
    disabled_reason: string | null;
    failing_since: string | null;
    created_by: string | null;
    created_at: string;
    updated_at: string;
  };
  webhook_secrets: {
    id: string;
    endpoint_id: string;
    /** Sealed (store/sealed-secrets.ts). */
    secret: string;
    created_at: string;
    expires_at: string | null;
  };
  webhook_subscriptions: {
    id: string;
    workspace_id: string;
    endpoint_id: string;
    resource_type: string;
    resource_id: string;
    enabled_events: string;
    created_at: string;
    updated_at: string;
  };
  webhook_deliveries: {
    id: string;
    workspace_id: string;
    endpoint_id: string;
    event_id: string;
    event_type: string;
    status: string;
    attempt_count: Generated<number>;
    /** Position in the retry schedule; a manual retry or replay starts it again. */
    schedule_index: Generated<number>;
    next_attempt_at: string | null;
    lease_expires_at: string | null;
    locked_by: string | null;
    last_attempt_at: string | null;
    last_status_code: number | null;
    last_error: string | null;
    created_at: string;
    updated_at: string;
  };
  webhook_attempts: {
    id: string;
    delivery_id: string;
    endpoint_id: string;
    attempted_at: string;
    status_code: number | null;
    latency_ms: number;
    response_body: string | null;
    error: string | null;
  };
  evaluation_sets: {
    id: string;
    workspace_id: string;
    name: string;
    description: string;
    entity_id: string;
    created_by: string | null;
    created_at: string;
    updated_at: string;
  };
  evaluation_set_items: {
    id: string;
    workspace_id: string;
    evaluation_set_id: string;
    file_id: string;
    expected_output: string;
    created_by: string | null;
    created_at: string;
    updated_at: string;
  };
  evaluation_set_runs: {
    id: string;
    workspace_id: string;
    evaluation_set_id: string;
    classifier_id: string;
    classifier_version_id: string;
    status: string;
    item_count: number;
    metrics: string | null;
    created_at: string;
    updated_at: string;
  };
  evaluation_set_run_items: {
    classify_run_id: string;
    evaluation_set_run_id: string;
    item_id: string;
    expected_id: string;
    expected_type: string;
  };
  training_features: {
    file_id: string;
    features_key: string;
    workspace_id: string;
    terms: string;
    word_count: number;
    /** The start of the selected pages' text (whitespace collapsed); null for rows written before 0004. */
    excerpt: string | null;
    created_at: string;
  };
}

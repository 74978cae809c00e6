/**
 * Unity AI Gateway services (model services, MCP services) as Databricks' Python SDK declares them: the JS SDK has
 * no model for them yet, so this module is their contract type, one field per line, each with the line of
 * databricks-sdk-py 0.133.0 `databricks/sdk/service/catalog.py` that declares it (the `ModelService` docstring
 * example there also names the registered model a pay-per-token destination references). Output-only fields are
 * marked: a body the product sends must not carry them; an answer the sandbox gives may.
 * Durations (`first_token_timeout`) travel as protobuf Duration strings ("30s"); timestamps as RFC 3339 strings.
 */

/** catalog.py:11881 RateLimitRateLimitKey */
export type RateLimitKey =
  | 'RATE_LIMIT_KEY_REQUEST_TAG'
  | 'RATE_LIMIT_KEY_SERVICE'
  | 'RATE_LIMIT_KEY_SERVICE_PRINCIPAL'
  | 'RATE_LIMIT_KEY_USER'
  | 'RATE_LIMIT_KEY_USER_DEFAULT'
  | 'RATE_LIMIT_KEY_USER_GROUP';

/** catalog.py:11892 RateLimitRateLimitRenewalPeriod */
export type RateLimitRenewalPeriod = 'RATE_LIMIT_RENEWAL_PERIOD_HOUR' | 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE';

/** catalog.py:11799 RateLimit */
export interface RateLimit {
  key: RateLimitKey; // catalog.py:11803
  renewal_period: RateLimitRenewalPeriod; // catalog.py:11806
  principal?: string; // catalog.py:11809
  request_tag_key?: string; // catalog.py:11814
  request_tag_value?: string; // catalog.py:11818
  requests?: number; // catalog.py:11823
  tokens?: number; // catalog.py:11826
}

/** catalog.py:6464 InferenceTableConfig */
export interface InferenceTableConfig {
  parent: string; // catalog.py:6472 "schemas/{catalog}.{schema}"
  disabled?: boolean; // catalog.py:6476
  table_name_prefix?: string; // catalog.py:6491
}
export interface InferenceTableConfigOutput extends InferenceTableConfig {
  is_deleted?: boolean; // catalog.py:6483 (output only)
  table?: string; // catalog.py:6488 (output only)
}

/** catalog.py:9381 ModelServiceConfigDestinationConfigDestinationType */
export type DestinationType =
  | 'DESTINATION_TYPE_EXTERNAL_FOUNDATION_MODEL'
  | 'DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL'
  | 'DESTINATION_TYPE_PROVISIONED_THROUGHPUT_FOUNDATION_MODEL';

/** catalog.py:9300 ModelServiceConfigDestinationConfig */
export interface Destination {
  name: string; // catalog.py:9304
  destination_type: DestinationType; // catalog.py:9307
  external_model_config?: {
    // catalog.py:9392 ModelServiceConfigExternalModelConfig
    model_provider_service: string; // catalog.py:9397
    target: { model: string; native_api_types?: string[] }; // catalog.py:9404, 8949 ModelProviderServiceConfigModelTargetConfig (8952, 8958)
  };
  pay_per_token_config?: { model: string }; // catalog.py:9319, 9466 (model: 9470, "models/{catalog}.{schema}.{model}")
  provisioned_throughput_config?: { model_serving_endpoint: string; model?: string }; // catalog.py:9321, 9494 (9499, 9505)
  traffic_percentage?: number; // catalog.py:9323
}
export interface DestinationOutput extends Destination {
  is_deleted?: boolean; // catalog.py:9312 (output only)
}

/** catalog.py:9534 ModelServiceConfigRoutingConfig */
export interface Routing<D = Destination> {
  destinations?: D[]; // catalog.py:9538
  fallback?: { destinations?: D[] }; // catalog.py:9543, 9437 ModelServiceConfigFallbackConfig (9441)
  first_token_timeout?: string; // catalog.py:9546 (Duration)
  traffic_splitting?: Record<string, never>; // catalog.py:9551, 9593 (a marker message without fields)
}

/** catalog.py:9255 ModelServiceConfig */
export interface ModelServiceConfig {
  inference_table?: InferenceTableConfig; // catalog.py:9258
  rate_limits?: RateLimit[]; // catalog.py:9261
  routing?: Routing; // catalog.py:9264
}
export interface ModelServiceConfigOutput {
  inference_table?: InferenceTableConfigOutput;
  rate_limits?: RateLimit[];
  routing?: Routing<DestinationOutput>;
}

/** catalog.py:9125 ModelService: the create body and the PATCH body (with update_mask). */
export interface ModelService {
  comment?: string; // catalog.py:9131
  config?: ModelServiceConfig; // catalog.py:9134
  owner?: string; // catalog.py:9164
}
/** ModelService as GET answers it. */
export interface ModelServiceOutput {
  comment?: string;
  config?: ModelServiceConfigOutput;
  owner?: string;
  create_time?: string; // catalog.py:9139 (output only)
  created_by?: string; // catalog.py:9142 (output only)
  effective_owner?: string; // catalog.py:9145 (output only)
  etag?: string; // catalog.py:9149 (output only)
  metastore_id?: string; // catalog.py:9155 (output only)
  name?: string; // catalog.py:9158 (output only) "model-services/{catalog}.{schema}.{id}"
  supported_api_types?: string[]; // catalog.py:9167 (output only)
  update_time?: string; // catalog.py:9171 (output only)
  updated_by?: string; // catalog.py:9174 (output only)
}

/** catalog.py:7691 McpServiceConfig */
export interface McpServiceConfig {
  include_tool_selectors?: string[]; // catalog.py:7695
  rate_limits?: RateLimit[]; // catalog.py:7700
  source_connection?: { name: string }; // catalog.py:7706, 7742 McpServiceConfigSourceConnection (7748) "connections/{c}.{s}.{name}"
}

/** catalog.py:7572 McpService: the create and PATCH body. */
export interface McpService {
  comment?: string; // catalog.py:7577
  config?: McpServiceConfig; // catalog.py:7580
  owner?: string; // catalog.py:7609
}

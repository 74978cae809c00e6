/**
 * The serving-endpoints API (`/api/2.0/serving-endpoints`): read an endpoint, create one, replace its AI
 * Gateway block, change its served entities, and wait for a config update to finish. A create is not
 * idempotent, so it is never retried blindly: after an answer that leaves its outcome unknown (reset,
 * 429, 503) the endpoint is looked up first, and only re-created if it is not there.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabricksError } from './databricks-errors.js';
import { isUncertainOutcome, type RestClient } from './rest-client.js';

export interface ServedEntity {
  name?: string;
  entity_name?: string;
  entity_version?: string;
  workload_size?: string;
  scale_to_zero_enabled?: boolean;
  external_model?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface TrafficRoute {
  served_entity_name?: string;
  served_model_name?: string;
  traffic_percentage: number;
}

export interface EndpointCoreConfig {
  served_entities?: ServedEntity[];
  traffic_config?: { routes?: TrafficRoute[] };
  [key: string]: unknown;
}

export type ConfigUpdateState = 'NOT_UPDATING' | 'IN_PROGRESS' | 'UPDATE_FAILED' | 'UPDATE_CANCELED' | string;

export interface ServingEndpoint {
  name: string;
  id?: string;
  creator?: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  state?: { ready?: string; config_update?: ConfigUpdateState };
  config?: EndpointCoreConfig;
  pending_config?: EndpointCoreConfig;
  ai_gateway?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CreateEndpointBody {
  name: string;
  config: EndpointCoreConfig;
  ai_gateway?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CreateOutcome {
  endpoint: ServingEndpoint;
  /** True when the endpoint turned out to exist already after an answer was lost (our own create, or a racing one). */
  foundAfterUncertainAnswer: boolean;
  attempts: number;
}

export type WaitOutcome = 'not-updating' | 'failed' | 'canceled' | 'budget-exhausted' | 'aborted';

export interface WaitOptions {
  signal?: AbortSignal;
  /** Longest to wait in total. */
  budgetMs: number;
  /** First poll interval; grows to `maxPollMs`. */
  pollMs?: number;
  maxPollMs?: number;
  onPoll?: (endpoint: ServingEndpoint, elapsedMs: number) => Promise<void> | void;
}

const GRANT_HINT =
  'Ask a workspace admin or the endpoint\'s owner for CAN_MANAGE on the serving endpoint (workspace admins can create endpoints); for the inference table, the owner of its schema grants USE CATALOG, USE SCHEMA and CREATE TABLE';
/** Tries of a create whose answer was lost or refused for now; each is preceded by a lookup. */
const CREATE_TRIES = 6;

export class ServingEndpointsApi {
  constructor(private readonly rest: RestClient) {}

  /** The endpoint, or undefined when it does not exist. */
  async get(name: string, signal?: AbortSignal): Promise<ServingEndpoint | undefined> {
    try {
      const { data } = await this.rest.call<ServingEndpoint>({
        method: 'GET',
        path: `/api/2.0/serving-endpoints/${encodeURIComponent(name)}`,
        signal,
        operation: `Reading serving endpoint ${name}`,
        whoCanGrant: 'Ask the endpoint\'s owner or a workspace admin for CAN_VIEW (or CAN_MANAGE) on the serving endpoint',
      });
      return data;
    } catch (error) {
      if (error instanceof DatabricksError && (error.status === 404 || error.errorCode === 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw error;
    }
  }

  async list(signal?: AbortSignal): Promise<ServingEndpoint[]> {
    const { data } = await this.rest.call<{ endpoints?: ServingEndpoint[] }>({
      method: 'GET',
      path: '/api/2.0/serving-endpoints',
      signal,
      operation: 'Listing serving endpoints',
    });
    return data.endpoints ?? [];
  }

  /**
   * POST the create body. When the answer is lost or says "not now", look the endpoint up before trying
   * again, so a create that did happen is never repeated.
   */
  /**
   * `kind: 'provisioned-throughput'` posts to `/api/2.0/serving-endpoints/pt` (PY `create_provisioned_throughput_endpoint`,
   * body `PtEndpointCoreConfig`), the route model-unit Provisioned Throughput is created through.
   */
  async create(body: CreateEndpointBody, signal?: AbortSignal, kind: 'standard' | 'provisioned-throughput' = 'standard'): Promise<CreateOutcome> {
    let uncertain = false;
    let lastError: unknown;
    for (let attempt = 1; attempt <= CREATE_TRIES; attempt += 1) {
      if (uncertain) {
        const existing = await this.get(body.name, signal);
        if (existing) return { endpoint: existing, foundAfterUncertainAnswer: true, attempts: attempt - 1 };
      }
      try {
        const { data } = await this.rest.call<ServingEndpoint>({
          method: 'POST',
          path: kind === 'provisioned-throughput' ? '/api/2.0/serving-endpoints/pt' : '/api/2.0/serving-endpoints',
          body,
          signal,
          idempotent: false,
          operation: `Creating serving endpoint ${body.name}`,
          whoCanGrant: GRANT_HINT,
        });
        return { endpoint: data, foundAfterUncertainAnswer: false, attempts: attempt };
      } catch (error) {
        if (signal?.aborted || !isUncertainOutcome(error)) throw error;
        uncertain = true;
        lastError = error;
        await sleep(backoffMs(error, attempt), undefined, { signal });
      }
    }
    // Out of tries: one last look, so a create that happened is still reported as such.
    const existing = await this.get(body.name, signal);
    if (existing) return { endpoint: existing, foundAfterUncertainAnswer: true, attempts: CREATE_TRIES };
    throw lastError;
  }

  /** Replaces the whole AI Gateway block (synchronous; a full PUT is safe to repeat). */
  async putAiGateway(name: string, aiGateway: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const { data } = await this.rest.call<Record<string, unknown>>({
      method: 'PUT',
      path: `/api/2.0/serving-endpoints/${encodeURIComponent(name)}/ai-gateway`,
      body: aiGateway,
      signal,
      idempotent: true,
      operation: `Updating the AI Gateway config of ${name}`,
      whoCanGrant: GRANT_HINT,
    });
    return data;
  }

  /**
   * Starts a served-entity rollout. Repeating it could start a second rollout or be refused mid-update, so
   * after an uncertain answer the endpoint is read: a rollout in progress or already matching counts as done.
   */
  async putConfig(
    name: string,
    config: EndpointCoreConfig,
    matches: (endpoint: ServingEndpoint) => boolean,
    signal?: AbortSignal,
    kind: 'standard' | 'provisioned-throughput' = 'standard',
  ): Promise<ServingEndpoint> {
    // Model-unit PT: PUT /pt/{name}/config with the config wrapped (PY `update_provisioned_throughput_endpoint_config`).
    const pt = kind === 'provisioned-throughput';
    let lastError: unknown;
    for (let attempt = 1; attempt <= CREATE_TRIES; attempt += 1) {
      try {
        const { data } = await this.rest.call<ServingEndpoint>({
          method: 'PUT',
          path: pt ? `/api/2.0/serving-endpoints/pt/${encodeURIComponent(name)}/config` : `/api/2.0/serving-endpoints/${encodeURIComponent(name)}/config`,
          body: pt ? { config } : config,
          signal,
          idempotent: false,
          operation: `Updating the served entities of ${name}`,
          whoCanGrant: GRANT_HINT,
        });
        return data;
      } catch (error) {
        if (signal?.aborted || !isUncertainOutcome(error)) throw error;
        lastError = error;
        await sleep(backoffMs(error, attempt), undefined, { signal });
        const current = await this.get(name, signal);
        if (current && (current.state?.config_update === 'IN_PROGRESS' || matches(current))) return current;
      }
    }
    throw lastError;
  }

  /** Polls until `config_update` is no longer IN_PROGRESS, the budget runs out, or the caller cancels. */
  async waitNotUpdating(name: string, options: WaitOptions): Promise<{ outcome: WaitOutcome; endpoint: ServingEndpoint | undefined }> {
    const started = Date.now();
    let poll = options.pollMs ?? 250;
    let endpoint: ServingEndpoint | undefined;
    for (;;) {
      if (options.signal?.aborted) return { outcome: 'aborted', endpoint };
      endpoint = await this.get(name, options.signal);
      const state = endpoint?.state?.config_update;
      await options.onPoll?.(endpoint ?? { name }, Date.now() - started);
      if (state === 'UPDATE_FAILED') return { outcome: 'failed', endpoint };
      if (state === 'UPDATE_CANCELED') return { outcome: 'canceled', endpoint };
      if (state !== 'IN_PROGRESS') return { outcome: 'not-updating', endpoint };
      const remaining = options.budgetMs - (Date.now() - started);
      if (remaining <= 0) return { outcome: 'budget-exhausted', endpoint };
      try {
        await sleep(Math.min(poll, remaining), undefined, { signal: options.signal });
      } catch {
        return { outcome: 'aborted', endpoint };
      }
      poll = Math.min(poll * 2, options.maxPollMs ?? 5_000);
    }
  }
}

function backoffMs(error: unknown, attempt: number): number {
  const retryAfter = error instanceof DatabricksError ? error.retryAfterSeconds : undefined;
  if (retryAfter !== undefined) return Math.min(retryAfter * 1000, 30_000);
  return Math.min(250 * 2 ** (attempt - 1), 5_000) + Math.floor(Math.random() * 100);
}

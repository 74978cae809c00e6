/** Typed views into an untrusted create body; every accessor tolerates any shape. */
import { isRecord } from '../../shared/records.js';
import { payPerTokenEndpointOf } from '../model-names.js';

export type Obj = Record<string, unknown>;

export const asRecord = (value: unknown): Obj | undefined => (isRecord(value) ? value : undefined);
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const aiGateway = (body: Obj): Obj | undefined => asRecord(body.ai_gateway);
export const config = (body: Obj): Obj | undefined => asRecord(body.config);
export const servedEntities = (body: Obj): unknown[] => asArray(config(body)?.served_entities);
export const rateLimits = (body: Obj): unknown[] => asArray(aiGateway(body)?.rate_limits);
export const inferenceTable = (body: Obj): Obj | undefined => asRecord(aiGateway(body)?.inference_table_config);
export const guardrails = (body: Obj): Obj | undefined => asRecord(aiGateway(body)?.guardrails);

/** Escapes one JSON-pointer token (RFC 6901). */
export const token = (key: string | number): string => String(key).replace(/~/g, '~0').replace(/\//g, '~1');
export const pointer = (...keys: Array<string | number>): string => keys.map((key) => `/${token(key)}`).join('');

export const show = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value));

/**
 * The audited endpoint a served entity stands for, where its name sits in the body: an external model of
 * provider databricks-model-serving wraps the endpoint it names; `system.ai.<model>` is the model behind
 * `databricks-<model>`; anything else names itself (and fails the audit unless it is an audited endpoint).
 */
export function auditedName(entity: unknown, i: number, registeredModels: Record<string, string> = {}): { name: string; path: string } | undefined {
  const e = asRecord(entity);
  const external = asRecord(e?.external_model);
  if (external) {
    return typeof external.name === 'string' && external.provider === 'databricks-model-serving'
      ? { name: external.name, path: pointer('config', 'served_entities', i, 'external_model', 'name') }
      : undefined;
  }
  if (typeof e?.entity_name !== 'string') return undefined;
  return { name: payPerTokenEndpointOf(e.entity_name, registeredModels) ?? e.entity_name, path: pointer('config', 'served_entities', i, 'entity_name') };
}

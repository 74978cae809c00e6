/**
 * What the Databricks API means by a served entity (SDKs' ServedEntityInput): `entity_name` is a registered
 * model (`catalog.schema.model`, or a Model Registry name), never a serving endpoint; a foundation model under
 * Provisioned Throughput takes no `workload_size`; external models in one endpoint share one task; tokens are
 * secret references, never plaintext; fallbacks are external models only, at most two, at 0 % traffic.
 */
import { isFoundationModel, SECRET_REFERENCE } from '../model-names.js';
import { aiGateway, asRecord, pointer, servedEntities, show, type Obj } from './body-access.js';
import type { Rule, RuleHit } from './rule-types.js';

const MAX_FALLBACKS = 2;

export const servedEntityRules: Rule[] = [
  {
    id: 'api.entity-name-is-model',
    severity: 'error',
    title: 'served_entities[].entity_name names a registered model (catalog.schema.model), not a serving endpoint',
    fix: 'To put the gateway in front of a pay-per-token endpoint, wrap it as an external_model (provider "databricks-model-serving") in a dedicated gateway, configure the gateway on the endpoint itself (PUT …/ai-gateway), or serve system.ai.<model> with Provisioned Throughput',
    check: ({ body }) =>
      servedEntities(body).flatMap((entity, i) => {
        const name = asRecord(entity)?.entity_name;
        // A dotless name may be a workspace Model Registry model (PY `ServedEntityInput.entity_name`); only the
        // pay-per-token endpoint pattern is known not to be one.
        if (typeof name !== 'string' || !name.startsWith('databricks-')) return [];
        return [{ path: pointer('config', 'served_entities', i, 'entity_name'), message: `entity_name ${show(name)} is a pay-per-token serving endpoint: the API takes a Unity Catalog model (catalog.schema.model) or a Model Registry model there` }];
      }),
  },
  {
    id: 'api.foundation-model-no-workload-size',
    severity: 'error',
    title: 'A system.ai foundation model takes provisioned_model_units or min/max_provisioned_throughput, not workload_size',
    fix: 'Drop workload_size (compute for custom models) and set provisioned_model_units, or min_provisioned_throughput and max_provisioned_throughput for the model families that use throughput bands',
    check: ({ body }) =>
      servedEntities(body).flatMap((entity, i) => {
        const e = asRecord(entity);
        if (typeof e?.entity_name !== 'string' || !isFoundationModel(e.entity_name) || e.workload_size === undefined) return [];
        return [{ path: pointer('config', 'served_entities', i, 'workload_size'), message: `${show(e.entity_name)} is a foundation model: workload_size sizes custom-model compute and does not apply` }];
      }),
  },
  {
    id: 'api.external-models-one-task',
    severity: 'error',
    title: 'All external models of one endpoint share one task',
    fix: 'Serve models of one task per endpoint (e.g. only llm/v1/chat); put an embeddings model behind a gateway of its own',
    check: ({ body }) => {
      const tasks = servedEntities(body).flatMap((entity, i) => {
        const task = asRecord(asRecord(entity)?.external_model)?.task;
        return typeof task === 'string' ? [{ i, task }] : [];
      });
      const first = tasks[0]?.task;
      return tasks.filter((t) => t.task !== first).map((t) => ({ path: pointer('config', 'served_entities', t.i, 'external_model', 'task'), message: `task ${show(t.task)} differs from ${show(first)} of the first external model` }));
    },
  },
  {
    id: 'api.no-plaintext-token',
    severity: 'error',
    title: 'No *_plaintext credential in a body; tokens are secret references {{secrets/<scope>/<key>}}',
    fix: 'Store the token with `databricks secrets put-secret <scope> <key>` and reference it as "{{secrets/<scope>/<key>}}" in the field without _plaintext',
    check: ({ body }) => plaintextFields(body, []).map((path) => ({ path: pointer(...path), message: `${path.at(-1)} carries a credential in plain text: it would be stored in the endpoint config and shown to anyone who can read it` })),
  },
  {
    id: 'api.secret-reference',
    severity: 'error',
    title: 'databricks_api_token is a secret reference {{secrets/<scope>/<key>}}',
    fix: 'Write "databricks_api_token": "{{secrets/<scope>/<key>}}" naming a secret that exists in the workspace',
    check: ({ body }) =>
      servedEntities(body).flatMap((entity, i) => {
        const token = asRecord(asRecord(asRecord(entity)?.external_model)?.databricks_model_serving_config)?.databricks_api_token;
        if (token === undefined || (typeof token === 'string' && SECRET_REFERENCE.test(token))) return [];
        return [{ path: pointer('config', 'served_entities', i, 'external_model', 'databricks_model_serving_config', 'databricks_api_token'), message: 'databricks_api_token is not a {{secrets/<scope>/<key>}} reference' }];
      }),
  },
  {
    id: 'api.fallbacks',
    severity: 'error',
    title: `fallback_config needs external models, with at most ${MAX_FALLBACKS} fallback entities at 0 % traffic`,
    fix: 'Use a dedicated gateway of external models (the fallback candidates at traffic_percentage 0), at most two of them; other forms cannot carry fallbacks',
    check: ({ body }) => fallbackHits(body),
  },
];

function fallbackHits(body: Obj): RuleHit[] {
  if (asRecord(aiGateway(body)?.fallback_config)?.enabled !== true) return [];
  const path = pointer('ai_gateway', 'fallback_config', 'enabled');
  const entities = servedEntities(body).map((entity) => asRecord(entity) ?? {});
  const external = entities.filter((e) => asRecord(e.external_model));
  if (external.length === 0) return [{ path, message: 'fallbacks are enabled but no served entity is an external model: Databricks falls back between external models only' }];
  const routes = asRecord(asRecord(body.config)?.traffic_config)?.routes;
  const traffic = new Map((Array.isArray(routes) ? routes : []).map((r) => [String(asRecord(r)?.served_entity_name), Number(asRecord(r)?.traffic_percentage)]));
  const fallbacks = entities.filter((e) => traffic.get(String(e.name)) === 0);
  return fallbacks.length > MAX_FALLBACKS ? [{ path, message: `${fallbacks.length} served entities wait at 0 % traffic; at most ${MAX_FALLBACKS} fallbacks are allowed` }] : [];
}

function plaintextFields(value: unknown, path: Array<string | number>): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((item, i) => plaintextFields(item, [...path, i]));
  const record = asRecord(value);
  if (!record) return [];
  return Object.entries(record).flatMap(([key, member]) => (key.endsWith('_plaintext') ? [[...path, key]] : plaintextFields(member, [...path, key])));
}

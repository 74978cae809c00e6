/** The Databricks API's own shape: what the serving-endpoints API would reject, caught before a call. */
import { aiGateway, asArray, asRecord, config, guardrails, pointer, rateLimits, servedEntities, show } from './body-access.js';
import type { Rule, RuleHit, RuleInfo } from './rule-types.js';

export const RATE_LIMIT_KEYS = ['user', 'user_group', 'service_principal', 'endpoint'] as const;
export const RENEWAL_PERIODS = ['minute'] as const;
export const PII_BEHAVIORS = ['NONE', 'BLOCK', 'MASK'] as const;
const WORKLOAD_SIZES = ['Small', 'Medium', 'Large'] as const;
const ENDPOINT_NAME = /^[A-Za-z0-9_-]{1,63}$/;
const AI_GATEWAY_FIELDS = new Set(['usage_tracking_config', 'inference_table_config', 'rate_limits', 'guardrails', 'fallback_config']);

const caseHint = (value: unknown, allowed: readonly string[]): string => {
  const match = typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
  return match ? ` (the API is case-sensitive: write "${match}")` : '';
};

/** The body itself must be an object; checked before any rule, which all read into it. */
export const bodyRule: RuleInfo = {
  id: 'api.body',
  severity: 'error',
  title: 'The create body is a JSON object',
  fix: 'Pass {"name", "config": {"served_entities": [...]}, "ai_gateway": {...}}',
};

export const shapeRules: Rule[] = [
  {
    id: 'api.name',
    severity: 'error',
    title: 'The endpoint name is 1–63 characters of letters, digits, "-" and "_"',
    fix: 'Set "name" to e.g. "skyloyalty-ai-gateway" (letters, digits, "-", "_"; at most 63 characters)',
    check: ({ body }) => {
      if (typeof body.name !== 'string') return [{ path: pointer('name'), message: 'the endpoint name is missing' }];
      return ENDPOINT_NAME.test(body.name) ? [] : [{ path: pointer('name'), message: `the endpoint name ${show(body.name)} is not 1–63 letters, digits, "-" or "_"` }];
    },
  },
  {
    id: 'api.ai-gateway-placement',
    severity: 'error',
    title: 'ai_gateway sits at the top level of the create body, beside config, not inside it',
    fix: 'Move config.ai_gateway up one level: { "name", "config": {...}, "ai_gateway": {...} }',
    check: ({ body }) => (config(body) && 'ai_gateway' in (config(body) ?? {}) ? [{ path: pointer('config', 'ai_gateway'), message: 'ai_gateway is nested inside config; the API ignores or rejects it there' }] : []),
  },
  {
    id: 'api.ai-gateway-required',
    severity: 'error',
    title: 'The create body has an ai_gateway block',
    fix: 'Add "ai_gateway" with usage_tracking_config, inference_table_config, rate_limits and guardrails',
    check: ({ body }) => (aiGateway(body) || asRecord(config(body)?.ai_gateway) ? [] : [{ path: pointer('ai_gateway'), message: 'there is no ai_gateway block, so the endpoint would have no gateway features' }]),
  },
  {
    id: 'api.ai-gateway-fields',
    severity: 'warning',
    title: 'ai_gateway holds only the fields the API knows',
    fix: `Use only ${[...AI_GATEWAY_FIELDS].join(', ')} inside ai_gateway; check the spelling`,
    check: ({ body }) =>
      Object.keys(aiGateway(body) ?? {})
        .filter((key) => !AI_GATEWAY_FIELDS.has(key))
        .map((key) => ({ path: pointer('ai_gateway', key), message: `ai_gateway.${key} is not a field of the AI Gateway config; the API will reject or ignore it` })),
  },
  {
    id: 'api.served-entities',
    severity: 'error',
    title: 'config.served_entities lists 1–10 entities, each naming an entity_name or an external_model',
    fix: 'Add config.served_entities: an external_model wrapping the audited endpoint (provider "databricks-model-serving"), or { "entity_name": "<catalog.schema.model>", "entity_version": "1" } for a registered model',
    check: ({ body }) => {
      const entities = config(body)?.served_entities;
      if (!Array.isArray(entities) || entities.length === 0) {
        if (Array.isArray(config(body)?.served_models)) return [];
        return [{ path: pointer('config', 'served_entities'), message: 'config.served_entities is missing or empty' }];
      }
      const hits: RuleHit[] = [];
      if (entities.length > 10) hits.push({ path: pointer('config', 'served_entities'), message: `${entities.length} served entities; the API allows at most 10` });
      entities.forEach((entity, i) => {
        const e = asRecord(entity);
        if (!e) hits.push({ path: pointer('config', 'served_entities', i), message: 'a served entity must be an object' });
        else if (typeof e.entity_name !== 'string' && !asRecord(e.external_model)) {
          hits.push({ path: pointer('config', 'served_entities', i), message: 'the served entity names neither entity_name nor external_model' });
        } else if (typeof e.entity_name === 'string' && asRecord(e.external_model)) {
          hits.push({ path: pointer('config', 'served_entities', i), message: 'the served entity has both entity_name and external_model; use exactly one' });
        }
      });
      return hits;
    },
  },
  {
    id: 'api.entity-version-string',
    severity: 'error',
    title: 'entity_version is a string',
    fix: 'Quote the version: "entity_version": "1"',
    check: ({ body }) =>
      servedEntities(body).flatMap((entity, i) => {
        const version = asRecord(entity)?.entity_version;
        return version !== undefined && typeof version !== 'string' ? [{ path: pointer('config', 'served_entities', i, 'entity_version'), message: `entity_version is ${show(version)}, a ${typeof version}; the API takes a string` }] : [];
      }),
  },
  {
    id: 'api.workload-size',
    severity: 'error',
    title: `served_entities[].workload_size is a string: ${WORKLOAD_SIZES.join(' | ')} (capitalised) or a custom size of the workspace`,
    fix: 'Write "workload_size": "Small" (or "Medium", "Large"), capitalised as the API spells it',
    // PY `ServedEntityInput.workload_size`: "Additional custom workload sizes can also be used when available in the
    // workspace", so only a non-string or a miscapitalised standard size is known to be wrong offline.
    check: ({ body }) =>
      servedEntities(body).flatMap((entity, i) => {
        const size = asRecord(entity)?.workload_size;
        if (size === undefined || (WORKLOAD_SIZES as readonly unknown[]).includes(size)) return [];
        if (typeof size === 'string' && size.trim() !== '' && !caseHint(size, WORKLOAD_SIZES)) return [];
        return [{ path: pointer('config', 'served_entities', i, 'workload_size'), message: `workload_size ${show(size)} is not one of ${WORKLOAD_SIZES.join(', ')}${caseHint(size, WORKLOAD_SIZES)}` }];
      }),
  },
  {
    id: 'api.scale-to-zero-boolean',
    severity: 'error',
    title: 'served_entities[].scale_to_zero_enabled is a boolean',
    fix: 'Write "scale_to_zero_enabled": true or false, without quotes',
    check: ({ body }) =>
      servedEntities(body).flatMap((entity, i) => {
        const enabled = asRecord(entity)?.scale_to_zero_enabled;
        if (enabled === undefined || typeof enabled === 'boolean') return [];
        return [{ path: pointer('config', 'served_entities', i, 'scale_to_zero_enabled'), message: `scale_to_zero_enabled is ${show(enabled)}, a ${enabled === null ? 'null' : typeof enabled}; the API takes true or false` }];
      }),
  },
  {
    id: 'api.traffic-routes',
    severity: 'error',
    title: 'traffic_config routes name served entities and their percentages (integers 0–100) sum to 100',
    fix: 'Give every route an integer traffic_percentage so they add up to 100 (a fallback at 0)',
    check: ({ body }) => {
      const routes = asArray(asRecord(config(body)?.traffic_config)?.routes);
      if (routes.length === 0) return [];
      const hits: RuleHit[] = [];
      let sum = 0;
      routes.forEach((route, i) => {
        const pct = asRecord(route)?.traffic_percentage;
        if (typeof pct !== 'number' || !Number.isInteger(pct) || pct < 0 || pct > 100) {
          hits.push({ path: pointer('config', 'traffic_config', 'routes', i, 'traffic_percentage'), message: `traffic_percentage ${show(pct)} is not an integer from 0 to 100` });
        } else sum += pct;
      });
      if (hits.length === 0 && sum !== 100) hits.push({ path: pointer('config', 'traffic_config', 'routes'), message: `route percentages add up to ${sum}, not 100` });
      return hits;
    },
  },
  {
    id: 'api.rate-limit-key',
    severity: 'error',
    title: `rate_limits[].key is one of ${RATE_LIMIT_KEYS.join(' | ')} (lower case)`,
    fix: `Use key "endpoint" or "user" (or "user_group" / "service_principal" with a principal)`,
    check: ({ body }) =>
      rateLimits(body).flatMap((limit, i) => {
        const key = asRecord(limit)?.key;
        if (key === undefined || (RATE_LIMIT_KEYS as readonly unknown[]).includes(key)) return [];
        return [{ path: pointer('ai_gateway', 'rate_limits', i, 'key'), message: `rate-limit key ${show(key)} is not one of ${RATE_LIMIT_KEYS.join(', ')}${caseHint(key, RATE_LIMIT_KEYS)}` }];
      }),
  },
  {
    id: 'api.rate-limit-renewal-period',
    severity: 'error',
    title: 'rate_limits[].renewal_period is required and is "minute"',
    fix: 'Set "renewal_period": "minute" on every rate limit',
    check: ({ body }) =>
      rateLimits(body).flatMap((limit, i) => {
        const period = asRecord(limit)?.renewal_period;
        if (period === 'minute') return [];
        const path = pointer('ai_gateway', 'rate_limits', i, 'renewal_period');
        return [{ path, message: period === undefined ? 'renewal_period is missing; the API requires it' : `renewal_period ${show(period)} is not "minute"${caseHint(period, RENEWAL_PERIODS)}` }];
      }),
  },
  {
    id: 'api.rate-limit-amount',
    severity: 'error',
    title: 'Each rate limit sets calls or tokens as a non-negative integer',
    fix: 'Set "calls" (requests per minute) or "tokens" (tokens per minute) to a whole number',
    check: ({ body }) =>
      rateLimits(body).flatMap((limit, i) => {
        const l = asRecord(limit);
        if (!l) return [{ path: pointer('ai_gateway', 'rate_limits', i), message: 'a rate limit must be an object' }];
        const bad = (['calls', 'tokens'] as const).filter((f) => l[f] !== undefined && !(typeof l[f] === 'number' && Number.isInteger(l[f]) && (l[f] as number) >= 0));
        if (bad.length > 0) return bad.map((f) => ({ path: pointer('ai_gateway', 'rate_limits', i, f), message: `${f} is ${show(l[f])}, not a non-negative integer` }));
        return l.calls === undefined && l.tokens === undefined ? [{ path: pointer('ai_gateway', 'rate_limits', i), message: 'the rate limit sets neither calls nor tokens' }] : [];
      }),
  },
  {
    id: 'api.rate-limit-principal',
    severity: 'error',
    title: 'user_group and service_principal limits name a principal; endpoint limits do not',
    fix: 'Add "principal" (group name or service principal application id), or remove it from an endpoint limit',
    check: ({ body }) =>
      rateLimits(body).flatMap((limit, i) => {
        const l = asRecord(limit);
        if (!l) return [];
        const path = pointer('ai_gateway', 'rate_limits', i, 'principal');
        if ((l.key === 'user_group' || l.key === 'service_principal') && typeof l.principal !== 'string') return [{ path, message: `a ${l.key} limit needs a principal` }];
        if ((l.key === 'endpoint' || l.key === undefined) && l.principal !== undefined) return [{ path, message: 'an endpoint limit applies to all callers and takes no principal' }];
        return [];
      }),
  },
  {
    id: 'api.pii-behavior',
    severity: 'error',
    title: `guardrails.{input,output}.pii.behavior is one of ${PII_BEHAVIORS.join(' | ')} (upper case)`,
    fix: 'Use "behavior": "BLOCK" (or "MASK" where the endpoint type supports it)',
    check: ({ body }) =>
      (['input', 'output'] as const).flatMap((side) => {
        const behavior = asRecord(asRecord(guardrails(body)?.[side])?.pii)?.behavior;
        if (behavior === undefined || (PII_BEHAVIORS as readonly unknown[]).includes(behavior)) return [];
        return [{ path: pointer('ai_gateway', 'guardrails', side, 'pii', 'behavior'), message: `PII behavior ${show(behavior)} is not one of ${PII_BEHAVIORS.join(', ')}${caseHint(behavior, PII_BEHAVIORS)}` }];
      }),
  },
];

/** The F4 step's own rules: what a workshop gateway must have. All errors: the step fails without them. */
import { evaluateAudit } from '../role-probe.js';
import { aiGateway, asRecord, auditedName, config, guardrails, inferenceTable, pointer, rateLimits, servedEntities, show } from './body-access.js';
import type { Rule, RuleHit } from './rule-types.js';

/** Room for the "_payload" suffix inside Unity Catalog's 255-character table names, with margin. */
export const MAX_PREFIX_LENGTH = 64;

/** Letters, digits and "_", not starting with a digit: a name that needs no quoting anywhere. */
export function isPrefixIdentifier(prefix: string): boolean {
  return prefix.length <= MAX_PREFIX_LENGTH && /^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix);
}

export const f4Rules: Rule[] = [
  {
    id: 'f4.usage-tracking',
    severity: 'error',
    title: 'Usage tracking is enabled (usage_tracking_config.enabled = true)',
    fix: 'Set ai_gateway.usage_tracking_config to {"enabled": true}: chargeback and runaway-agent detection depend on it',
    check: ({ body }) =>
      asRecord(aiGateway(body)?.usage_tracking_config)?.enabled === true
        ? []
        : [{ path: pointer('ai_gateway', 'usage_tracking_config', 'enabled'), message: 'usage tracking is not enabled' }],
  },
  {
    id: 'f4.inference-tables',
    severity: 'error',
    title: 'Inference tables are enabled, with catalog_name and a team-owned schema_name (not "default")',
    fix: 'Set ai_gateway.inference_table_config to {"enabled": true, "catalog_name": "<catalog>", "schema_name": "<team schema>", "table_name_prefix": "gw"}',
    check: ({ body }) => {
      const table = inferenceTable(body);
      const base = ['ai_gateway', 'inference_table_config'];
      if (table?.enabled !== true) return [{ path: pointer(...base, 'enabled'), message: 'inference tables are not enabled; the audit trail cannot be rebuilt after an incident' }];
      const hits: RuleHit[] = [];
      for (const field of ['catalog_name', 'schema_name'] as const) {
        if (typeof table[field] !== 'string' || (table[field] as string).trim() === '') hits.push({ path: pointer(...base, field), message: `${field} is required when inference tables are enabled` });
      }
      if (typeof table.schema_name === 'string' && table.schema_name.toLowerCase() === 'default') {
        hits.push({ path: pointer(...base, 'schema_name'), message: 'schema_name is "default": governance of the payload table is unclear there' });
      }
      return hits;
    },
  },
  {
    id: 'f4.table-prefix',
    severity: 'error',
    title: 'table_name_prefix does not end in "_" (gw, not gw_)',
    fix: 'Drop the trailing underscore(s): "gw", not "gw_"',
    check: ({ body }) => {
      const prefix = inferenceTable(body)?.table_name_prefix;
      if (typeof prefix !== 'string' || !prefix.endsWith('_')) return [];
      const clean = prefix.replace(/_+$/, '');
      return [
        {
          path: pointer('ai_gateway', 'inference_table_config', 'table_name_prefix'),
          message: `table_name_prefix ${show(prefix)} ends in "_": the payload table is <prefix>_payload, so it would be ${prefix}_payload with a double underscore, which breaks downstream queries; use ${show(clean)}`,
        },
      ];
    },
  },
  {
    id: 'f4.table-prefix-identifier',
    severity: 'error',
    title: 'table_name_prefix is a plain Unity Catalog identifier: letters, digits and "_", starting with a letter or "_"',
    fix: 'Use a short identifier such as "gw" or "skyloyalty_gw": no spaces, quotes, dots, slashes or other punctuation',
    check: ({ body }) => {
      const prefix = inferenceTable(body)?.table_name_prefix;
      if (typeof prefix !== 'string' || isPrefixIdentifier(prefix)) return [];
      return [
        {
          path: pointer('ai_gateway', 'inference_table_config', 'table_name_prefix'),
          message: `table_name_prefix ${show(prefix)} is not a plain identifier: it names a table (<prefix>_payload), and Unity Catalog table names the platform creates are letters, digits and "_" of at most ${MAX_PREFIX_LENGTH} characters`,
        },
      ];
    },
  },
  {
    id: 'f4.audited-entities',
    severity: 'error',
    title: 'Every served entity is a bound endpoint that passed its role probe in endpoint_guardrail_audit (or a passing fallback candidate at 0 % traffic)',
    fix: 'Serve only endpoints the audit reports as passing their role probe; if none passes, halt and ask the operator for a workspace-specific candidate list',
    check: ({ body, state, registeredModels }) => {
      const entities = servedEntities(body);
      if (entities.length === 0) return [];
      if (!state) {
        return [{ path: pointer('config', 'served_entities'), severity: 'warning', message: 'no state file was given, so the served entities could not be checked against endpoint_guardrail_audit' }];
      }
      if (state.endpoint_guardrail_audit === undefined || state.endpoint_guardrail_audit === null) {
        return [{ path: pointer('config', 'served_entities'), message: 'the state file has no endpoint_guardrail_audit (the audit step has not run), so no served entity is shown to have passed its role probe' }];
      }
      const report = evaluateAudit(state, { roles: [] });
      const bound = new Set(report.roles.filter((r) => r.status === 'pass' && r.endpoint).map((r) => r.endpoint as string));
      const fallbacks = new Set(report.roles.filter((r) => r.status === 'pass').flatMap((r) => r.fallback_candidates));
      const traffic = trafficByEntity(body);
      return entities.flatMap((entity, i) => {
        const audited = auditedName(entity, i, registeredModels);
        if (!audited) return [];
        const { name, path } = audited;
        if (bound.has(name)) return [];
        const servedName = typeof asRecord(entity)?.name === 'string' ? (asRecord(entity)?.name as string) : undefined;
        if (fallbacks.has(name) && (traffic.get(servedName ?? name) ?? 0) === 0) return [];
        const why = fallbacks.has(name)
          ? 'passes its role probe but is not the bound endpoint, and takes traffic; a fallback candidate must be at 0 %'
          : 'is not a bound endpoint that passed its role probe in endpoint_guardrail_audit';
        return [{ path, message: `${show(name)} ${why}` }];
      });
    },
  },
  {
    id: 'f4.rate-limits',
    severity: 'error',
    title: 'At least one rate limit is configured (endpoint or user)',
    fix: 'Add ai_gateway.rate_limits: [{"key": "endpoint", "renewal_period": "minute", "calls": 120}, {"key": "user", "renewal_period": "minute", "calls": 20}]',
    check: ({ body }) => (rateLimits(body).length > 0 ? [] : [{ path: pointer('ai_gateway', 'rate_limits'), message: 'no rate limit is configured; nothing stops a runaway agent' }]),
  },
  {
    id: 'f4.guardrails',
    severity: 'error',
    title: 'PII (BLOCK or MASK) and safety guardrails are on for both input and output',
    fix: 'Set ai_gateway.guardrails.input and .output to {"pii": {"behavior": "BLOCK"}, "safety": true}',
    check: ({ body }) =>
      (['input', 'output'] as const).flatMap((side) => {
        const g = asRecord(guardrails(body)?.[side]);
        const hits: RuleHit[] = [];
        const behavior = asRecord(g?.pii)?.behavior;
        if (behavior !== 'BLOCK' && behavior !== 'MASK') {
          hits.push({ path: pointer('ai_gateway', 'guardrails', side, 'pii', 'behavior'), message: `the ${side} PII guardrail is ${behavior === undefined ? 'off' : show(behavior)}` });
        }
        if (g?.safety !== true) hits.push({ path: pointer('ai_gateway', 'guardrails', side, 'safety'), message: `the ${side} safety guardrail is off` });
        return hits;
      }),
  },
];

/** Traffic per served-entity name from traffic_config; without routes a single entity takes 100 %. */
export function trafficByEntity(body: Record<string, unknown>): Map<string, number> {
  const traffic = new Map<string, number>();
  const routes = asRecord(config(body)?.traffic_config)?.routes;
  if (Array.isArray(routes)) {
    for (const route of routes) {
      const r = asRecord(route);
      const name = r?.served_entity_name ?? r?.served_model_name;
      if (typeof name === 'string' && typeof r?.traffic_percentage === 'number') traffic.set(name, r.traffic_percentage);
    }
    return traffic;
  }
  const entities = servedEntities(body);
  entities.forEach((entity, i) => {
    const e = asRecord(entity);
    const name = typeof e?.name === 'string' ? e.name : typeof e?.entity_name === 'string' ? e.entity_name : undefined;
    if (name) traffic.set(name, i === 0 ? 100 : 0);
  });
  return traffic;
}

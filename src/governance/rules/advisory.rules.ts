/** Settings the API accepts but a reviewer should question: warnings. */
import { isRecord } from '../../shared/records.js';
import { aiGateway, asRecord, inferenceTable, pointer, rateLimits, servedEntities, show } from './body-access.js';
import { trafficByEntity } from './f4.rules.js';
import type { Rule } from './rule-types.js';

export const advisoryRules: Rule[] = [
  {
    id: 'advice.rate-limit-keys',
    severity: 'warning',
    title: 'Rate limits cover both the endpoint and each user',
    fix: 'Add the missing key: an endpoint limit protects the provider, a user limit stops one noisy caller (e.g. 120 and 20 calls/min)',
    check: ({ body }) => {
      const limits = rateLimits(body);
      if (limits.length === 0) return [];
      const keys = new Set(limits.map((l) => asRecord(l)?.key ?? 'endpoint'));
      const missing = (['endpoint', 'user'] as const).filter((k) => !keys.has(k));
      return missing.length === 1 ? [{ path: pointer('ai_gateway', 'rate_limits'), message: `there is no "${missing[0]}" rate limit` }] : [];
    },
  },
  {
    id: 'f4.rate-limit-zero',
    severity: 'error',
    title: 'No rate limit of 0 calls or tokens',
    fix: 'Set a real ceiling (e.g. 120 calls/min for the endpoint, 20 per user): a limit of 0 leaves no effective limit',
    check: ({ body }) =>
      rateLimits(body).flatMap((limit, i) => {
        const l = asRecord(limit);
        return (['calls', 'tokens'] as const)
          .filter((f) => l?.[f] === 0)
          .map((f) => ({ path: pointer('ai_gateway', 'rate_limits', i, f), message: `${f} is 0: tools read it differently ("disabled" in the UI, "unlimited" elsewhere), so it leaves no effective limit` }));
      }),
  },
  {
    id: 'advice.prefix-differs-from-otel',
    severity: 'warning',
    title: 'table_name_prefix differs from the OTel table prefix owned by F2',
    fix: 'Pick a gateway-specific prefix such as "gw": the OTel prefix (state otel_table_prefix) belongs to F2 tables',
    check: ({ body, state }) => {
      const prefix = inferenceTable(body)?.table_name_prefix;
      const foundation = isRecord(state?.Foundation) ? state.Foundation : undefined;
      const f2 = isRecord(foundation?.f2_otel) ? foundation.f2_otel : undefined;
      const otel = f2?.otel_table_prefix ?? state?.otel_table_prefix;
      if (typeof prefix !== 'string' || typeof otel !== 'string') return [];
      const norm = (p: string) => p.replace(/_+$/, '');
      return norm(prefix) === norm(otel) ? [{ path: pointer('ai_gateway', 'inference_table_config', 'table_name_prefix'), message: `table_name_prefix ${show(prefix)} is the OTel table prefix recorded by F2` }] : [];
    },
  },
  {
    id: 'advice.fallback-traffic',
    severity: 'warning',
    title: 'A second served entity takes traffic only when fallback_config is on, or it is a deliberate split',
    fix: 'Either set ai_gateway.fallback_config {"enabled": true} and give the fallback 0 % traffic, or confirm the split is intended',
    check: ({ body }) => {
      if (servedEntities(body).length < 2 || asRecord(aiGateway(body)?.fallback_config)?.enabled === true) return [];
      const traffic = trafficByEntity(body);
      const splits = [...traffic.entries()].filter(([, pct]) => pct > 0);
      return splits.length > 1 ? [{ path: pointer('config', 'traffic_config', 'routes'), message: `traffic is split across ${splits.map(([n, p]) => `${n} (${p} %)`).join(', ')} while fallback_config is off` }] : [];
    },
  },
];

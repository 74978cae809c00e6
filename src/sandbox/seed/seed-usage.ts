/**
 * Usage history as SQL that DuckDB runs: every row is drawn inside DuckDB from `range(rows)` with hash-based
 * pseudo-randomness keyed by the seed, so ten million rows cost one statement, not a JS loop. The shapes the
 * product's reports look for: daily and weekly cycles, one runaway-agent spike, 429 and 5xx bursts, guardrail
 * blocks (status 400) on guardrailed gateways, and a `team` key in usage_context (request_tags for the gateway
 * usage table) for chargeback.
 */
import {
  AGENT_SP,
  FMAPI_ENDPOINTS,
  GATEWAY_ENDPOINTS,
  RUNAWAY_AGENT,
  SEED_ENDPOINTS,
  SERVICE_PRINCIPALS,
  type SeedEndpoint,
} from './seed-catalog.js';
import { SYSTEM_AI_SERVICES } from './seed-models.js';

/** The built-in Sonnet service and the pay-per-token entity whose requests its seeded traffic is drawn from. */
const SONNET_SERVICE = SYSTEM_AI_SERVICES.find((s) => s.id === 'claude-sonnet-4-6')!;
const SONNET_ENDPOINT_ENTITY = FMAPI_ENDPOINTS.find((e) => e.name === 'databricks-claude-sonnet-4-6')!.servedEntities[0]!.id;

export const ACCOUNT_ID = 'a1b2c3d4-0000-4000-8000-5a4db0c5e7d1';
export const WORKSPACE_ID = '1234567890123456';
const DAY_MS = 86_400_000;
/** Resolution of the hour-of-history draw: finer than the lightest hour's share of the traffic. */
const HOUR_BUCKETS = 100_000;

/** Who calls, how often (relative weight), for which team and app, and the client it calls with. */
export const REQUESTERS: readonly { principal: string; weight: number; team: string; app: string; userAgent: string }[] = [
  { principal: 'alice@example.com', weight: 18, team: 'loyalty', app: 'loyalty-assistant', userAgent: 'openai-python/1.82.0' },
  { principal: 'bob@example.com', weight: 14, team: 'loyalty', app: 'loyalty-assistant', userAgent: 'openai-python/1.82.0' },
  { principal: 'carol@example.com', weight: 12, team: 'support', app: 'support-console', userAgent: 'claude-cli/2.0.14 (external, cli)' },
  { principal: 'dan@example.com', weight: 10, team: 'support', app: 'support-console', userAgent: 'claude-cli/2.0.14 (external, cli)' },
  { principal: 'erin@example.com', weight: 8, team: 'finance', app: 'finance-reports', userAgent: 'databricks-sdk-py/0.50.0' },
  { principal: 'frank@example.com', weight: 6, team: 'platform', app: 'notebooks', userAgent: 'mlflow/3.1.0' },
  { principal: RUNAWAY_AGENT, weight: 3, team: 'loyalty', app: 'miles-reconciler-agent', userAgent: 'langchain-databricks/0.5.1' },
  { principal: AGENT_SP, weight: 17, team: 'platform', app: 'gateway-ops-agent', userAgent: 'openai-node/5.3.0' },
  { principal: SERVICE_PRINCIPALS[2], weight: 12, team: 'support', app: 'ticket-triage', userAgent: 'openai-python/1.82.0' },
];

/** How often each served entity is called (relative weight). */
const ENTITY_WEIGHTS: Record<string, number> = {
  'se-0101': 30,
  'se-0102': 8,
  'se-0103': 20,
  'se-0001': 15,
  'se-0002': 5,
  'se-0003': 12,
  'se-0004': 10,
};

/** Served entities behind an input/output PII guardrail: their 400s are guardrail blocks. */
export const GUARDRAILED_ENTITIES = GATEWAY_ENDPOINTS.filter((e) => e.aiGateway?.['guardrails']).flatMap((e) =>
  e.servedEntities.map((s) => s.id),
);

/**
 * A window in which one served entity draws half the traffic (clients retrying) and most of its calls fail
 * with `status`: visible as a spike in an hourly error report even with few seed rows.
 */
export interface Burst {
  entity: string;
  /** Days before today (UTC), hour of day, length in hours. */
  daysAgo: number;
  hour: number;
  hours: number;
  status: number;
  probability: number;
}

export const BURSTS: readonly Burst[] = [
  { entity: 'se-0101', daysAgo: 6, hour: 13, hours: 2, status: 429, probability: 0.8 },
  { entity: 'se-0103', daysAgo: 12, hour: 10, hours: 1, status: 429, probability: 0.7 },
  { entity: 'se-0002', daysAgo: 9, hour: 15, hours: 1, status: 503, probability: 0.8 },
  { entity: 'se-0101', daysAgo: 2, hour: 11, hours: 1, status: 500, probability: 0.6 },
];

/**
 * An incident still under way when the seed was drawn: for the last `minutes` the gateway's primary entity is
 * rate limited and its provider flaps, so most calls fail. A SQL alert on the gateway's recent 429/5xx share
 * triggers on it whatever the time of day (its rows are placed there, not drawn from the daily cycle).
 */
export const INCIDENT = { minutes: 30, shareOfRows: 0.004, entity: 'se-0101', rateLimited: 0.55, serverErrors: 0.2 } as const;

/** The runaway agent loops on one recent night: its tokens that day dwarf its usual daily use. */
export const RUNAWAY_SPIKE = { daysAgo: 3, fromHour: 1, hours: 4, shareOfRows: 0.02, entity: 'se-0101' } as const;

export interface SeedClock {
  seed: number;
  rows: number;
  /** The seed's "now"; history covers the 30 UTC days ending today. */
  now: Date;
}

const sqlText = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ts = (ms: number) => `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
const startOfDay = (now: Date) => Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());

/** `CASE` picking one of `choices` by a uniform draw `u` against cumulative weights. */
function weightedCase(u: string, choices: readonly { weight: number; value: string }[]): string {
  const total = choices.reduce((s, c) => s + c.weight, 0);
  let cumulative = 0;
  const arms = choices.slice(0, -1).map((c) => {
    cumulative += c.weight;
    return `WHEN ${u} < ${(cumulative / total).toFixed(6)} THEN ${c.value}`;
  });
  return `CASE ${arms.join(' ')} ELSE ${choices[choices.length - 1]!.value} END`;
}

/** A uniform draw in [0,1) for row `i` and stream `k`, stable for a given seed. */
export const uniformMacro = (seed: number) =>
  `CREATE OR REPLACE TEMP MACRO seed_u(i, k) AS CAST(hash(i, k, ${Math.trunc(seed)}) % 1000000007 AS DOUBLE) / 1000000007.0;`;


export function endpointUsageSql({ seed, rows, now }: SeedClock): string[] {
  const today = startOfDay(now);
  const first = today - 29 * DAY_MS;
  const spikeRows = Math.round(rows * RUNAWAY_SPIKE.shareOfRows);
  const incidentRows = Math.round(rows * INCIDENT.shareOfRows);
  const incidentStart = now.getTime() - INCIDENT.minutes * 60_000;
  const spikeStart = today - RUNAWAY_SPIKE.daysAgo * DAY_MS + RUNAWAY_SPIKE.fromHour * 3_600_000;
  const inBurst = (b: Burst) => {
    const start = today - b.daysAgo * DAY_MS + b.hour * 3_600_000;
    return `request_time >= ${ts(start)} AND request_time < ${ts(start + b.hours * 3_600_000)}`;
  };
  const burstEntities = BURSTS.map((b) => `WHEN ${inBurst(b)} AND u_burst < 0.5 THEN ${sqlText(b.entity)}`).join('\n         ');
  const burstStatuses = BURSTS.map(
    (b) => `WHEN served_entity_id = ${sqlText(b.entity)} AND ${inBurst(b)} AND u_status < ${b.probability} THEN ${b.status}`,
  ).join('\n         ');
  const requester = weightedCase('u_who', REQUESTERS.map((r) => ({ weight: r.weight, value: sqlText(r.principal) })));
  const entity = weightedCase('u_entity', Object.entries(ENTITY_WEIGHTS).map(([id, weight]) => ({ weight, value: sqlText(id) })));
  // Constant maps per requester: DuckDB folds them, where building a map per row would dominate the seed time.
  const usageContext = `CASE requester ${REQUESTERS.map(
    (r) => `WHEN ${sqlText(r.principal)} THEN map(['team', 'app'], [${sqlText(r.team)}, ${sqlText(r.app)}])`,
  ).join(' ')} END`;
  const guardrailed = GUARDRAILED_ENTITIES.map(sqlText).join(',') || "''";

  return [
    uniformMacro(seed),
    // One weight per hour of the window: a working-day peak around 14:00 UTC, quieter weekends, some noise.
    // Rows find their hour through fixed-width buckets of the cumulative weight (an equi-join), which is far
    // cheaper than an ASOF join of every row.
    `CREATE OR REPLACE TEMP TABLE seed_hours AS
     WITH h AS (
       SELECT hour_start, (0.15 + exp(-pow((hour(hour_start) - 14.0) / 4.0, 2)))
         * CASE WHEN dayofweek(hour_start) IN (0, 6) THEN 0.35 ELSE 1.0 END
         * (0.8 + 0.4 * seed_u(epoch(hour_start)::BIGINT, 1)) AS weight
       FROM generate_series(${ts(first)}, ${ts(now.getTime())}, INTERVAL 1 HOUR) t(hour_start)),
     cumulative AS (
       SELECT hour_start, (sum(weight) OVER (ORDER BY hour_start) - weight) / sum(weight) OVER () AS cum_start FROM h),
     buckets AS (SELECT b, (b + 0.5) / ${HOUR_BUCKETS} AS at FROM range(${HOUR_BUCKETS}) r(b))
     SELECT b AS bucket, hour_start FROM buckets ASOF JOIN cumulative c ON buckets.at >= c.cum_start`,
    `INSERT INTO dbx_system.serving.endpoint_usage
     WITH draws AS (
       SELECT i, seed_u(i, 2) AS u_time, seed_u(i, 3) AS u_within, seed_u(i, 4) AS u_who, seed_u(i, 5) AS u_entity,
         seed_u(i, 6) AS u_in, seed_u(i, 7) AS u_out, seed_u(i, 8) AS u_status, seed_u(i, 9) AS u_burst,
         seed_u(i, 10) AS u_ctx, seed_u(i, 11) AS u_stream, i >= ${rows - spikeRows} AS spike,
         i >= ${rows - spikeRows - incidentRows} AND i < ${rows - spikeRows} AS incident,
         md5('usage-${Math.trunc(seed)}-' || i) AS hex
       FROM range(${rows}) r(i)),
     placed AS (
       SELECT d.*, CASE WHEN spike THEN ${ts(spikeStart)} + to_microseconds(CAST(u_within * ${RUNAWAY_SPIKE.hours * 3600e6} AS BIGINT))
         WHEN incident THEN ${ts(incidentStart)} + to_microseconds(CAST(u_within * ${INCIDENT.minutes * 60e6} AS BIGINT))
         ELSE least(h.hour_start + to_microseconds(CAST(u_within * 3600e6 AS BIGINT)), ${ts(now.getTime())}) END AS request_time
       FROM draws d JOIN seed_hours h ON h.bucket = CAST(floor(d.u_time * ${HOUR_BUCKETS}) AS BIGINT)),
     who AS (
       SELECT *, CASE WHEN spike THEN ${sqlText(RUNAWAY_AGENT)} ELSE ${requester} END AS requester FROM placed),
     what AS (
       SELECT *, CASE WHEN requester = ${sqlText(RUNAWAY_AGENT)} THEN ${sqlText(RUNAWAY_SPIKE.entity)}
         WHEN incident THEN ${sqlText(INCIDENT.entity)}
         ${burstEntities}
         ELSE ${entity} END AS served_entity_id
       FROM who),
     outcome AS (
       SELECT *, CASE
         WHEN incident AND u_status < ${INCIDENT.rateLimited} THEN 429
         WHEN incident AND u_status < ${INCIDENT.rateLimited + INCIDENT.serverErrors} THEN 503
         ${burstStatuses}
         WHEN spike THEN 200
         WHEN u_status < 0.004 THEN 429
         WHEN u_status < 0.006 THEN 500
         WHEN u_status < 0.018 AND served_entity_id IN (${guardrailed}) THEN 400
         WHEN u_status < 0.008 THEN 400
         ELSE 200 END AS status_code
       FROM what),
     tokens AS (
       SELECT *,
         CASE WHEN status_code = 429 THEN 0 WHEN spike THEN 6000 + CAST(u_in * 6000 AS BIGINT)
           ELSE 30 + CAST(pow(u_in, 2.2) * 3500 AS BIGINT) END AS input_token_count,
         CASE WHEN status_code <> 200 THEN 0 WHEN spike THEN 2000 + CAST(u_out * 2000 AS BIGINT)
           ELSE 10 + CAST(pow(u_out, 2) * 1200 AS BIGINT) END AS output_token_count
       FROM outcome)
     SELECT ${sqlText(ACCOUNT_ID)}, ${sqlText(WORKSPACE_ID)},
       CASE WHEN u_ctx < 0.6 THEN 'cr-' || substr(hex, 21, 12) END,
       CAST(CAST(hex AS UUID) AS VARCHAR),
       served_entity_id, requester, status_code, request_time, u_stream < 0.25,
       input_token_count, output_token_count,
       input_token_count * 4 + CAST(u_out * 4 AS BIGINT), output_token_count * 4 + CAST(u_in * 4 AS BIGINT),
       CASE WHEN u_ctx < 0.9 THEN ${usageContext} END
     FROM tokens`,
    'DROP TABLE seed_hours',
  ];
}

/** Several history rows per served entity (config versions), the newest last: a join must de-duplicate. */
export function servedEntitiesSql({ now }: SeedClock, endpoints: readonly SeedEndpoint[] = SEED_ENDPOINTS): string[] {
  const today = startOfDay(now);
  const rows: string[] = [];
  for (const endpoint of endpoints) {
    const history = endpoint.aiGateway ? [60, 21, 4] : [90, 40];
    history.forEach((daysAgo, version) => {
      for (const entity of endpoint.servedEntities) {
        const external = entity.entityType === 'EXTERNAL_MODEL';
        const config = sqlText(
          JSON.stringify(external ? { name: entity.entityName, provider: 'databricks-model-serving', task: endpoint.task } : { entity_name: entity.entityName, entity_version: entity.entityVersion }),
        );
        rows.push(`(${[
          entity.id, ACCOUNT_ID, WORKSPACE_ID, endpoint.createdBy, endpoint.name, endpoint.id, entity.name, entity.entityType,
          entity.entityName, entity.entityVersion,
        ].map(sqlText).join(', ')}, ${version + 1}, ${sqlText(endpoint.task)}, ${external ? config : 'NULL'}, ${external ? 'NULL' : config}, NULL, NULL, ${ts(today - daysAgo * DAY_MS + 9 * 3_600_000)}, NULL)`);
      }
    });
  }
  return [`INSERT INTO dbx_system.serving.served_entities VALUES\n${rows.join(',\n')}`];
}

/**
 * The gateway usage table, one row per gateway request, derived from the gateway endpoints' requests in
 * endpoint_usage. Attribution comes from the `Databricks-Ai-Gateway-Request-Tags` header, so the team rides in
 * `request_tags` (with the app as `project`); a fifth of input tokens are cache reads. No MCP traffic is seeded
 * (mcp_metadata is NULL) and routing_information is left NULL: its shape is unconfirmed.
 */
export function aiGatewayUsageSql({ seed }: SeedClock): string[] {
  const gatewayEntities = GATEWAY_ENDPOINTS.flatMap((e) => e.servedEntities.map((s) => ({ e, s })));
  const endpointOf = (f: (x: { e: SeedEndpoint; s: SeedEndpoint['servedEntities'][number] }) => string) =>
    `CASE served_entity_id ${gatewayEntities.map((x) => `WHEN ${sqlText(x.s.id)} THEN ${sqlText(f(x))}`).join(' ')} END`;
  const byRequester = (f: (r: (typeof REQUESTERS)[number]) => string) =>
    `CASE requester ${REQUESTERS.map((r) => `WHEN ${sqlText(r.principal)} THEN ${f(r)}`).join(' ')} END`;
  const sps = SERVICE_PRINCIPALS.map(sqlText).join(',');
  return [
    uniformMacro(seed),
    `INSERT INTO dbx_system.ai_gateway.usage
     SELECT workspace_id, databricks_request_id, request_time,
       ${endpointOf((x) => x.e.id)}, ${endpointOf((x) => x.e.name)}, requester,
       CASE WHEN requester IN (${sps}) THEN 'SERVICE_PRINCIPAL' ELSE 'USER' END,
       ${byRequester((r) => sqlText(r.userAgent))}, 'chat/completions',
       ${endpointOf((x) => x.s.entityName)},
       input_token_count, output_token_count, input_token_count + output_token_count,
       struct_pack(cache_read_input_tokens := CAST(input_token_count * 0.2 AS BIGINT)),
       120 + output_token_count * 12 + CAST(seed_u(hash(databricks_request_id), 20) * 800 AS BIGINT),
       80 + CAST(seed_u(hash(databricks_request_id), 21) * 400 AS BIGINT),
       status_code,
       CASE WHEN seed_u(hash(databricks_request_id), 22) < 0.9 THEN ${byRequester((r) => `map(['team', 'project'], [${sqlText(r.team)}, ${sqlText(r.app)}])`)} END,
       NULL, databricks_request_id, NULL, NULL
     FROM dbx_system.serving.endpoint_usage
     WHERE served_entity_id IN (${gatewayEntities.map((x) => sqlText(x.s.id)).join(',')})`,
    // Calls to the built-in model service system.ai.claude-sonnet-4-6 (a third of Sonnet's pay-per-token
    // requests, re-keyed): model-service traffic is told apart by service_name; its endpoint_name is unconfirmed
    // and left NULL. The destination is the registered model the service routes to.
    `INSERT INTO dbx_system.ai_gateway.usage
     SELECT workspace_id, 'svc-' || databricks_request_id, request_time, NULL, NULL, requester,
       CASE WHEN requester IN (${sps}) THEN 'SERVICE_PRINCIPAL' ELSE 'USER' END,
       ${byRequester((r) => sqlText(r.userAgent))}, 'chat/completions', ${sqlText(SONNET_SERVICE.registeredModel)},
       input_token_count, output_token_count, input_token_count + output_token_count,
       struct_pack(cache_read_input_tokens := CAST(input_token_count * 0.2 AS BIGINT)),
       120 + output_token_count * 12, 80, status_code,
       ${byRequester((r) => `map(['team', 'project'], [${sqlText(r.team)}, ${sqlText(r.app)}])`)},
       NULL, 'svc-' || databricks_request_id, NULL, ${sqlText(`system.ai.${SONNET_SERVICE.id}`)}
     FROM dbx_system.serving.endpoint_usage
     WHERE served_entity_id = ${sqlText(SONNET_ENDPOINT_ENTITY)} AND seed_u(hash(databricks_request_id), 23) < 0.33`,
  ];
}

/**
 * Payload (inference table) rows, drawn inside DuckDB from the endpoint's requests in endpoint_usage so the
 * two tables join on databricks_request_id. Requests and responses are OpenAI chat JSON; some carry the
 * synthetic secrets of secrets.ts; guardrail blocks answer 400 "flagged by AI guardrails".
 */
import type { SeedEndpoint } from './seed-catalog.js';
import { ASSISTANT_MESSAGES, SECRET_PLACEHOLDERS, SEEDED_SECRETS, USER_MESSAGES } from './seed-secrets.js';
import { uniformMacro } from './seed-usage.js';

const sqlText = (s: string) => `'${s.replaceAll("'", "''")}'`;
const sqlList = (items: readonly string[]) => `[${items.map(sqlText).join(', ')}]`;

/** 1-based pick from a list literal by a uniform draw. */
const pick = (list: readonly string[], u: string) => `${sqlList(list)}[1 + CAST(floor(${u} * ${list.length}) AS INTEGER)]`;

/**
 * Replaces every placeholder of `text` (drawn from `templates`) by one seeded secret of its kind, chosen by `u`.
 * Only the placeholders the templates use: each is a replace() per row, and seeds run to millions of rows.
 */
function fillSecrets(text: string, u: string, templates: readonly string[]): string {
  return Object.entries(SECRET_PLACEHOLDERS).filter(([placeholder]) => templates.some((t) => t.includes(placeholder))).reduce(
    (expr, [placeholder, kind]) => `replace(${expr}, ${sqlText(placeholder)}, ${pick(SEEDED_SECRETS[kind], u)})`,
    text,
  );
}

const SYSTEM_PROMPT = 'You are the SkyLoyalty assistant. Answer questions about the loyalty programme politely and briefly.';
const SYSTEM_PROMPT_JSON = sqlText(JSON.stringify(SYSTEM_PROMPT));
const GUARDRAIL_BLOCK = JSON.stringify({
  error_code: 'BAD_REQUEST',
  message: 'Input was flagged by AI guardrails: the request contains PII and the gateway blocks it.',
});

/**
 * JSON text by concatenation: literal parts (odd arguments are SQL expressions already in JSON form). Several
 * times faster than json_object() for a million rows; text values go through to_json() for escaping.
 */
function json(...parts: string[]): string {
  return parts.map((p, i) => (i % 2 === 0 ? sqlText(p) : `(${p})`)).join(' || ');
}

/**
 * Inserts about `rows` payload rows into `table` for the served entities of `endpoint`. 429s and 5xx are not
 * logged (as the docs warn). The newest rows take the user messages in order, so every secret kind is present.
 */
export function payloadSql(table: string, endpoint: SeedEndpoint, rows: number, seed: number): string[] {
  const entities = endpoint.servedEntities.map((s) => sqlText(s.id)).join(',');
  const entityName = `CASE served_entity_id ${endpoint.servedEntities.map((s) => `WHEN ${sqlText(s.id)} THEN ${sqlText(JSON.stringify(s.entityName))}`).join(' ')} END`;
  const userTurn = `CASE WHEN newest <= ${USER_MESSAGES.length} THEN ${sqlList(USER_MESSAGES)}[CAST(newest AS INTEGER)] ELSE ${pick(USER_MESSAGES, 'u_msg')} END`;
  return [
    uniformMacro(seed),
    `INSERT INTO ${table}
     WITH logged AS (
       SELECT *, hash(databricks_request_id) AS h FROM dbx_system.serving.endpoint_usage
       WHERE served_entity_id IN (${entities}) AND status_code NOT IN (429, 500, 502, 503, 504)),
     sampled AS (
       SELECT *, seed_u(h, 31) AS u_msg, seed_u(h, 32) AS u_secret, seed_u(h, 33) AS u_answer, seed_u(h, 34) AS u_size
       FROM logged WHERE seed_u(h, 30) < ${rows} / (SELECT greatest(count(*), 1) FROM logged)),
     ranked AS (
       SELECT *, row_number() OVER (ORDER BY request_time DESC, databricks_request_id) AS newest FROM sampled),
     turns AS (
       SELECT *, ${fillSecrets(userTurn, 'u_secret', USER_MESSAGES)} AS user_turn,
         ${fillSecrets(`CASE WHEN newest <= 2 THEN ${sqlList(ASSISTANT_MESSAGES)}[CAST(newest AS INTEGER)] ELSE ${pick(ASSISTANT_MESSAGES, 'u_answer')} END`, 'u_secret', ASSISTANT_MESSAGES)} AS answer,
         status_code = 200 AND u_size < 0.005 AS too_large
       FROM ranked)
     SELECT databricks_request_id, CAST(request_time AS DATE), client_request_id, request_time, status_code, 1.0,
       CASE WHEN status_code = 200 THEN 150 + output_token_count * 15 + CAST(u_answer * 900 AS BIGINT) ELSE 40 END,
       ${json('{"messages":[{"role":"system","content":', SYSTEM_PROMPT_JSON, '},{"role":"user","content":', 'to_json(user_turn)', '}],"max_tokens":512,"temperature":0.2}')},
       CASE
         WHEN too_large THEN NULL
         WHEN status_code = 400 THEN ${sqlText(GUARDRAIL_BLOCK)}
         ELSE ${json('{"id":"chatcmpl-', 'substr(databricks_request_id, 1, 8)', '","object":"chat.completion","created":',
           'CAST(epoch(request_time) AS BIGINT)', ',"model":', entityName,
           ',"choices":[{"index":0,"message":{"role":"assistant","content":', 'to_json(answer)', '},"finish_reason":"stop"}],"usage":{"prompt_tokens":',
           'input_token_count', ',"completion_tokens":', 'output_token_count', ',"total_tokens":', 'input_token_count + output_token_count', '}}')} END,
       CASE WHEN too_large THEN ['MAX_RESPONSE_SIZE_EXCEEDED'] ELSE CAST([] AS VARCHAR[]) END,
       served_entity_id, requester
     FROM turns`,
  ];
}

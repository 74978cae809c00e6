/**
 * The F4 step's validation checklist, item by item in the step's order, and the entries a live check reports:
 * `pass` or `fail` with the evidence that decided it, or `unknown` with why the evidence could not be seen and
 * what grant or wait resolves it — never a guess. Items the gateway's config answers are judged here from the
 * rule findings; the ones only the workspace's data answers live beside this module.
 */
import { evaluateAudit } from '../role-probe.js';
import type { Finding } from '../rules/rule-types.js';
import { isRecord, type StateData } from '../../shared/records.js';

export const CHECKLIST = [
  { item: 'gateway-created', title: 'Gateway endpoint created with usage_tracking_config.enabled=true and inference_table_config.enabled=true' },
  { item: 'audited-entities', title: 'Every served entity is a candidate that passed its role probe in endpoint_guardrail_audit' },
  { item: 'halt-rule', title: 'If no candidate passed for a required role, F4 halted and asked for a candidate list (no admin-ticket fallback)' },
  { item: 'table-prefix', title: 'inference_table_config.table_name_prefix does not end in an underscore (gw, not gw_)' },
  { item: 'inference-tables-visible', title: 'Inference tables visible in Unity Catalog within 30 min of first traffic' },
  { item: 'gateway-url', title: 'Agent apps and serving endpoints use the gateway URL as their base URL (no direct traffic)' },
  { item: 'request-id-correlation', title: 'Client code passes a request id tied to the MLflow trace' },
  { item: 'rate-limits', title: 'At least one rate limit is configured (endpoint or user)' },
  { item: 'guardrails', title: 'Gateway guardrails enabled for PII and safety, input and output' },
  { item: 'ops-grants', title: 'SQL warehouse access granted on the inference and usage tables for the ops team' },
  { item: 'error-alert', title: 'A SQL alert fires on elevated 429 / 5xx from the gateway' },
] as const;

export type ChecklistItem = (typeof CHECKLIST)[number]['item'];
export type ChecklistStatus = 'pass' | 'fail' | 'unknown';

export interface ChecklistEntry {
  item: ChecklistItem;
  title: string;
  status: ChecklistStatus;
  /** What was seen (or, for unknown, why nothing could be seen). */
  evidence: string;
  /** What turns the item to pass; for unknown, the grant or wait that lets it be checked. */
  fix: string;
  /** Figures behind the evidence (counts, shares, callers, the alert), for an agent to quote or act on. */
  details?: Record<string, unknown>;
}

export function entry(item: ChecklistItem, status: ChecklistStatus, evidence: string, fix: string, details?: Record<string, unknown>): ChecklistEntry {
  const title = CHECKLIST.find((c) => c.item === item)!.title;
  return { item, title, status, evidence, fix, ...(details ? { details } : {}) };
}

/** The checklist in the step's order, whatever order the entries were gathered in. */
export function inStepOrder(entries: readonly ChecklistEntry[]): ChecklistEntry[] {
  return CHECKLIST.map(({ item }) => entries.find((e) => e.item === item)).filter((e): e is ChecklistEntry => e !== undefined);
}

type ConfigItem = 'gateway-created' | 'audited-entities' | 'table-prefix' | 'rate-limits' | 'guardrails' | 'ops-grants';

/** The config-shaped items and the rule findings that decide each. */
const RULES_OF: Record<ConfigItem, readonly string[]> = {
  'gateway-created': ['f4.usage-tracking', 'f4.inference-tables', 'live.config-update'],
  'audited-entities': ['f4.audited-entities'],
  'table-prefix': ['f4.table-prefix', 'f4.table-prefix-identifier'],
  'rate-limits': ['f4.rate-limits'],
  guardrails: ['f4.guardrails'],
  'ops-grants': ['live.ops-grants', 'live.explicit-grants'],
};

export interface ConfigEvidence {
  endpoint: string;
  /** The live ai_gateway block. */
  aiGateway: Record<string, unknown> | undefined;
  findings: readonly Finding[];
  state?: StateData;
  /** Why the grants on the inference tables could not be read, when they could not. */
  grantsProblem?: string;
}

/** The items the live config and the state file answer, judged from the rule findings. */
export function configItems(evidence: ConfigEvidence): ChecklistEntry[] {
  const entries: ChecklistEntry[] = [];
  for (const [item, rules] of Object.entries(RULES_OF) as [ConfigItem, readonly string[]][]) {
    const hits = evidence.findings.filter((f) => rules.includes(f.rule));
    const errors = hits.filter((f) => f.severity === 'error');
    if (item === 'audited-entities' && !evidence.state) {
      entries.push(entry(item, 'unknown', 'no state file was given, so the served entities could not be checked against endpoint_guardrail_audit', 'Pass state_file (the workshop state with endpoint_guardrail_audit and llm_role_endpoints)'));
      continue;
    }
    if (item === 'ops-grants' && !inferenceTablesOn(evidence.aiGateway)) {
      entries.push(entry(item, 'fail', `inference tables are not enabled on ${evidence.endpoint}, so there is no payload table for the ops team to read`, 'Enable ai_gateway.inference_table_config, then grant the ops group USE_CATALOG, USE_SCHEMA and SELECT on its catalog and schema'));
      continue;
    }
    if (item === 'ops-grants' && evidence.grantsProblem && errors.length === 0) {
      entries.push(entry(item, 'unknown', `the grants on the inference tables' catalog and schema could not be read: ${evidence.grantsProblem}`, 'Ask the schema owner or a metastore admin for BROWSE (or MANAGE) on the catalog and schema so their grants can be read, then check again'));
      continue;
    }
    if (errors.length > 0) {
      entries.push(entry(item, 'fail', errors.map((f) => f.message).join('; '), errors[0]!.fix));
      continue;
    }
    const notes = hits.map((f) => `note: ${f.message}`);
    entries.push(entry(item, 'pass', [passEvidence(item, evidence), ...notes].join('; '), 'Nothing to do'));
  }
  entries.push(haltItem(evidence));
  return entries;
}

const inferenceTablesOn = (aiGateway: Record<string, unknown> | undefined) => isRecord(aiGateway?.inference_table_config) && aiGateway.inference_table_config.enabled === true;

function passEvidence(item: ConfigItem, { endpoint, aiGateway }: ConfigEvidence): string {
  const table = isRecord(aiGateway?.inference_table_config) ? aiGateway.inference_table_config : {};
  const prefix = typeof table.table_name_prefix === 'string' ? table.table_name_prefix : undefined;
  switch (item) {
    case 'gateway-created':
      return `${endpoint} has usage tracking and inference tables enabled (inference tables in ${String(table.catalog_name)}.${String(table.schema_name)})`;
    case 'audited-entities':
      return `every served entity of ${endpoint} is a bound endpoint that passed its role probe (or a passing fallback at 0 %)`;
    case 'table-prefix':
      return prefix === undefined ? 'no table_name_prefix is set: Databricks names the table after the endpoint' : `table_name_prefix "${prefix}" has no trailing "_": the payload table is ${prefix}_payload`;
    case 'rate-limits': {
      const limits = Array.isArray(aiGateway?.rate_limits) ? aiGateway.rate_limits.filter(isRecord) : [];
      return `rate limits: ${limits.map((l) => `${String(l.key)} ${String(l.calls ?? l.tokens ?? '?')}/${String(l.renewal_period)}`).join(', ')}`;
    }
    case 'guardrails':
      return 'PII (BLOCK or MASK) and safety guardrails are on for input and output';
    case 'ops-grants':
      return `a principal holds USE_CATALOG on ${String(table.catalog_name)} and USE_SCHEMA, SELECT on ${String(table.catalog_name)}.${String(table.schema_name)}`;
  }
}

/**
 * The halt rule, as far as the live gateway shows it: when a role is unbound or its bound endpoint fails its
 * probe, the gateway must not serve anything for it — so a gateway that serves only passing endpoints honoured
 * the halt, and one that serves anything else did not.
 */
function haltItem({ findings, state }: ConfigEvidence): ChecklistEntry {
  if (!state) {
    return entry('halt-rule', 'unknown', 'no state file was given, so the role bindings the halt rule reads could not be seen', 'Pass state_file (the workshop state with endpoint_guardrail_audit and llm_role_endpoints)');
  }
  const failing = evaluateAudit(state, { roles: [] }).roles.filter((r) => r.status !== 'pass');
  const unaudited = findings.filter((f) => f.rule === 'f4.audited-entities' && f.severity === 'error');
  if (failing.length === 0) return entry('halt-rule', 'pass', 'every bound role passed its probe: no halt was needed', 'Nothing to do');
  const roles = failing.map((r) => `${r.role} (${r.status}${r.failed_checks.length ? `: ${r.failed_checks.join(', ')}` : ''})`).join(', ');
  if (unaudited.length > 0) {
    return entry('halt-rule', 'fail', `roles without a passing endpoint: ${roles}; yet the gateway serves ${unaudited.map((f) => f.message).join('; ')}`, 'Remove the unaudited served entities; ask the operator for a workspace-specific candidate list and re-run the role probe (no admin-ticket path)');
  }
  return entry('halt-rule', 'pass', `roles without a passing endpoint: ${roles}; the gateway serves none of them (the halt held)`, 'Nothing to do for this gateway; to serve those roles, ask the operator for a workspace-specific candidate list');
}

/**
 * Role probes and the halt rule of the F4 step. A role's bound endpoint may be served only when it passed the
 * role's probe in `endpoint_guardrail_audit`; when a served role has no such endpoint, F4 halts and asks the
 * operator — no admin ticket, no default, never "any healthy endpoint". Pure: state in, decision out.
 */
import { ToolError } from '../shared/tool-error.js';
import { type StateData, isRecord } from '../shared/records.js';

export type RoleStatus = 'pass' | 'fail' | 'unbound';

export interface RoleReport {
  role: string;
  /** The bound endpoint (`llm_role_endpoints.<role>.endpoint`), or null when there is none. */
  endpoint: string | null;
  status: RoleStatus;
  /** Audit fields the bound endpoint failed; `audit_entry` when it was never audited; binding problems for unbound roles. */
  failed_checks: string[];
  warnings: string[];
  /** Other candidates of the role that pass the probe, in candidate order: the only legal fallbacks. */
  fallback_candidates: string[];
}

export interface CandidateVerdict {
  endpoint: string;
  passes: boolean;
  failed_checks: string[];
}

export interface HaltedRole {
  role: string;
  endpoint: string | null;
  reason: 'unbound' | 'failed_probe';
  candidates: CandidateVerdict[];
  /** What the operator must do: give a workspace-specific candidate list, or re-run the probe to re-bind. */
  ask: 'candidate_list' | 'rerun_probe';
  passing_candidates: string[];
}

export interface OperatorPrompt {
  message: string;
  roles: HaltedRole[];
}

export interface AuditReport {
  status: 'ok' | 'halted';
  roles: RoleReport[];
  operator_prompt?: OperatorPrompt;
}

export interface ProbeOptions {
  /** Roles the gateway serves: a failure of any of these halts. */
  roles: readonly string[];
  now?: Date;
  /** An audit older than this is a warning, not a failure (default 30 days). */
  maxAuditAgeDays?: number;
}

export const DEFAULT_ROLES = ['agent_chat'] as const;
const PENDING = '<pending>';
/** Roles that stream to the user by definition, whatever `streaming_required` says. */
const STREAMING_ROLES = new Set(['agent_chat']);
const AUDIT_TIME_FIELDS = ['audited_at', 'probed_at', 'last_probed_at', 'checked_at', 'timestamp', 'updated_at'];

interface RoleBinding {
  endpoint: string | null;
  candidates: string[];
  selectedAfterProbe: boolean;
  streamingRequired: boolean;
  minContextChars: number | undefined;
}

export function evaluateAudit(state: StateData, options: ProbeOptions): AuditReport {
  if (options.roles.length > 0) requireAudit(state);
  const now = options.now ?? new Date();
  const maxAgeDays = options.maxAuditAgeDays ?? 30;
  const bindings = roleBindings(state);
  const audit = auditEntries(state);
  const roleNames = unique([...Object.keys(bindings), ...options.roles]);

  const roles: RoleReport[] = [];
  const halted: HaltedRole[] = [];
  for (const role of roleNames) {
    const binding = bindings[role];
    const verdicts = binding ? binding.candidates.map((candidate) => probeCandidate(role, binding, candidate, audit)) : [];
    const report = reportRole(role, binding, verdicts, audit, now, maxAgeDays);
    roles.push(report);
    if (options.roles.includes(role) && report.status !== 'pass') {
      // An unbound role's own endpoint may pass (only selected_after_probe is missing): a probe re-run binds it.
      const passing = verdicts.filter((v) => v.passes).map((v) => v.endpoint);
      halted.push({
        role,
        endpoint: report.endpoint,
        reason: report.status === 'unbound' ? 'unbound' : 'failed_probe',
        candidates: verdicts,
        ask: passing.length > 0 ? 'rerun_probe' : 'candidate_list',
        passing_candidates: passing,
      });
    }
  }
  if (halted.length === 0) return { status: 'ok', roles };
  return { status: 'halted', roles, operator_prompt: { message: operatorMessage(halted), roles: halted } };
}

/**
 * A halt asks the operator for FMAPI candidates, which is the wrong request when there is no audit to read:
 * a file that is not the workshop state, or a state whose audit step has not run, is said to be so instead.
 */
function requireAudit(state: StateData): void {
  const has = (key: string) => state[key] !== undefined && state[key] !== null;
  if (!has('llm_role_endpoints') && !has('endpoint_guardrail_audit')) {
    throw new ToolError(
      'This is not a workshop state file',
      'it has neither llm_role_endpoints nor endpoint_guardrail_audit, the two keys the F4 halt rule reads',
      'Pass the workshop state file (state.yaml or .vibecoding-state.md; examples/ shows the format), or run the Phase 1.2 steps (vibecoding-state.llm_role_endpoint_probe, vibecoding-state.endpoint_guardrail_audit) that write those keys',
      'STATE_FILE_NOT_STATE',
    );
  }
  if (!has('endpoint_guardrail_audit')) {
    throw new ToolError(
      'The state file has no endpoint_guardrail_audit',
      'the endpoint guardrail audit has not run, so no role endpoint can be shown to have passed its probe',
      'Run vibecoding-state.endpoint_guardrail_audit, then call again',
      'STATE_FILE_NO_AUDIT',
    );
  }
}

/** Bound endpoints that pass their role's probe, by role: the only names a gateway may serve. */
export function boundPassingEndpoints(state: StateData): Map<string, string> {
  const report = evaluateAudit(state, { roles: [] });
  const passing = new Map<string, string>();
  for (const role of report.roles) if (role.status === 'pass' && role.endpoint) passing.set(role.role, role.endpoint);
  return passing;
}

function reportRole(
  role: string,
  binding: RoleBinding | undefined,
  verdicts: CandidateVerdict[],
  audit: AuditEntries,
  now: Date,
  maxAgeDays: number,
): RoleReport {
  const fallbackOf = (endpoint: string | null) => verdicts.filter((v) => v.passes && v.endpoint !== endpoint).map((v) => v.endpoint);
  if (!binding) {
    return { role, endpoint: null, status: 'unbound', failed_checks: ['role_binding'], warnings: [`llm_role_endpoints has no entry for role ${role}`], fallback_candidates: [] };
  }
  const unboundBecause: string[] = [];
  if (!binding.endpoint || binding.endpoint === PENDING) unboundBecause.push('endpoint');
  else if (!binding.candidates.includes(binding.endpoint)) unboundBecause.push('candidates');
  if (!binding.selectedAfterProbe) unboundBecause.push('selected_after_probe');
  const endpoint = binding.endpoint && binding.endpoint !== PENDING ? binding.endpoint : null;
  if (unboundBecause.length > 0) {
    return { role, endpoint, status: 'unbound', failed_checks: unboundBecause, warnings: bindingWarnings(binding), fallback_candidates: fallbackOf(endpoint) };
  }
  // Bound means among the candidates, so this is the verdict `verdicts` holds for it.
  const verdict = probeCandidate(role, binding, endpoint as string, audit);
  const warnings = [...entryWarnings(audit.entries[endpoint as string], audit.auditTime, now, maxAgeDays), ...streamingWarnings(role, binding, audit.entries[endpoint as string])];
  return {
    role,
    endpoint,
    status: verdict.passes ? 'pass' : 'fail',
    failed_checks: verdict.failed_checks,
    warnings,
    fallback_candidates: fallbackOf(endpoint),
  };
}

function probeCandidate(role: string, binding: RoleBinding, endpoint: string, audit: AuditEntries): CandidateVerdict {
  const entry = audit.entries[endpoint];
  if (!entry) return { endpoint, passes: false, failed_checks: ['audit_entry'] };
  const failed: string[] = [];
  if (entry.short_chat_ok !== true) failed.push('short_chat_ok');
  // `streaming_arg_accepted` only says the request parameter was accepted, not that tokens streamed back.
  if ((STREAMING_ROLES.has(role) || binding.streamingRequired) && entry.streaming_ok !== true) failed.push('streaming_ok');
  const minChars = binding.minContextChars;
  if (minChars !== undefined) {
    if (entry.long_context_ok !== true) failed.push('long_context_ok');
    const accepted = toNumber(entry.accepted_min_context_chars);
    if (accepted === undefined || accepted < minChars) failed.push('accepted_min_context_chars');
  }
  return { endpoint, passes: failed.length === 0, failed_checks: failed };
}

function bindingWarnings(binding: RoleBinding): string[] {
  if (binding.endpoint === PENDING) return ['the role is still <pending>: the role endpoint probe has not bound it'];
  if (binding.endpoint && !binding.candidates.includes(binding.endpoint)) {
    return [`the bound endpoint ${binding.endpoint} is not among the role's candidates, so it was picked by hand`];
  }
  return [];
}

function streamingWarnings(role: string, binding: RoleBinding, entry: Record<string, unknown> | undefined): string[] {
  const needsStreaming = STREAMING_ROLES.has(role) || binding.streamingRequired;
  if (needsStreaming && entry && entry.streaming_ok !== true && entry.streaming_arg_accepted === true) {
    return ['streaming_arg_accepted is true but streaming_ok is not: accepting the stream argument is not proof that the endpoint streams'];
  }
  return [];
}

function entryWarnings(entry: Record<string, unknown> | undefined, auditTime: unknown, now: Date, maxAgeDays: number): string[] {
  if (!entry) return [];
  const stamp = AUDIT_TIME_FIELDS.map((field) => entry[field]).find((value) => value !== undefined) ?? auditTime;
  if (stamp === undefined) return ['the audit entry has no timestamp (audited_at), so its age is unknown'];
  const time = stamp instanceof Date ? stamp : new Date(String(stamp));
  if (Number.isNaN(time.getTime())) return [`the audit timestamp ${String(stamp)} is not a date`];
  const ageDays = (now.getTime() - time.getTime()) / 86_400_000;
  if (ageDays > maxAgeDays) {
    return [`the audit is ${Math.floor(ageDays)} days old (over ${maxAgeDays}); re-run vibecoding-state.endpoint_guardrail_audit before relying on it`];
  }
  return [];
}

/** Agents show this verbatim and forms show only this, so it carries the reasons: each candidate and what it failed. */
function operatorMessage(halted: HaltedRole[]): string {
  const parts = halted.map((role) => {
    const reasons = candidateReasons(role);
    if (role.ask === 'rerun_probe') {
      const situation =
        role.reason === 'failed_probe'
          ? `The bound endpoint for ${role.role} (${role.endpoint ?? 'none'}) did not pass its role probe, but`
          : `${role.role} has no endpoint bound by the role probe (${role.endpoint ?? '<pending>'}), but among its candidates`;
      return (
        `${situation} ${role.passing_candidates.join(', ')} passed it. Re-run vibecoding-state.llm_role_endpoint_probe so it ` +
        `binds ${role.role} to a passing candidate, then call again.${reasons}`
      );
    }
    return (
      `No FMAPI endpoint passed the role probe for ${role.role}.${reasons} Provide a workspace-specific candidate list ` +
      `(workspace name + endpoint names) so vibecoding-state.llm_role_endpoint_probe can re-bind.`
    );
  });
  return (
    `F4 halted: ${parts.join(' ')} The workshop deliberately has no admin-ticket pathway — gateway creation does ` +
    `not silently downgrade or pick "any healthy" endpoint.`
  );
}

function candidateReasons(role: HaltedRole): string {
  const failing = role.candidates.filter((candidate) => !candidate.passes);
  if (failing.length === 0) return role.candidates.length === 0 ? ' It has no candidates.' : '';
  return ` Candidates that failed: ${failing.map((c) => `${c.endpoint} (${c.failed_checks.join(', ')})`).join('; ')}.`;
}

interface AuditEntries {
  entries: Record<string, Record<string, unknown>>;
  auditTime: unknown;
}

function roleBindings(state: StateData): Record<string, RoleBinding> {
  const raw = state.llm_role_endpoints;
  const bindings: Record<string, RoleBinding> = {};
  if (!isRecord(raw)) return bindings;
  for (const [role, value] of Object.entries(raw)) {
    if (!isRecord(value)) continue;
    bindings[role] = {
      endpoint: typeof value.endpoint === 'string' ? value.endpoint.trim() : null,
      candidates: candidateNames(value.candidates),
      selectedAfterProbe: value.selected_after_probe === true,
      streamingRequired: value.streaming_required === true,
      minContextChars: toNumber(value.min_context_chars),
    };
  }
  return bindings;
}

function candidateNames(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .map((item) => (typeof item === 'string' ? item : isRecord(item) ? (item.endpoint ?? item.name) : undefined))
    .filter((name): name is string => typeof name === 'string' && name.length > 0)
    .map((name) => name.trim());
}

/** The audit is a map keyed by endpoint, possibly under `endpoints:`, or a list of entries naming their endpoint. */
function auditEntries(state: StateData): AuditEntries {
  const raw = state.endpoint_guardrail_audit;
  const entries: Record<string, Record<string, unknown>> = {};
  if (Array.isArray(raw)) {
    for (const item of raw) if (isRecord(item) && typeof item.endpoint === 'string') entries[item.endpoint] = item;
    return { entries, auditTime: undefined };
  }
  if (!isRecord(raw)) return { entries, auditTime: undefined };
  if (Array.isArray(raw.endpoints)) {
    for (const item of raw.endpoints) if (isRecord(item) && typeof item.endpoint === 'string') entries[item.endpoint] = item;
  } else {
    const source = isRecord(raw.endpoints) ? raw.endpoints : raw;
    for (const [name, value] of Object.entries(source)) if (isRecord(value)) entries[name] = value;
  }
  const auditTime = AUDIT_TIME_FIELDS.map((field) => raw[field]).find((value) => value !== undefined && !isRecord(value));
  return { entries, auditTime };
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/**
 * The audit trail of the HTTP transport: one JSON line on stderr per tool call, saying when, who (the proven
 * caller under Databricks Apps, with whom the proxy headers named when that differs, or how the call got in), which tool with which arguments (secrets
 * removed, long values cut), how it ended and how long it took. Databricks Apps keeps stderr as the app log.
 */
import type { Caller } from '../runtime/caller.js';
import { scrubSecrets } from '../shared/tool-error.js';

export type AuditStatus = 'ok' | 'error' | 'input_required' | 'cancelled';

export interface AuditRecord {
  time: string;
  event: 'tool_call';
  tool: string;
  /** The proven caller (Caller.user); null where no one is named (loopback, the server's bearer token). */
  caller: string | null;
  /** Who the Apps proxy headers named, when not the proven caller: informational, anyone reaching the port can type it. */
  claimed_user?: string;
  via: Caller['via'];
  request_id?: string;
  /** Whose rights workspace calls used: the caller's own token, or the server's credentials. */
  acting_as: 'caller' | 'server';
  arguments: unknown;
  status: AuditStatus;
  error_code?: string;
  duration_ms: number;
}

/** Argument names whose string values are credentials: a whole snake_case word of the name says so. */
const SECRET_NAME = /(^|_)(secret|token|password|passwd|api_key|plaintext|private_key|credentials?)(_|$)/i;
const MAX_STRING = 200;
const MAX_ITEMS = 20;
const MAX_DEPTH = 6;

export interface AuditedCall {
  tool: string;
  caller: Caller;
  /** Epoch ms when the call started and ended. */
  started: number;
  finished: number;
  /** Already passed through auditArguments. */
  arguments: unknown;
  status: AuditStatus;
  errorCode?: string;
}

export function auditRecord(call: AuditedCall): AuditRecord {
  return {
    time: new Date(call.started).toISOString(),
    event: 'tool_call',
    tool: call.tool,
    caller: call.caller.user ?? null,
    ...(call.caller.claimedUser && call.caller.claimedUser !== call.caller.user ? { claimed_user: call.caller.claimedUser } : {}),
    via: call.caller.via,
    ...(call.caller.requestId ? { request_id: call.caller.requestId } : {}),
    acting_as: call.caller.workspaceToken ? 'caller' : 'server',
    arguments: call.arguments,
    status: call.status,
    ...(call.errorCode ? { error_code: call.errorCode } : {}),
    duration_ms: call.finished - call.started,
  };
}

/** The arguments as the log may keep them: credentials replaced, known secrets scrubbed, long values cut. */
export function auditArguments(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') {
    const scrubbed = scrubSecrets(value, secrets);
    return scrubbed.length > MAX_STRING ? `${scrubbed.slice(0, MAX_STRING)}… (${scrubbed.length} characters)` : scrubbed;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => auditArguments(item, secrets, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `… (${value.length} items)`] : items;
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, SECRET_NAME.test(key) && typeof item === 'string' ? '[REDACTED]' : auditArguments(item, secrets, depth + 1)]),
  );
}

export function writeAudit(record: AuditRecord): void {
  process.stderr.write(`${JSON.stringify(record)}\n`);
}

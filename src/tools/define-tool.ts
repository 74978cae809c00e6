/**
 * The one seam every tool goes through. A tool declares what it is (name, schemas, operation kind, a text
 * renderer) and a `run` function over plain domain values; this module derives the MCP annotations, applies
 * read-only filtering, maps errors to actionable `isError` results, scrubs secrets, owns the result budget
 * (measuring each result with the tool's own renderer, and shrinking it through the tool's `fit` hook) and hands the tool progress, cancellation and elicitation in protocol-neutral form. No tool can forget one.
 * Over HTTP it also runs each call on the caller's view of the runtime (acting as them when they brought a
 * workspace token), ends that view with the call, and writes the call to the audit trail.
 */
import { registerAppTool } from '@modelcontextprotocol/ext-apps/server';
import {
  CLIENT_CAPABILITIES_META_KEY,
  inputRequired,
  inputResponse,
  isInputRequiredResult,
  type InputRequiredResult,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { Caller } from '../runtime/caller.js';
import type { ErrorCode } from '../shared/error-codes.js';
import { scrubSecrets, ToolError } from '../shared/tool-error.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { identityNote, workspaceLine } from '../use-cases/acting-identity.js';
import { checkArgumentDepth } from './argument-depth.js';
import { auditArguments, auditRecord, writeAudit, type AuditStatus } from './call-audit-log.js';
import { RESULT_CHAR_BUDGET, type Fits } from './result-budget.js';
import { escapeStrings } from './text-format.js';
import { entryOf, listedSchema, type ToolEntry } from './tool-listing.js';

/**
 * `read` never changes anything anywhere; `write` changes a workspace or a file. Annotations and read-only
 * filtering derive from it, so a tool cannot claim one thing in its hints and do another.
 */
export type OperationKind = 'read' | 'write';

export interface ToolCall {
  readonly runtime: Runtime;
  /** Aborted when the caller cancels the request (or the transport closes). */
  readonly signal: AbortSignal;
  /** Sends a progress notification when the caller asked for progress; a no-op otherwise. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** True when the client can answer a form (elicitation), on either protocol era. */
  canElicit(): boolean;
  /**
   * Asks the operator a form (see FormOutcome). `state` round-trips with the form and comes back in the answer
   * (on the 2026 era through the client, so it must be verifiable, e.g. a signed plan id).
   */
  form<S extends z.ZodObject>(key: string, message: string, schema: S, state?: string): Promise<FormOutcome<z.output<S>>>;
  /** The answer to form `key` when this call is the 2026-era retry that carries it. */
  answered<S extends z.ZodObject>(key: string, schema: S): FormAnswer<z.output<S>> | undefined;
  /** The raw SDK context, for the few things the seam does not wrap. */
  readonly ctx: ServerContext;
}

/**
 * `D` is what `run` returns: the result itself, or (for a tool with a `fit` hook) the data the hook shapes into
 * the result.
 */
export interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject, D = z.output<O>> {
  name: string;
  title: string;
  /** Written for an agent: when to use it, what it needs, what comes back, what to do next. */
  description: string;
  kind: OperationKind;
  /** Calling again with the same arguments has no additional effect. */
  idempotent: boolean;
  /** May overwrite or remove existing configuration (only meaningful for `write`). */
  destructive?: boolean;
  /** Reaches outside this machine (a Databricks workspace). */
  openWorld: boolean;
  /** MCP Apps: the `ui://` resource that draws this tool's result where the host renders apps; other hosts ignore it. */
  ui?: { resourceUri: string };
  input: I;
  output: O;
  run(args: z.output<I>, call: ToolCall): Promise<D | InputRequiredResult>;
  /**
   * How the result shrinks to fit the budget (rows to drop, payloads to cut): the largest candidate for which
   * `fits` holds. `fits` measures a candidate exactly as the seam sends it. Without the hook, `run` returns the
   * result, and a result over the budget is refused with RESULT_TOO_LARGE.
   */
  fit?(data: D, fits: Fits<z.output<O>>): z.output<O>;
  /** The compact, faithful text copy of a result (tables rather than pretty JSON). */
  text(result: z.output<O>): string;
}

/**
 * What came of a form: the operator's `answer`; `failed` when the client could not show it (its form handler
 * failed or timed out) — callers then return their structured result as if no form existed; `ask` when the
 * tool must return the input request (2026 era: the client answers on a retry); `unavailable` when the client
 * shows no forms.
 */
export interface FormAnswer<T> {
  kind: 'answer';
  action: 'accept' | 'decline' | 'cancel';
  content: Partial<T>;
  state?: unknown;
}

export type FormOutcome<T> =
  | FormAnswer<T>
  | { kind: 'failed'; reason: string }
  | { kind: 'ask'; request: InputRequiredResult }
  | { kind: 'unavailable' };

/** A person fills the form: allow them time, but not forever. */
const FORM_TIMEOUT_MS = 10 * 60_000;

// Erases the schema generics so tools of different shapes fit in one list.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyToolSpec = ToolSpec<any, any, any>;

export function defineTool<I extends z.ZodObject, O extends z.ZodObject, D = z.output<O>>(spec: ToolSpec<I, O, D>): ToolSpec<I, O, D> {
  return spec;
}

export function annotationsOf(spec: Pick<AnyToolSpec, 'kind' | 'destructive' | 'idempotent' | 'openWorld'>) {
  // The title is the tool's own (tools/list carries it once); annotations carry only the hints.
  return {
    readOnlyHint: spec.kind === 'read',
    destructiveHint: spec.kind === 'write' ? (spec.destructive ?? false) : false,
    idempotentHint: spec.idempotent,
    openWorldHint: spec.openWorld,
  };
}

/**
 * Registers the tools the runtime allows: under read-only mode a `write` tool is never registered at all.
 * `caller` is who the HTTP request came from (undefined on stdio); under Databricks Apps the workspace tools'
 * descriptions end with whose rights their calls use.
 */
export function registerTools(server: McpServer, runtime: Runtime, specs: readonly AnyToolSpec[], caller?: Caller): void {
  registerToolEntries(server, runtime, specs.map(entryOf), caller);
}

/** The same from listings: a tool's module loads when it is first called (tool-listing.ts). */
export function registerToolEntries(server: McpServer, runtime: Runtime, entries: readonly ToolEntry<AnyToolSpec>[], caller?: Caller): void {
  const line = caller ? workspaceLine(runtime.forCaller(caller)) : undefined;
  for (const { listing, load } of entries) {
    if (runtime.readOnly && listing.kind === 'write') continue;
    const config = {
      title: listing.title,
      description: line && listing.openWorld ? `${listing.description}\n${line}` : listing.description,
      inputSchema: listedSchema(listing.inputJson, async () => (await load()).input),
      outputSchema: listedSchema(listing.outputJson, async () => (await load()).output),
      annotations: annotationsOf(listing),
    };
    // The SDK's callback type is generic over the schema; the seam validates nothing itself.
    const handler = (async (args: unknown, ctx: ServerContext) => {
      const spec = await load();
      return caller ? invokeAs(caller, server, runtime, spec, args, ctx) : invoke(server, runtime, spec, args, ctx);
    }) as never;
    // The ext-apps helper also writes the older flat `ui/resourceUri` key that earlier hosts read.
    if (listing.ui) registerAppTool(server, listing.name, { ...config, _meta: { ui: listing.ui } }, handler);
    else server.registerTool(listing.name, config, handler);
  }
}

/** A call over HTTP: on the caller's view of the runtime, ended with the call, and written to the audit trail. */
async function invokeAs(caller: Caller, server: McpServer, shared: Runtime, spec: AnyToolSpec, args: unknown, ctx: ServerContext) {
  const runtime = shared.forCaller(caller);
  const started = Date.now();
  let status: AuditStatus = 'error';
  let errorCode: string | undefined;
  try {
    const result = await invoke(server, runtime, spec, args, ctx);
    if (isInputRequiredResult(result)) status = 'input_required';
    else if (!('isError' in result)) status = 'ok';
    else errorCode = result.structuredContent.error.code;
    return result;
  } finally {
    await runtime.endCall();
    if (ctx.mcpReq.signal.aborted) status = 'cancelled';
    writeAudit(auditRecord({ tool: spec.name, caller, started, finished: Date.now(), arguments: auditArguments(args, [...runtime.secrets]), status, errorCode }));
  }
}

async function invoke(server: McpServer, runtime: Runtime, spec: AnyToolSpec, args: unknown, ctx: ServerContext) {
  const call = toolCall(server, runtime, ctx);
  try {
    checkArgumentDepth(args);
    const data = await spec.run(args, call);
    if (isInputRequiredResult(data)) return data;
    const result = (spec.fit ? spec.fit(data, (candidate) => measure(spec, candidate).size <= RESULT_CHAR_BUDGET) : data) as Record<string, unknown>;
    const { text, json, size } = measure(spec, result);
    if (size > RESULT_CHAR_BUDGET) {
      throw new ToolError(
        `The ${spec.name} result is too large to return (${size} characters)`,
        `results are capped at about 25,000 tokens so they fit an agent's context`,
        'Narrow the request: a shorter time window, more filters, or a smaller limit',
        'RESULT_TOO_LARGE',
      );
    }
    return {
      content: [{ type: 'text' as const, text: scrubSecrets(text, [...runtime.secrets]) }],
      structuredContent: withoutKnownSecrets(json, result, runtime),
    };
  } catch (error) {
    if (!(error instanceof ToolError)) await logUnexpected(spec.name, error, runtime, ctx);
    return errorResult(spec.name, error, runtime);
  }
}

/**
 * A result as it is sent: the text copy and the structured JSON, and their size against the budget. Renderers
 * print values from callers, files and the workspace: none may start a line of its own.
 */
function measure(spec: AnyToolSpec, result: unknown): { text: string; json: string; size: number } {
  const text = spec.text(escapeStrings(result));
  const json = JSON.stringify(result);
  return { text, json, size: text.length + json.length };
}

/**
 * The server's own credentials never leave in structured content either. Only known secret values are replaced
 * here, not token-shaped text in general: a payload the caller asked to see unredacted stays as it is.
 */
function withoutKnownSecrets(json: string, result: Record<string, unknown>, runtime: Runtime): Record<string, unknown> {
  const present = [...runtime.secrets].filter((secret) => secret.length >= 6 && json.includes(secret));
  if (present.length === 0) return result;
  const scrubbed = present.reduce((text, secret) => text.split(secret).join('[REDACTED]'), json);
  return JSON.parse(scrubbed) as Record<string, unknown>;
}

/**
 * An error result: the text says what happened, why and what to do next; structured content carries the same
 * with a stable `code` an agent can branch on (`UNEXPECTED` for a failure no code path anticipated).
 */
function errorResult(tool: string, error: unknown, runtime: Runtime) {
  const scrub = (text: string) => scrubSecrets(text, [...runtime.secrets]);
  // Under Databricks Apps, whose rights fell short: the caller's or the app's service principal's.
  const note = error instanceof ToolError ? identityNote(runtime) : undefined;
  const detail =
    error instanceof ToolError
      ? { code: error.code, what: error.what, why: error.why, next: note ? `${error.next}. ${note}` : error.next }
      : {
          code: 'UNEXPECTED' satisfies ErrorCode,
          what: `${tool} failed unexpectedly`,
          why: describe(error),
          next: 'Retry once; if it fails again, report it with the arguments you used',
        };
  const text = error instanceof ToolError ? (note ? `${error.message}. ${note}.` : error.message) : `${detail.what}: ${detail.why}. ${detail.next}.`;
  return {
    isError: true,
    content: [{ type: 'text' as const, text: scrub(text) }],
    structuredContent: { error: { code: detail.code, what: scrub(detail.what), why: scrub(detail.why), next: scrub(detail.next) } },
  };
}

/** A failure no code path anticipated is a bug: it goes to the client's log (level error) and to stderr, scrubbed. */
async function logUnexpected(tool: string, error: unknown, runtime: Runtime, ctx: ServerContext): Promise<void> {
  const message = scrubSecrets(describe(error), [...runtime.secrets]);
  const stack = error instanceof Error && error.stack ? scrubSecrets(error.stack, [...runtime.secrets]) : undefined;
  process.stderr.write(`ai-gateway-mcp: ${tool} failed unexpectedly: ${stack ?? message}\n`);
  try {
    await ctx.mcpReq.log('error', { tool, message }, 'ai-gateway-mcp');
  } catch {
    // The log is advisory: a client that cannot take it (or a closed transport) must not change the result.
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  // Some drivers throw plain objects (e.g. @databricks/sql's StatusError); keep their message only.
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

/** On the 2026 era each request carries the client's capabilities; on the 2025 era they came with initialize. */
function isModern(ctx: ServerContext): boolean {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  return envelope?.[CLIENT_CAPABILITIES_META_KEY] !== undefined;
}

function clientCapabilities(server: McpServer, ctx: ServerContext): { elicitation?: unknown } | undefined {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  return (envelope?.[CLIENT_CAPABILITIES_META_KEY] ?? server.server.getClientCapabilities()) as { elicitation?: unknown } | undefined;
}

function toolCall(server: McpServer, runtime: Runtime, ctx: ServerContext): ToolCall {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  const signal = ctx.mcpReq.signal;
  return {
    runtime,
    signal,
    ctx,
    async progress(progress, total, message) {
      // After a cancel the transport may be gone; a notification then only raises "Not connected".
      if (progressToken === undefined || signal.aborted) return;
      try {
        await ctx.mcpReq.notify({
          method: 'notifications/progress',
          params: { progressToken, progress, ...(total === undefined ? {} : { total }), ...(message ? { message } : {}) },
        });
      } catch {
        // Progress is advisory: a lost notification must not fail the call.
      }
    },
    canElicit() {
      return Boolean(clientCapabilities(server, ctx)?.elicitation);
    },
    answered(key, schema) {
      const answer = inputResponse(ctx.mcpReq.inputResponses as Record<string, unknown> | undefined, key);
      if (answer.kind !== 'elicit') return undefined;
      const content = (schema.safeParse(answer.content ?? {}).data ?? {}) as Partial<z.output<typeof schema>>;
      return { kind: 'answer', action: answer.action, content, state: ctx.mcpReq.requestState<unknown>() };
    },
    async form(key, message, schema, state) {
      const earlier = this.answered(key, schema);
      if (earlier) return earlier;
      if (!clientCapabilities(server, ctx)?.elicitation) return { kind: 'unavailable' };
      const request = inputRequired.elicit({ message, requestedSchema: schema });
      if (isModern(ctx)) return { kind: 'ask', request: inputRequired({ inputRequests: { [key]: request }, ...(state === undefined ? {} : { requestState: state }) }) };
      // 2025 era: ask here and now, so a form that fails or times out still ends in this tool's own result.
      try {
        const result = await ctx.mcpReq.elicitInput(request.params as Parameters<ServerContext['mcpReq']['elicitInput']>[0], { signal, timeout: FORM_TIMEOUT_MS });
        const content = (schema.safeParse(result.content ?? {}).data ?? {}) as Partial<z.output<typeof schema>>;
        return { kind: 'answer', action: result.action, content, state };
      } catch (error) {
        if (signal.aborted) throw error;
        return { kind: 'failed', reason: scrubSecrets(describe(error), [...runtime.secrets]) };
      }
    },
  };
}

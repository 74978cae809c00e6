/**
 * The one seam every tool goes through. A tool declares what it is (name, schemas, operation kind, a text
 * renderer) and a `run` function over plain domain values; this module derives the MCP annotations, applies
 * read-only filtering, maps errors to actionable `isError` results, scrubs secrets, enforces the size budget
 * and hands the tool progress, cancellation and elicitation in protocol-neutral form. No tool can forget one.
 */
import { registerAppTool } from '@modelcontextprotocol/ext-apps/server';
import {
  CLIENT_CAPABILITIES_META_KEY,
  isInputRequiredResult,
  type InputRequiredResult,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { scrubSecrets, ToolError } from '../errors.js';
import type { Runtime } from '../runtime.js';

/**
 * `read` never changes anything anywhere; `write` changes a workspace or a file. Annotations and read-only
 * filtering derive from it, so a tool cannot claim one thing in its hints and do another.
 */
export type OperationKind = 'read' | 'write';

/** About 25,000 tokens at ~4 characters a token: the most any result may carry. */
export const RESULT_CHAR_BUDGET = 100_000;

export interface ToolCall {
  readonly runtime: Runtime;
  /** Aborted when the caller cancels the request (or the transport closes). */
  readonly signal: AbortSignal;
  /** Sends a progress notification when the caller asked for progress; a no-op otherwise. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** True when the client can answer a form (elicitation), on either protocol era. */
  canElicit(): boolean;
  /** Answers to earlier `inputRequired` requests, on the retry of a multi-round-trip call. */
  readonly inputResponses: unknown;
  /** The raw SDK context, for the few things the seam does not wrap. */
  readonly ctx: ServerContext;
}

export interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject> {
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
  run(args: z.output<I>, call: ToolCall): Promise<z.output<O> | InputRequiredResult>;
  /** The compact, faithful text copy of a result (tables rather than pretty JSON). */
  text(result: z.output<O>): string;
}

// Erases the schema generics so tools of different shapes fit in one list.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyToolSpec = ToolSpec<any, any>;

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(spec: ToolSpec<I, O>): ToolSpec<I, O> {
  return spec;
}

export function annotationsOf(spec: AnyToolSpec) {
  return {
    title: spec.title,
    readOnlyHint: spec.kind === 'read',
    destructiveHint: spec.kind === 'write' ? (spec.destructive ?? false) : false,
    idempotentHint: spec.idempotent,
    openWorldHint: spec.openWorld,
  };
}

/** Registers the tools the runtime allows: under read-only mode a `write` tool is never registered at all. */
export function registerTools(server: McpServer, runtime: Runtime, specs: readonly AnyToolSpec[]): void {
  for (const spec of specs) {
    if (runtime.readOnly && spec.kind === 'write') continue;
    const config = {
      title: spec.title,
      description: spec.description,
      inputSchema: spec.input,
      outputSchema: spec.output,
      annotations: annotationsOf(spec),
    };
    // The SDK's callback type is generic over the schema; the seam validates nothing itself.
    const handler = (async (args: unknown, ctx: ServerContext) => invoke(server, runtime, spec, args, ctx)) as never;
    // The ext-apps helper also writes the older flat `ui/resourceUri` key that earlier hosts read.
    if (spec.ui) registerAppTool(server, spec.name, { ...config, _meta: { ui: spec.ui } }, handler);
    else server.registerTool(spec.name, config, handler);
  }
}

async function invoke(server: McpServer, runtime: Runtime, spec: AnyToolSpec, args: unknown, ctx: ServerContext) {
  const call = toolCall(server, runtime, ctx);
  try {
    const result = await spec.run(args, call);
    if (isInputRequiredResult(result)) return result;
    const text = spec.text(result);
    const json = JSON.stringify(result);
    const size = text.length + json.length;
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
      structuredContent: withoutKnownSecrets(json, result as Record<string, unknown>, runtime),
    };
  } catch (error) {
    return errorResult(spec.name, error, runtime);
  }
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

function errorResult(tool: string, error: unknown, runtime: Runtime) {
  const text =
    error instanceof ToolError
      ? error.message
      : `${tool} failed unexpectedly: ${describe(error)}. Retry once; if it fails again, report it with the arguments you used.`;
  return { isError: true, content: [{ type: 'text' as const, text: scrubSecrets(text, [...runtime.secrets]) }] };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  // Some drivers throw plain objects (e.g. @databricks/sql's StatusError); keep their message only.
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

function toolCall(server: McpServer, runtime: Runtime, ctx: ServerContext): ToolCall {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  const signal = ctx.mcpReq.signal;
  return {
    runtime,
    signal,
    ctx,
    inputResponses: (ctx.mcpReq as { inputResponses?: unknown }).inputResponses,
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
      const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
      const caps = (envelope?.[CLIENT_CAPABILITIES_META_KEY] ?? server.server.getClientCapabilities()) as
        | { elicitation?: unknown }
        | undefined;
      return Boolean(caps?.elicitation);
    },
  };
}

/**
 * Databricks error answers turned into errors an agent can act on. The body `{error_code, message}` says what
 * the workspace objected to; the status says what kind of problem it is; the operation and resource say what
 * we were doing. Branches on `error_code` first, as the SDKs do, and falls back to the HTTP status.
 */
import { ToolError } from '../shared/tool-error.js';

export interface ErrorContext {
  /** What we were doing, e.g. "Creating serving endpoint skyloyalty-ai-gateway". */
  operation: string;
  host: string;
  /** Who can grant what is missing when the workspace answers 403 for this operation. */
  whoCanGrant?: string;
  /** The user whose own token the call carried (Databricks Apps user authorization), when it was not the server's. */
  actingAs?: string;
}

/** A refusal from the workspace, keeping the status and code so callers can branch on them. */
export class DatabricksError extends ToolError {
  constructor(
    what: string,
    why: string,
    next: string,
    readonly status: number,
    readonly errorCode: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(what, why, next, `DATABRICKS_${errorCode}`);
  }
}

export interface ParsedErrorBody {
  errorCode?: string;
  message?: string;
  requestId?: string;
}

/** Reads the error body shapes the SDKs accept: `{error_code, message}`, `{error}`, `CODE: message` text, HTML. */
export function parseErrorBody(text: string): ParsedErrorBody {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const body = JSON.parse(trimmed) as Record<string, unknown>;
      const details = Array.isArray(body.details) ? (body.details as Array<Record<string, unknown>>) : [];
      const requestId = details.map((d) => d.request_id).find((id): id is string => typeof id === 'string');
      return {
        // A numeric error_code (some legacy APIs) means "absent: use the status".
        errorCode: typeof body.error_code === 'string' ? body.error_code : undefined,
        message: typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : undefined,
        requestId,
      };
    } catch {
      // Not JSON after all: fall through to the text shapes.
    }
  }
  const coded = /^([A-Z][A-Z_]+):\s*(.+)$/s.exec(trimmed);
  if (coded) return { errorCode: coded[1], message: coded[2] };
  if (trimmed.startsWith('<')) {
    const title = /<title>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim();
    return { message: title || 'the workspace answered with an HTML page' };
  }
  return { message: trimmed.slice(0, 300) || undefined };
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'RESOURCE_CONFLICT',
  429: 'REQUEST_LIMIT_EXCEEDED',
  500: 'INTERNAL_ERROR',
  501: 'NOT_IMPLEMENTED',
  503: 'TEMPORARILY_UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function apiError(status: number, bodyText: string, context: ErrorContext, retryAfterSeconds?: number): DatabricksError {
  const body = parseErrorBody(bodyText);
  const errorCode = body.errorCode ?? CODE_BY_STATUS[status] ?? `HTTP_${status}`;
  const reported = body.message ? `${errorCode}: ${body.message}` : errorCode;
  const why = `the workspace ${context.host} answered HTTP ${status} (${reported})${body.requestId ? `, request id ${body.requestId}` : ''}`;
  return new DatabricksError(`${context.operation} failed`, why, nextStep(status, errorCode, context, retryAfterSeconds), status, errorCode, retryAfterSeconds);
}

function nextStep(status: number, errorCode: string, context: ErrorContext, retryAfterSeconds: number | undefined): string {
  if (context.actingAs && (status === 401 || errorCode === 'UNAUTHENTICATED')) {
    return `The workspace refused the token of ${context.actingAs} that the Databricks Apps proxy forwarded: sign in to the app again; if it persists, the app's user authorization may lack the scope this API needs (the app's user API scopes)`;
  }
  if (status === 401 || errorCode === 'UNAUTHENTICATED') {
    return 'Check the credentials: DATABRICKS_TOKEN may be expired or revoked, or DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET may be wrong; also check that DATABRICKS_HOST is the workspace they belong to';
  }
  if (status === 403 || errorCode === 'PERMISSION_DENIED') {
    return context.whoCanGrant ?? 'Ask a workspace admin to grant the permission the message names to the principal these credentials belong to';
  }
  if (status === 404 || errorCode === 'RESOURCE_DOES_NOT_EXIST' || errorCode === 'ENDPOINT_NOT_FOUND') {
    return 'Check the name; list the serving endpoints of the workspace to see which exist';
  }
  if (errorCode === 'RESOURCE_ALREADY_EXISTS' || errorCode === 'ALREADY_EXISTS') {
    return 'Something with that name already exists: plan again to plan against it';
  }
  if (status === 409 || errorCode === 'RESOURCE_CONFLICT' || errorCode === 'ABORTED') {
    return 'Another change is in progress on this resource: wait until the endpoint\'s config_update is NOT_UPDATING, then plan again';
  }
  if (status === 429) {
    return `The workspace is rate limiting these calls even after retries; wait ${retryAfterSeconds ?? 60} seconds and try again`;
  }
  if (status === 400) return 'Fix the field the message names (validating the body first shows such problems), then try again';
  if (status >= 500) return 'The workspace had a transient problem that outlasted the retries; try again in a minute, and check the workspace status page if it persists';
  return 'Check the message above; if it is unclear, retry once and report it with the request id';
}

/** A failure to reach the workspace at all (DNS, refused, reset, TLS, timeout). */
export function connectionError(error: unknown, context: ErrorContext): ToolError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const tls = /certificate|self[- ]signed|CERT_|SSL|TLS/i.test(`${code ?? ''} ${message}`);
  return new ToolError(
    `${context.operation} failed`,
    `could not reach ${context.host} (${code ?? 'connection error'}: ${message})`,
    tls
      ? 'The TLS certificate is not trusted: for a workspace with a private CA set NODE_EXTRA_CA_CERTS to its PEM file'
      : 'Check DATABRICKS_HOST and the network (proxy, VPN); if you meant the local sandbox, start the server with --sandbox',
    'WORKSPACE_UNREACHABLE',
  );
}

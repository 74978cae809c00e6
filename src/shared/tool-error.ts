/**
 * The one error type the domain raises for a caller to act on. Every tool turns it into an `isError`
 * result whose text says what happened, why, and the next step, so no tool formats errors by hand.
 */
import type { ErrorCode } from './error-codes.js';

export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    /** What happened, e.g. "Cannot read the state file ./state.yaml". */
    readonly what: string,
    /** Why, e.g. "YAML syntax error at line 4: bad indentation". */
    readonly why: string,
    /** The next step for the agent or operator. */
    readonly next: string,
    /** A stable machine-readable code, e.g. `FILE_UNREADABLE`. */
    readonly code: ErrorCode,
  ) {
    super(`${what}: ${why}. ${next}`);
  }
}

const SECRET_PATTERNS: RegExp[] = [
  /\bdapi[0-9a-f]{32}(-\d+)?\b/gi,
  /\bdose[0-9a-f]{32}\b/gi,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/g,
  /\bsk-[A-Za-z0-9_-]{16,}\b/g,
];

/**
 * Removes anything token-shaped from text that leaves the process (tool errors, logs). A last line of defence:
 * code must not put secrets in messages in the first place; this catches what a library echoed back.
 */
export function scrubSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) {
    if (secret.length >= 6) out = out.split(secret).join('[REDACTED]');
  }
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, '[REDACTED]');
  return out;
}

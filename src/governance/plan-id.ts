/**
 * plan_id: proof that an apply carries out the plan a reviewer saw. It binds the endpoint name, the digest of
 * the planned result, the digest of the live state the plan was made against, an expiry and the plan's author
 * (the proven caller under Databricks Apps: the forwarded token's owner, or the app itself without user authorization), under an HMAC whose key is AIGW_PLAN_SECRET
 * or the installation's own key. An id from elsewhere (or altered) fails the MAC; an old one fails the expiry;
 * one made by someone else fails the author; an id for other arguments or an endpoint that changed meanwhile
 * fails the digests.
 */
import { createHmac, timingSafeEqual } from '../shared/lazy-crypto.js';
import { ToolError } from '../shared/tool-error.js';

export interface PlanClaims {
  /** Endpoint name. */
  endpoint: string;
  planDigest: string;
  liveDigest: string;
  /** Expiry, epoch seconds. */
  expiresAt: number;
  /** Who made the plan and alone may apply it; absent where callers are not named (stdio, the server's bearer token). */
  author?: string;
}

export const DEFAULT_PLAN_TTL_SECONDS = 15 * 60;
const VERSION = 'p2';

/** The signing key from AIGW_PLAN_SECRET when it is set; undefined when it is not. */
export function planKey(secret: string | undefined): Buffer | undefined {
  if (secret !== undefined && secret.length > 0) {
    if (secret.length < 32) {
      throw new ToolError('AIGW_PLAN_SECRET is too short', 'a plan signing key needs at least 32 characters to resist guessing', 'Set AIGW_PLAN_SECRET to a random value of 32 or more characters (e.g. `openssl rand -hex 32`), or unset it', 'PLAN_SECRET_WEAK');
    }
    return Buffer.from(secret);
  }
  return undefined;
}

export function signPlan(key: Buffer, claims: PlanClaims): string {
  const payload = Buffer.from(JSON.stringify([VERSION, claims.endpoint, claims.planDigest, claims.liveDigest, claims.expiresAt, claims.author ?? null])).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

export type PlanIdProblem = 'not issued here' | 'expired';

/** Checks integrity and expiry; returns the claims, or throws a ToolError saying why the id is refused. */
export function verifyPlanId(key: Buffer, planId: string, nowSeconds: number = Date.now() / 1000): PlanClaims {
  const [payload, signature, extra] = planId.split('.');
  const refuse = (problem: PlanIdProblem, why: string) =>
    new ToolError(
      `The plan_id was refused (${problem})`,
      why,
      'Plan again, review the plan, and apply with the plan_id it returns',
      problem === 'expired' ? 'PLAN_ID_EXPIRED' : 'PLAN_ID_UNKNOWN',
    );
  if (!payload || !signature || extra !== undefined || !safeEqual(signature, mac(key, payload))) {
    throw refuse('not issued here', 'it was not issued by this installation of the server, or it was altered (its signature does not match)');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw refuse('not issued here', 'its content is not readable');
  }
  if (!Array.isArray(parsed) || parsed[0] !== VERSION || parsed.length !== 6) throw refuse('not issued here', 'its content has the wrong shape');
  const [, endpoint, planDigest, liveDigest, expiresAt, author] = parsed as [string, string, string, string, number, string | null];
  if (!(nowSeconds < expiresAt)) {
    throw refuse('expired', `it expired at ${new Date(expiresAt * 1000).toISOString()}; a plan is only valid for a short time because the endpoint may change`);
  }
  return { endpoint, planDigest, liveDigest, expiresAt, ...(author === null ? {} : { author }) };
}

/** Refuses an apply by anyone but the plan's author, naming who may apply it. */
export function checkPlanAuthor(claims: PlanClaims, caller: string | undefined): void {
  if (claims.author === caller) return;
  if (claims.author === undefined) {
    throw new ToolError(
      'The plan_id was refused (not yours)',
      `it was made by a caller this server does not name (over stdio or with the server's own token), and ${caller} is applying it`,
      'Plan again yourself, review the plan, and apply with the plan_id it returns',
      'PLAN_ID_NOT_YOURS',
    );
  }
  throw new ToolError(
    'The plan_id was refused (not yours)',
    `it belongs to ${claims.author}, who made the plan, and only they may apply it${caller ? `; you are ${caller}` : ''}`,
    `Ask ${claims.author} to apply it, or plan again yourself and apply with the plan_id it returns`,
    'PLAN_ID_NOT_YOURS',
  );
}

/** Compares a verified id with the plan computed now; throws when it was made for other arguments or other live state. */
export function checkPlanMatches(claims: PlanClaims, current: Omit<PlanClaims, 'expiresAt'>): void {
  const stale = (why: string) =>
    new ToolError('The plan_id is stale', why, 'Plan again to see the current differences, then apply with the new plan_id', 'PLAN_ID_STALE');
  if (claims.endpoint !== current.endpoint) throw stale(`it was issued for endpoint ${claims.endpoint}, not ${current.endpoint}`);
  if (claims.planDigest !== current.planDigest) throw stale('it was issued for different arguments or a different state file (the desired gateway differs)');
  if (claims.liveDigest !== current.liveDigest) throw stale('the endpoint, its grants or the state file changed since the plan was made');
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

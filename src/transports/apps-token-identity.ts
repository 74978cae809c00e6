/**
 * Who a token forwarded by the Apps proxy (X-Forwarded-Access-Token) belongs to, as the workspace says
 * (use-cases/caller-identity.ts asks it). The headers
 * that name the user can be typed by anyone who reaches the port (Databricks Apps best practices: an app "can't
 * depend on the origin of requests"); the token cannot be made up, so only its answer says who the caller is.
 * Answers are kept briefly per SHA-256 digest of the token (never the token itself), so a session's calls ask once.
 */
import { createHash } from '../shared/lazy-crypto.js';
import type { TokenIdentity } from '../use-cases/caller-identity.js';

/** The workspace's answer for a token; never throws (a failure is an `unverified` or `refused` answer). */
export type AskWorkspace = (token: string) => Promise<TokenIdentity>;

export type { TokenIdentity };

/** How long an answer is reused: short, so a revoked token or a removed user is noticed within a minute. */
export const TOKEN_IDENTITY_TTL_MS = 60_000;
/** At most this many digests are remembered; the oldest goes first. */
const MAX_REMEMBERED = 1_000;

export class TokenIdentities {
  private readonly known = new Map<string, { expires: number; answer: Promise<TokenIdentity> }>();

  constructor(
    private readonly ask: AskWorkspace,
    private readonly now: () => number = Date.now,
  ) {}

  /** The identity the workspace gives `token`; concurrent requests with one token share one question. */
  identify(token: string): Promise<TokenIdentity> {
    const digest = createHash('sha256').update(token).digest('hex');
    const now = this.now();
    const cached = this.known.get(digest);
    if (cached && cached.expires > now) return cached.answer;
    this.known.delete(digest);
    if (this.known.size >= MAX_REMEMBERED) this.known.delete(this.known.keys().next().value as string);
    // `ask` settles with an answer; should it throw all the same, the caller is unverified, not let in.
    const answer = this.ask(token).catch((error: unknown): TokenIdentity => ({ unverified: error instanceof Error ? error.message : String(error) }));
    this.known.set(digest, { expires: now + TOKEN_IDENTITY_TTL_MS, answer });
    // Only a proven identity is kept: a refusal or a failure is asked again next time.
    void answer.then((found) => {
      if (!('user' in found)) this.known.delete(digest);
    });
    return answer;
  }
}

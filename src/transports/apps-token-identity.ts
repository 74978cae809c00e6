/**
 * Who a token forwarded by the Apps proxy (X-Forwarded-Access-Token) belongs to, as the workspace says: SCIM
 * `GET /api/2.0/preview/scim/v2/Me` with that token (databricks-sdk-py iam.py CurrentUserAPI.me). The headers
 * that name the user can be typed by anyone who reaches the port (Databricks Apps best practices: an app "can't
 * depend on the origin of requests"); the token cannot be made up, so only its answer says who the caller is.
 * Answers are kept briefly per SHA-256 digest of the token (never the token itself), so a session's calls ask once.
 */
import { createHash } from '../shared/lazy-crypto.js';
import { DatabricksError } from '../databricks/databricks-errors.js';
import { ToolError } from '../shared/tool-error.js';

/** The workspace's userName for a token (an e-mail for a user, an application id for a service principal). */
export type AskWorkspace = (token: string) => Promise<string | undefined>;

export type TokenIdentity = { user: string } | { refused: string } | { unverified: string };

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
    const answer = this.lookUp(token);
    this.known.set(digest, { expires: now + TOKEN_IDENTITY_TTL_MS, answer });
    // Only a proven identity is kept: a refusal or a failure is asked again next time.
    void answer.then((found) => {
      if (!('user' in found)) this.known.delete(digest);
    });
    return answer;
  }

  private async lookUp(token: string): Promise<TokenIdentity> {
    try {
      const user = await this.ask(token);
      return user ? { user } : { unverified: 'the workspace named no user for the token' };
    } catch (error) {
      if (error instanceof DatabricksError && (error.status === 401 || error.status === 403)) {
        return { refused: `asked who the token belongs to, ${error.why}` };
      }
      return { unverified: error instanceof ToolError ? error.why : error instanceof Error ? error.message : String(error) };
    }
  }
}

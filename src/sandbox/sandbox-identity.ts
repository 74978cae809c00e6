/**
 * Who is calling: personal access tokens, OAuth M2M clients and the short-lived tokens they obtain, and
 * which principals may change the workspace (everyone authenticated may read).
 */
import { randomBytes } from 'node:crypto';
import { ADMIN, AGENT_SP, OPS_GROUP, SERVICE_PRINCIPALS, TEAMS, USERS } from './seed/seed-catalog.js';

interface IssuedToken {
  principal: string;
  /** Epoch ms; undefined for personal access tokens, which do not expire. */
  expiresAt?: number;
}

export type Authentication = { principal: string } | { problem: string };

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export class Identities {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly clients = new Map<string, string>();
  private readonly managers = new Set<string>([ADMIN, AGENT_SP]);
  private readonly principals = new Set<string>([
    ADMIN,
    ...USERS,
    ...SERVICE_PRINCIPALS,
    OPS_GROUP,
    ...TEAMS,
    'users',
    'account users',
  ]);
  readonly adminToken: string;
  readonly oauthClient: { clientId: string; clientSecret: string };

  constructor(
    private readonly tokenTtlSeconds: number,
    /** The clock OAuth tokens expire by; tests move it rather than wait. */
    private readonly now: () => number = Date.now,
  ) {
    this.adminToken = this.addToken(ADMIN);
    this.oauthClient = { clientId: AGENT_SP, clientSecret: `dose${hex(16)}` };
    this.clients.set(this.oauthClient.clientId, this.oauthClient.clientSecret);
  }

  addToken(principal: string): string {
    const token = `dapi${hex(16)}`;
    this.tokens.set(token, { principal });
    this.principals.add(principal);
    return token;
  }

  /** OAuth client-credentials grant; undefined when the client id or secret is wrong. */
  issueOAuthToken(clientId: string, clientSecret: string): { token: string; expiresIn: number } | undefined {
    if (this.clients.get(clientId) !== clientSecret) return undefined;
    const token = hex(32);
    this.tokens.set(token, { principal: clientId, expiresAt: this.now() + this.tokenTtlSeconds * 1000 });
    return { token, expiresIn: this.tokenTtlSeconds };
  }

  authenticate(token: string): Authentication {
    const issued = this.tokens.get(token);
    if (!issued) return { problem: 'Invalid access token.' };
    if (issued.expiresAt !== undefined && this.now() >= issued.expiresAt) {
      this.tokens.delete(token);
      return { problem: 'The OAuth access token has expired. Request a new one from /oidc/v1/token.' };
    }
    return { principal: issued.principal };
  }

  principalOf(token: string): string | undefined {
    const result = this.authenticate(token);
    return 'principal' in result ? result.principal : undefined;
  }

  /** Workspace admins: they create, change and delete serving endpoints and change grants. */
  canManage(principal: string): boolean {
    return this.managers.has(principal);
  }

  /**
   * The metastore admin owns every securable the seed created and passes every Unity Catalog check. Only the
   * admin: the agent service principal manages the workspace but reads and writes Unity Catalog by its grants.
   */
  isMetastoreAdmin(principal: string): boolean {
    return principal === ADMIN;
  }

  /** Users, groups and service principals a grant may name. */
  knows(principal: string): boolean {
    return this.principals.has(principal);
  }
}

/**
 * Who made an HTTP request, as the transport established it. Under Databricks Apps the forwarded user token
 * says who they are (apps-proxy-access.ts); elsewhere the transport only knows how the request got in.
 * Use cases read it (through the request's runtime view) to act as the caller and to bind plans to their author.
 */
export interface Caller {
  /** How the request was admitted: by the Databricks Apps proxy, the server's bearer token, or loopback. */
  readonly via: 'databricks-apps' | 'bearer-token' | 'loopback';
  /**
   * Who the caller is, as far as can be proven, and so who plans bind to. Under Databricks Apps with user
   * authorization: the workspace's userName for the forwarded token (an e-mail for a user); without it, the app
   * itself (`app:<app name>`), since every caller then acts as the app. Undefined outside Apps, where no one is named.
   */
  readonly user?: string;
  /** Who the Apps proxy's headers named (X-Forwarded-Email, else -Preferred-Username, else -User): informational only. */
  readonly claimedUser?: string;
  /** The proxy's id for this request (X-Request-Id), to find it again in the proxy's logs. */
  readonly requestId?: string;
  /**
   * The caller's own workspace token (X-Forwarded-Access-Token, when the app has user authorization). A function
   * rather than a value so that printing or serialising a Caller can never show it.
   */
  readonly workspaceToken?: () => string;
}

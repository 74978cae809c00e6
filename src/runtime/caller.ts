/**
 * Who made an HTTP request, as the transport established it. Under Databricks Apps the Apps proxy has
 * authenticated the user and says who they are; elsewhere the transport only knows how the request got in.
 * Use cases read it (through the request's runtime view) to act as the caller and to bind plans to their author.
 */
export interface Caller {
  /** How the request was admitted: by the Databricks Apps proxy, the server's bearer token, or loopback. */
  readonly via: 'databricks-apps' | 'bearer-token' | 'loopback';
  /**
   * The person or service principal the Apps proxy authenticated, by the most readable name it sent: their
   * e-mail, else their preferred user name, else the user id. Undefined outside Apps, where no one is named.
   */
  readonly user?: string;
  /** The proxy's id for this request (X-Request-Id), to find it again in the proxy's logs. */
  readonly requestId?: string;
  /**
   * The caller's own workspace token (X-Forwarded-Access-Token, when the app has user authorization). A function
   * rather than a value so that printing or serialising a Caller can never show it.
   */
  readonly workspaceToken?: () => string;
}

/**
 * Who the credentials belong to (`GET /api/2.0/preview/scim/v2/Me`, SDK `iam.CurrentUserAPI.me`): the cheapest
 * call that proves the host, the token and the identity at once. Read-only.
 */
import type { RestClient } from './rest-client.js';

export interface CurrentUser {
  id?: string;
  userName?: string;
  displayName?: string;
  active?: boolean;
}

export class CurrentUserApi {
  constructor(private readonly rest: RestClient) {}

  async me(signal?: AbortSignal): Promise<CurrentUser> {
    const { data } = await this.rest.call<CurrentUser>({ method: 'GET', path: '/api/2.0/preview/scim/v2/Me', signal, operation: 'Reading who these credentials belong to' });
    return data;
  }
}

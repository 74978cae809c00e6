/**
 * How a Caller travels from the HTTP transport to the tool handlers: inside the SDK's pass-through AuthInfo,
 * which the Node adapter takes from `req.auth` and hands to the server factory and every handler's context.
 */
import type { AuthInfo } from '@modelcontextprotocol/server';
import type { Caller } from '../runtime/caller.js';

const CALLER_KEY = 'aigw.caller';

/** AuthInfo carrying `caller`; `token` is what the client presented to this server itself, if anything. */
export function authInfoFor(caller: Caller, token = ''): AuthInfo {
  return { token, clientId: caller.via, scopes: [], extra: { [CALLER_KEY]: caller } };
}

export function callerOf(authInfo: AuthInfo | undefined): Caller | undefined {
  return authInfo?.extra?.[CALLER_KEY] as Caller | undefined;
}

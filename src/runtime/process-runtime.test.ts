import { describe, expect, it } from 'vitest';
import { Runtime } from './process-runtime.js';

describe('a call’s view of the runtime', () => {
  const caller = (token?: string) => ({ via: 'databricks-apps' as const, user: 'alice@example.com', ...(token ? { workspaceToken: () => token } : {}) });

  it('shares process services, but keeps what holds a caller’s token to the call and closes it with the call', async () => {
    const runtime = new Runtime({ env: {} });
    const shared = runtime.service('pool', () => ({}));
    const closed: string[] = [];
    const call = runtime.forCaller(caller('user-token-1'));
    expect(call.service('pool', () => ({}))).toBe(shared);
    const client = call.scopedService('client', (onEnd) => {
      onEnd(() => void closed.push('client'));
      return {};
    });
    expect(call.scopedService('client', () => ({}))).toBe(client);
    expect(runtime.forCaller(caller('user-token-2')).scopedService('client', () => ({}))).not.toBe(client);
    await call.endCall();
    expect(closed).toEqual(['client']);
    await runtime.close();
    expect(closed).toEqual(['client']);
  });

  it('without a caller token acts as the server: scoped services are the process’s', async () => {
    const runtime = new Runtime({ env: {} });
    const closed: string[] = [];
    const first = runtime.forCaller(caller()).scopedService('client', (onEnd) => {
      onEnd(() => void closed.push('client'));
      return {};
    });
    const view = runtime.forCaller(caller());
    expect(view.scopedService('client', () => ({}))).toBe(first);
    expect(view.identityKey).toBe('');
    await view.endCall();
    expect(closed).toEqual([]);
    await runtime.close();
    expect(closed).toEqual(['client']);
  });

  it('scrubs the caller’s token for that call only, and process secrets learned later for every call', () => {
    const runtime = new Runtime({ env: { DATABRICKS_TOKEN: 'server-token' } });
    const call = runtime.forCaller(caller('user-token-1'));
    call.base.secrets.add('learned-later');
    expect([...call.secrets]).toEqual(expect.arrayContaining(['server-token', 'learned-later', 'user-token-1']));
    expect([...runtime.secrets]).not.toContain('user-token-1');
    expect(call.identityKey).toBe('user:alice@example.com');
    expect(JSON.stringify(call.caller)).not.toContain('user-token-1');
  });
});

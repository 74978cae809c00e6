import { describe, expect, it } from 'vitest';
import { auditArguments, auditRecord } from './call-audit-log.js';

describe('audit trail', () => {
  it('keeps the arguments, minus credentials, known secrets and length', () => {
    const args = {
      report: 'summary',
      min_spike_tokens: 10_000,
      token_secret: 'scope/key',
      config: { ai_gateway: { openai_api_key_plaintext: 'sk-live-abcdefghijklmnop', client_secret: 'shh', note: `see dapi${'a'.repeat(32)}` } },
      prompt: 'x'.repeat(500),
      pasted: 'my token is user-token-123456',
      list: Array.from({ length: 30 }, (_, i) => i),
    };
    const kept = auditArguments(args, ['user-token-123456']) as Record<string, any>;
    expect(kept.report).toBe('summary');
    // A number under a token-ish name is no credential; a whole word of the name decides.
    expect(kept.min_spike_tokens).toBe(10_000);
    expect(kept.token_secret).toBe('[REDACTED]');
    expect(kept.config.ai_gateway).toEqual({ openai_api_key_plaintext: '[REDACTED]', client_secret: '[REDACTED]', note: 'see [REDACTED]' });
    expect(kept.prompt).toMatch(/^x{200}… \(500 characters\)$/);
    expect(kept.pasted).toBe('my token is [REDACTED]');
    expect(kept.list).toHaveLength(21);
    expect(kept.list.at(-1)).toBe('… (30 items)');
  });

  it('says who called, how, whose rights the workspace calls used, and how it ended', () => {
    const started = Date.UTC(2026, 0, 2, 3, 4, 5);
    const withToken = { via: 'databricks-apps' as const, user: 'alice@example.com', requestId: 'r-1', workspaceToken: () => 'secret-token' };
    const record = auditRecord({ tool: 'query_usage', caller: withToken, started, finished: started + 42, arguments: {}, status: 'error', errorCode: 'USAGE_NOT_READABLE' });
    expect(record).toEqual({
      time: '2026-01-02T03:04:05.000Z',
      event: 'tool_call',
      tool: 'query_usage',
      caller: 'alice@example.com',
      via: 'databricks-apps',
      request_id: 'r-1',
      acting_as: 'caller',
      arguments: {},
      status: 'error',
      error_code: 'USAGE_NOT_READABLE',
      duration_ms: 42,
    });
    expect(JSON.stringify(record)).not.toContain('secret-token');
    expect(auditRecord({ tool: 'read_audit', caller: { via: 'loopback' }, started, finished: started, arguments: {}, status: 'ok' })).toMatchObject({ caller: null, acting_as: 'server' });
    // The name the proxy headers carried is kept apart from the proven caller, and only when it differs.
    const claimed = auditRecord({ tool: 'read_audit', caller: { via: 'databricks-apps', user: 'app:mcp', claimedUser: 'bob@example.com' }, started, finished: started, arguments: {}, status: 'ok' });
    expect(claimed).toMatchObject({ caller: 'app:mcp', claimed_user: 'bob@example.com', acting_as: 'server' });
    expect(auditRecord({ ...{ tool: 't', started, finished: started, arguments: {}, status: 'ok' as const }, caller: { via: 'databricks-apps', user: 'a@x', claimedUser: 'a@x' } })).not.toHaveProperty('claimed_user');
  });
});

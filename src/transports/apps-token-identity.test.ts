import { describe, expect, it } from 'vitest';
import { DatabricksError } from '../databricks/databricks-errors.js';
import { identityFrom, identityFromFailure } from '../use-cases/caller-identity.js';
import { TOKEN_IDENTITY_TTL_MS, TokenIdentities } from './apps-token-identity.js';

/** A workspace that knows one token, counting the questions it is asked (the e2e test asks the sandbox itself). */
function workspace(answers: Record<string, string>) {
  const asked: string[] = [];
  const ask = async (token: string) => {
    asked.push(token);
    const user = answers[token];
    if (user) return identityFrom(user);
    return identityFromFailure(new DatabricksError('Reading who this principal is failed', 'the workspace answered HTTP 401 (UNAUTHENTICATED)', 'sign in', 401, 'UNAUTHENTICATED'));
  };
  return { asked, ask };
}

describe('the owner of a forwarded token', () => {
  it('is what the workspace says, asked once per token while fresh, again after the TTL', async () => {
    const { asked, ask } = workspace({ 'tok-a': 'alice@example.com', 'tok-b': 'bob@example.com' });
    let now = 1_000;
    const identities = new TokenIdentities(ask, () => now);
    const [first, second] = await Promise.all([identities.identify('tok-a'), identities.identify('tok-a')]);
    expect(first).toEqual({ user: 'alice@example.com' });
    expect(second).toEqual({ user: 'alice@example.com' });
    expect(await identities.identify('tok-b')).toEqual({ user: 'bob@example.com' });
    expect(asked).toEqual(['tok-a', 'tok-b']);
    now += TOKEN_IDENTITY_TTL_MS;
    await identities.identify('tok-a');
    expect(asked).toEqual(['tok-a', 'tok-b', 'tok-a']);
  });

  it('keeps a digest of the token, never the token', async () => {
    const { ask } = workspace({ 'tok-secret-value': 'alice@example.com' });
    const identities = new TokenIdentities(ask);
    await identities.identify('tok-secret-value');
    const known = (identities as unknown as { known: Map<string, unknown> }).known;
    expect([...known.keys()]).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(JSON.stringify([...known.keys()])).not.toContain('tok-secret-value');
  });

  it('a token the workspace refuses is refused, and asked again next time (never remembered as refused)', async () => {
    const { asked, ask } = workspace({});
    const identities = new TokenIdentities(ask);
    const refused = await identities.identify('tok-unknown');
    expect(refused).toEqual({ refused: expect.stringContaining('HTTP 401') });
    await identities.identify('tok-unknown');
    expect(asked).toEqual(['tok-unknown', 'tok-unknown']);
  });

  it('a workspace that cannot answer leaves the caller unverified rather than refused', async () => {
    expect(identityFromFailure(new Error('connect ECONNREFUSED'))).toEqual({ unverified: 'connect ECONNREFUSED' });
    expect(identityFromFailure(new DatabricksError('x', 'the workspace answered HTTP 503', 'retry', 503, 'TEMPORARILY_UNAVAILABLE'))).toEqual({ unverified: 'the workspace answered HTTP 503' });
    expect(identityFromFailure(new DatabricksError('x', 'the workspace answered HTTP 403', 'ask', 403, 'PERMISSION_DENIED'))).toEqual({ refused: 'asked who the token belongs to, the workspace answered HTTP 403' });
    expect(identityFrom(undefined)).toEqual({ unverified: 'the workspace named no user for the token' });
    // An asker that throws all the same leaves the caller unverified, never let in.
    const identities = new TokenIdentities(async () => {
      throw new Error('connect ECONNREFUSED');
    });
    expect(await identities.identify('tok-a')).toEqual({ unverified: 'connect ECONNREFUSED' });
  });
});

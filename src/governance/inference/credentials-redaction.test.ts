/**
 * Credentials in inference payloads never reach the agent, whatever shape they come in: vendor key formats,
 * and `key: value` pairs whose name says they hold a secret. Only `redact()`'s text is read here, so the tests
 * hold whatever the rule table looks like inside.
 */
import { describe, expect, it } from 'vitest';
import { redact } from './redact.js';

const credentials: Array<[string, string]> = [
  ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
  ['an AWS temporary key id', 'ASIAY34FZKBOKMUTVV7A'],
  ['a Google API key', `AIza${'SyA1b2C3d4E5f6G7h8I9j0K_lMnOpQrStUv'}`],
  ['a GitHub token', `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}`],
  ['a GitHub fine-grained token', `github_pat_${'11ABCDEFG0abcdefghijklmnopqrstuvwxyz0123'}`],
  ['a Slack token', 'xoxb-1234567890-abcdefghij'],
  ['a GitLab token', 'glpat-abcdefghij0123456789'],
  ['a Stripe restricted key', `rk_test_${'4eC39HqLyjWDarjtT1zdp7dc'}`],
  ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.SflKxwRJSMeKKF2QT4fwpMeJf36P'],
  ['an OpenAI key', 'sk-proj-Zq8sT2vW9xY4bN6mL1kJ'],
  ['a Databricks token', `dapi${'0f3a9c1e'.repeat(4)}`],
  ['a Databricks OAuth secret', `dose${'0f3a9c1e'.repeat(4)}`],
];

const pairs: Array<[string, string]> = [
  ['a YAML api_key', 'api_key: "abcd1234efgh5678"'],
  ['a JSON apiKey', '"apiKey": "abcd1234efgh5678"'],
  ['an escaped JSON api-key inside a JSON string', '\\"api-key\\": \\"abcd1234efgh5678\\"'],
  ['an env-style SECRET', 'SECRET=abcd1234efgh5678'],
  ['a client_secret', "client_secret='abcd1234efgh5678'"],
  ['an access token', 'access_token = abcd1234efgh5678'],
  ['an auth-token', 'auth-token:abcd1234efgh5678'],
  ['a password', 'password: abcd1234efgh5678'],
  ['a passwd', 'passwd=abcd1234efgh5678'],
];

describe('redact: credentials', () => {
  it.each(credentials)('removes %s', (_kind, secret) => {
    const { text } = redact(`the user pasted ${secret} into the chat`);
    expect(text).not.toContain(secret);
    expect(text).toMatch(/^the user pasted .*REDACTED.* into the chat$/);
  });

  it.each(pairs)('removes the value of %s', (_kind, pair) => {
    const { text } = redact(`config: ${pair}, region eu`);
    expect(text).not.toContain('abcd1234efgh5678');
    expect(text).toMatch(/^config: .*REDACTED.*, region eu$/);
  });

  it('removes a bearer token and keeps the scheme word', () => {
    const { text } = redact('Authorization: Bearer abc.DEF-123_xyz~+/=');
    expect(text).not.toContain('abc.DEF-123_xyz');
    expect(text).toMatch(/^Authorization: Bearer .*REDACTED/);
  });

  it('removes every credential in the text, not only the first', () => {
    const { text } = redact('first AKIAIOSFODNN7EXAMPLE then password: abcd1234efgh5678 then AKIAIOSFODNN7EXAMPL2');
    expect(text).not.toMatch(/AKIA|abcd1234/);
  });

  it('leaves short values and ordinary words that merely mention a secret', () => {
    const text = 'the password: short; set api_key in the settings; AKIA is a prefix; ghp_abc; sk-1234';
    expect(redact(text).text).toBe(text);
  });
});

import { describe, expect, it } from 'vitest';
import { SECRET_PLACEHOLDERS, SEEDED_SECRETS, USER_MESSAGES } from '../../sandbox/seed/seed-secrets.js';
import { cutRedacted, normalise, redact, type RedactionKind } from './redact.js';

/** What a payload looks like: chat JSON, sometimes with JSON inside a message (a tool call, a pasted config). */
const asPayload = (text: string) => JSON.stringify({ messages: [{ role: 'user', content: text }] });
const asNestedPayload = (text: string) => asPayload(JSON.stringify({ note: text }));

/** [kind, text around the secret, the secret] — every kind the module names, in the shapes it meets. */
const CORPUS: Array<[RedactionKind, string, string]> = [
  ['email', 'write to {} today', 'maria.gomez@example.org'],
  ['email', 'write to {} today', 'j.smith+miles@mail.skyloyalty.example.co.uk'],
  ['phone', 'call {} today', '+1 415-555-0134'],
  ['phone', 'call {} today', '(212) 555-0199'],
  ['phone', 'call {} today', '415.555.0134'],
  ['phone', 'E.164: {} today', '+14155550188'],
  ['phone', 'digits only: {} today', '4155550177'],
  ['phone', 'digits only: {} today', '14155550166'],
  ['phone', 'London {} today', '+44 20 7946 0958'],
  ['phone', 'Paris {} today', '+33 6 12 34 56 78'],
  ['email', 'write to {} today', 'maria at example dot com'],
  ['email', 'write to {} today', 'maria.gomez [at] mail (dot) example (dot) co (dot) uk'],
  ['ssn', 'my SSN is {} ok', '123-45-6789'],
  ['card', 'pay with {}, expiry 12/29', '4111 1111 1111 1111'],
  ['card', 'pay with {} 12/29', '5500-0000-0000-0004'],
  ['card', 'pay with {} now', '4111111111111111'],
  ['card', 'Amex {} now', '3782 822463 10005'],
  ['card', 'booking ref 12 {} now', '4111 1111 1111 1111'],
  ['databricks_token', 'token {} fails', 'dapi0f3a9c1e7b2d48a6c5e1f09b3d7a2c4e'],
  ['databricks_token', 'token {} fails', 'dapi0f3a9c1e7b2d48a6c5e1f09b3d7a2c4e-2'],
  ['databricks_token', 'secret {} fails', 'dose0f3a9c1e7b2d48a6c5e1f09b3d7a2c4e'],
  ['openai_key', 'key {} leaked', 'sk-proj-Zq8sandboxT3stKey0nlyNotReal4xY2'],
  ['openai_key', 'key {} leaked', 'sk-ant-api03-sandboxFakeKeyForRedactionTests'],
  ['stripe_key', 'STRIPE_KEY={} leaked', 'sk_live_51HsandboxN0tRealRedactionTest'],
  ['stripe_key', 'restricted {} leaked', 'rk_live_51HsandboxN0tRealRedactionTest'],
  ['stripe_key', 'webhook {} leaked', 'whsec_sandboxN0tRealRedactionTest01'],
  ['aws_secret_key', 'aws_secret_access_key = {}', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ['aws_secret_key', 'export AWS_SECRET_ACCESS_KEY={}', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ['aws_secret_key', '{"SecretAccessKey": "{}"}', 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY'],
  ['aws_secret_key', 'keys AKIAIOSFODNN7EXAMPLE and {} work', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ['aws_secret_key', 'secret {} goes with AKIAIOSFODNN7EXAMPLE', 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY'],
  ['azure_key', 'DefaultEndpointsProtocol=https;AccountName=skylogs;AccountKey={};EndpointSuffix=core.windows.net', 'c2FuZGJveC1henVyZS1rZXktbm90LXJlYWwtb25seQ=='],
  ['azure_key', 'Endpoint=sb://sky.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey={}', 'c2FuZGJveC1zZXJ2aWNlYnVzLWtleQ='],
  ['private_key', 'my key:\n-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\nthanks', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7sandboxOnly'],
  ['private_key', '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n{}\n-----END RSA PRIVATE KEY-----', 'MIIEpAIBAAKCAQEAsandboxOnlyNotARealKey0123456789+/abcd'],
  ['private_key', 'cut short: -----BEGIN OPENSSH PRIVATE KEY-----\n{}', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB'],
  ['bearer', 'Authorization: Bearer {}', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzYW5kYm94In0.c2FuZGJveC1zaWduYXR1cmU'],
  ['password', 'my password: {} stopped working', 'hunter2'],
  ['password', 'DB_PASSWORD={} in .env', 'k9!xQ2'],
  ['password', '{"password": "{}"}', 'correct horse'],
  ['api_key', 'id {} in the log', 'AKIAIOSFODNN7EXAMPLE'],
  ['api_key', 'github {} leaked', 'ghp_sandboxN0tRealTokenForRedaction0123'],
  ['api_key', 'config api_key={} set', 'sandbox0nlyKey12345'],
];

describe('redaction corpus: every kind, in plain text, chat JSON and JSON inside JSON', () => {
  for (const [kind, around, secret] of CORPUS) {
    const text = around.replace('{}', secret);
    for (const [shape, wrap] of [['plain', (t: string) => t], ['payload', asPayload], ['nested', asNestedPayload]] as const) {
      it(`${kind}: ${secret.slice(0, 16)}… (${shape})`, () => {
        const out = redact(wrap(text));
        expect(out.text).not.toContain(secret);
        for (const fragment of secret.match(/[A-Za-z0-9]{6,}/g) ?? []) expect(out.text).not.toContain(fragment);
        expect(out.counts[kind], JSON.stringify(out)).toBeGreaterThan(0);
        expect(out.text).toContain(`[REDACTED:${kind}]`);
        // The words around the secret survive.
        for (const word of around.match(/[a-z]{4,}/g) ?? []) if (!secret.includes(word)) expect(out.text).toContain(word);
      });
    }
  }

  it('keeps the label and redacts the value', () => {
    expect(redact('password: hunter2').text).toBe('password: [REDACTED:password]');
    expect(redact('Authorization: Bearer abcdefgh12345').text).toBe('Authorization: Bearer [REDACTED:bearer]');
    expect(redact('AccountKey=c2FuZGJveC1henVyZS1rZXk=;x').text).toBe('AccountKey=[REDACTED:azure_key];x');
    expect(redact('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END PRIVATE KEY-----').text).toBe(
      '-----BEGIN PRIVATE KEY-----[REDACTED:private_key]-----END PRIVATE KEY-----',
    );
  });
});

describe('redaction sees through evasions', () => {
  const evasions: Array<[string, string, RedactionKind]> = [
    ['a JSON-escaped @', 'mail maria.gomez\\u0040example.org now', 'email'],
    ['a JSON-escaped @ in JSON inside JSON', 'mail maria.gomez\\\\u0040example.org now', 'email'],
    ['a URL-encoded @', 'https://x.example/?to=maria.gomez%40example.org', 'email'],
    ['a JSON-escaped d', 'token \\u0064api0f3a9c1e7b2d48a6c5e1f09b3d7a2c4e fails', 'databricks_token'],
    ['a zero-width space inside a token', 'token dapi0f3a9c1e\u200b7b2d48a6c5e1f09b3d7a2c4e fails', 'databricks_token'],
    ['a JSON-escaped zero-width joiner inside a token', 'token dapi0f3a9c1e\\u200d7b2d48a6c5e1f09b3d7a2c4e fails', 'databricks_token'],
    ['a bidi override inside an address', 'mail maria\u202e.gomez@example.org now', 'email'],
    ['a token glued to a word', 'mytokendapi0f3a9c1e7b2d48a6c5e1f09b3d7a2c4e!', 'databricks_token'],
    ['a soft hyphen inside a card number', 'card 4111 1111\u00ad 1111 1111 now', 'card'],
    ['an escaped slash inside an AWS secret', 'aws_secret_access_key=wJalrXUtnFEMI\\/K7MDENG\\/bPxRfiCYEXAMPLEKEY', 'aws_secret_key'],
  ];
  for (const [name, text, kind] of evasions) {
    it(name, () => {
      for (const wrapped of [text, asPayload(text)]) {
        const out = redact(wrapped);
        expect(out.counts[kind], out.text).toBe(1);
        expect(out.text).not.toMatch(/gomez|0f3a9c1e|7b2d48a6|1111 1111|wJalrXUtnFEMI/);
      }
    });
  }
});

describe('redaction leaves ordinary values alone', () => {
  const survivors = [
    // UUIDs: request ids, service principal application ids, served entity ids.
    'b3d9f1a2-7c44-4e8e-8f0a-1d2c3b4a5e6f',
    '12345678-1234-1234-1234-123456789012',
    '41111111-1111-1111-1111-111111111111',
    '4111-1111-1111-1111-111111111111',
    'databricks_request_id=6a0c1f7e-2b4d-4c8a-9e3f-5d7b1a2c4e6f client_request_id=ci-run-4821',
    'chatcmpl-3f2a9c1e req_01HZX8K9Q2M4N6P8R0T2V4X6Z8 booking ref 7F3K9Q flight LX1234',
    // Timestamps and dates.
    '2026-11-27 10:00:00.123456',
    '2026-11-27T10:45:00Z and 2026-11-27T10:45:00.123+01:00',
    'created 1767225600, 1767225600123 ms, 1767225600123456 µs, 1767225600123456789 ns',
    'between 2026-11-01 and 2026-11-30, week 2026-W48, 27/11/2026',
    // Counts, money, versions, addresses, hashes.
    '"usage":{"prompt_tokens":1834,"completion_tokens":512,"total_tokens":2346}',
    'You need 45,000 miles; 48,200 miles earned; loyalty 16583931 tokens; support 5543668',
    '$1,234.56 for 1000000 tokens at 3.5 per million; 150 200 300 400 500',
    'HTTP 429 then 503; version v2.4.0; host 10.0.12.34:8443; port 8787',
    'commit e83c5163316f89bfbde7d9ab23ca2e25604af290 next to AKIA',
    // Words that look like labels.
    'passwordless login, password reset, the secret is patience, task-assessment-framework-v2',
    'the @ sign, @mention, a@b, user@localhost',
    // "at" in prose without a spelt-out domain; numbers the SSA never issues.
    'meet me at the gate at 10, then at home',
    'ids 000-12-3456, 666-12-3456, 123-00-4567 and 123-45-0000',
  ];
  for (const text of survivors) {
    it(text.slice(0, 50), () => {
      expect(redact(text)).toEqual({ text, counts: {} });
      expect(redact(asPayload(text)).text).toBe(asPayload(text));
    });
  }

  it('needs a valid card checksum', () => {
    expect(redact('order 4111 1111 1111 1112').text).toContain('4111 1111 1111 1112');
  });
});

describe('seeded sandbox secrets, in the messages the seed plants them in', () => {
  for (const [placeholder, kind] of Object.entries(SECRET_PLACEHOLDERS)) {
    const template = USER_MESSAGES.find((message) => message.includes(placeholder))!;
    for (const value of SEEDED_SECRETS[kind]) {
      it(`removes the seeded ${kind} ${value.slice(0, 12)}…`, () => {
        const out = redact(asPayload(template.replace(placeholder, value)));
        expect(out.text).not.toContain(value);
        // Nothing that identifies the secret survives: no long fragment of it either.
        for (const fragment of value.match(/[A-Za-z0-9]{8,}/g) ?? []) if (!/^Bearer$/i.test(fragment)) expect(out.text).not.toContain(fragment);
        expect(Object.values(out.counts).reduce((a, b) => a + (b ?? 0), 0)).toBeGreaterThan(0);
      });
    }
  }
});

describe('redaction cost does not depend on what the text holds', () => {
  // Shapes that made backtracking patterns quadratic: each took 0.4-0.7 s per 20,000 characters, so 100 rows
  // of them held the server for minutes. Linear rules take a fraction of a millisecond each. The test yields
  // between rows (as the tail does) so its timeout can end it on a quadratic rule.
  const CHARS = 20_256;
  const fill = (unit: string) => unit.repeat(Math.ceil(CHARS / unit.length)).slice(0, CHARS);
  const hostile = [fill('.a'), `x@${fill('a.')}`, fill('a-'), fill('1 '), fill('-----BEGIN PRIVATE KEY-----'), fill('\\\\u00')];
  it('redacts 100 rows of each hostile shape and leaves them as they were', async ({ signal }) => {
    for (const text of hostile) {
      for (let row = 0; row < 100 && !signal.aborted; row++) {
        expect(redact(text).counts).toEqual({});
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }, 30_000);
});

describe('normalisation', () => {
  it('decodes escapes that hide characters and keeps JSON valid', () => {
    const original = { a: 'x@y', b: 'quote " backslash \\ newline \n tab \t bell \u0007 emoji 😀 \u00e9', c: '\\u0040 typed literally' };
    const escaped = JSON.stringify(original).replace('@', '\\u0040').replace('é', '\\u00e9');
    const decoded = normalise(escaped);
    expect(JSON.parse(decoded)).toEqual({ ...original, c: '@ typed literally' });
    expect(decoded).toContain('\\"');
    expect(decoded).toContain('\\\\');
    expect(decoded).toContain('\\u0007');
  });

  it('removes invisible format characters', () => {
    expect(normalise('a\u200bb\u200cc\u200dd\u2060e\ufeff\u202ef\u2066g\u{e0041}h')).toBe('abcdefgh');
  });
});

describe('cutting redacted text', () => {
  it('never ends inside a marker', () => {
    const text = 'mail [REDACTED:email] now';
    expect(cutRedacted(text, 100)).toBe(text);
    expect(cutRedacted(text, 10)).toBe('mail ');
    expect(cutRedacted(text, 21)).toBe('mail [REDACTED:email]');
    expect(cutRedacted(text, 23)).toBe('mail [REDACTED:email] n');
    expect(cutRedacted(text, 3)).toBe('mai');
  });
});

describe('boundaries of the rules', () => {
  const ID = 'AKIAIOSFODNN7EXAMPLE';
  const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

  it('pairs a standalone AWS secret key with an access key id up to 256 characters away, either side', () => {
    expect(redact(`${ID}${' '.repeat(256)}${SECRET}`).counts).toEqual({ api_key: 1, aws_secret_key: 1 });
    expect(redact(`${ID}${' '.repeat(257)}${SECRET}`).counts).toEqual({ api_key: 1 });
    expect(redact(`${SECRET}${' '.repeat(256)}${ID}`).counts).toEqual({ api_key: 1, aws_secret_key: 1 });
    expect(redact(`${SECRET}${' '.repeat(257)}${ID}`).counts).toEqual({ api_key: 1 });
  });

  it('pairs only a mixed-case word: a lowercase hash or an uppercase id next to a key id stays', () => {
    for (const word of ['e83c5163316f89bfbde7d9ab23ca2e25604af290', 'E83C5163316F89BFBDE7D9AB23CA2E25604AF290']) {
      expect(redact(`${ID} ${word}`).text).toBe(`[REDACTED:api_key] ${word}`);
    }
  });

  it('takes a grouped phone number from nine digits, and an international one from eight to fifteen', () => {
    expect(redact('call 12 345 6789 now').text).toBe('call [REDACTED:phone] now');
    expect(redact('call 12 345 678 now').counts).toEqual({});
    expect(redact('call +44 20 7946 now').text).toBe('call [REDACTED:phone] now');
    expect(redact('call +44 20 794 now').counts).toEqual({});
    expect(redact('call +44 1234 1234 123 12 now').text).toBe('call [REDACTED:phone] now');
    expect(redact('call +44 1234 1234 123 123 now').counts).toEqual({});
  });

  it('redacts an address once, not the text glued after it', () => {
    expect(redact('a@b.com@c.com').text).toBe('[REDACTED:email]@c.com');
  });
});

describe('normalisation of escapes', () => {
  it('decodes escapes of ordinary characters, and keeps escapes of surrogate halves', () => {
    expect(normalise('\\ud7ff|\\ud800|\\udbff|\\udc00|\\udfff|\\ue000')).toBe('\ud7ff|\\ud800|\\udbff|\\udc00|\\udfff|\ue000');
  });
});

describe('cutting short text', () => {
  it('cuts at the limit when no marker is near it', () => {
    expect(cutRedacted('abcdef', 1)).toBe('a');
    expect(cutRedacted('abc[REDACTED:email]', 2)).toBe('ab');
    expect(cutRedacted('ab', 2)).toBe('ab');
  });
});

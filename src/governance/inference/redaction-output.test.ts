/**
 * What the agent sees after redaction, exactly: which characters become `[REDACTED:<kind>]`, which label stays,
 * and the counts per kind a result reports. redact.test.ts proves no secret survives in many wrappings; this
 * file pins the replacement itself, so a rule that eats a label or a neighbour, or miscounts, fails.
 */
import { describe, expect, it } from 'vitest';
import { addCounts, cutRedacted, normalise, redact, type RedactionCounts } from './redact.js';

describe('redacted text and counts', () => {
  it.each<[string, string, RedactionCounts]>([
    ["write to maria.gomez@example.org today", "write to [REDACTED:email] today", {"email": 1}],
    ["write to j.smith+miles@mail.skyloyalty.example.co.uk today", "write to [REDACTED:email] today", {"email": 1}],
    ["call +1 415-555-0134 today", "call [REDACTED:phone] today", {"phone": 1}],
    ["call (212) 555-0199 today", "call [REDACTED:phone] today", {"phone": 1}],
    ["call 415.555.0134 today", "call [REDACTED:phone] today", {"phone": 1}],
    ["E.164: +14155550188 today", "E.164: [REDACTED:phone] today", {"phone": 1}],
    ["digits only: 4155550177 today", "digits only: [REDACTED:phone] today", {"phone": 1}],
    ["digits only: 14155550166 today", "digits only: [REDACTED:phone] today", {"phone": 1}],
    ["London +44 20 7946 0958 today", "London [REDACTED:phone] today", {"phone": 1}],
    ["Paris +33 6 12 34 56 78 today", "Paris [REDACTED:phone] today", {"phone": 1}],
    ["pay with 4111 1111 1111 1111, expiry 12/29", "pay with [REDACTED:card], expiry 12/29", {"card": 1}],
    ["pay with 5500-0000-0000-0004 12/29", "pay with [REDACTED:card] 12/29", {"card": 1}],
    ["pay with 4111111111111111 now", "pay with [REDACTED:card] now", {"card": 1}],
    ["Amex 3782 822463 10005 now", "Amex [REDACTED:card] now", {"card": 1}],
    ["booking ref 12 4111 1111 1111 1111 now", "booking ref 12 [REDACTED:card] now", {"card": 1}],
    ["token dapi0f3a9c1e7b2d48a6c5e1f09b3d7a2c4e fails", "token [REDACTED:databricks_token] fails", {"databricks_token": 1}],
    ["token dapi0f3a9c1e7b2d48a6c5e1f09b3d7a2c4e-2 fails", "token [REDACTED:databricks_token] fails", {"databricks_token": 1}],
    ["secret dose0f3a9c1e7b2d48a6c5e1f09b3d7a2c4e fails", "secret [REDACTED:databricks_token] fails", {"databricks_token": 1}],
    ["key sk-proj-Zq8sandboxT3stKey0nlyNotReal4xY2 leaked", "key [REDACTED:openai_key] leaked", {"openai_key": 1}],
    ["key sk-ant-api03-sandboxFakeKeyForRedactionTests leaked", "key [REDACTED:openai_key] leaked", {"openai_key": 1}],
    ["STRIPE_KEY=sk_live_51HsandboxN0tRealRedactionTest leaked", "STRIPE_KEY=[REDACTED:stripe_key] leaked", {"stripe_key": 1}],
    ["restricted rk_live_51HsandboxN0tRealRedactionTest leaked", "restricted [REDACTED:stripe_key] leaked", {"stripe_key": 1}],
    ["webhook whsec_sandboxN0tRealRedactionTest01 leaked", "webhook [REDACTED:stripe_key] leaked", {"stripe_key": 1}],
    ["aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = [REDACTED:aws_secret_key]", {"aws_secret_key": 1}],
    ["export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "export AWS_SECRET_ACCESS_KEY=[REDACTED:aws_secret_key]", {"aws_secret_key": 1}],
    ["{\"SecretAccessKey\": \"je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\"}", "{\"SecretAccessKey\": \"[REDACTED:aws_secret_key]\"}", {"aws_secret_key": 1}],
    ["keys AKIAIOSFODNN7EXAMPLE and wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY work", "keys [REDACTED:api_key] and [REDACTED:aws_secret_key] work", {"aws_secret_key": 1, "api_key": 1}],
    ["secret je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY goes with AKIAIOSFODNN7EXAMPLE", "secret [REDACTED:aws_secret_key] goes with [REDACTED:api_key]", {"aws_secret_key": 1, "api_key": 1}],
    ["DefaultEndpointsProtocol=https;AccountName=skylogs;AccountKey=c2FuZGJveC1henVyZS1rZXktbm90LXJlYWwtb25seQ==;EndpointSuffix=core.windows.net", "DefaultEndpointsProtocol=https;AccountName=skylogs;AccountKey=[REDACTED:azure_key];EndpointSuffix=core.windows.net", {"azure_key": 1}],
    ["Endpoint=sb://sky.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=c2FuZGJveC1zZXJ2aWNlYnVzLWtleQ=", "Endpoint=sb://sky.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=[REDACTED:azure_key]", {"azure_key": 1}],
    ["my key:\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7sandboxOnly\n-----END PRIVATE KEY-----\nthanks", "my key:\n-----BEGIN PRIVATE KEY-----[REDACTED:private_key]-----END PRIVATE KEY-----\nthanks", {"private_key": 1}],
    ["-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nMIIEpAIBAAKCAQEAsandboxOnlyNotARealKey0123456789+/abcd\n-----END RSA PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----[REDACTED:private_key]-----END RSA PRIVATE KEY-----", {"private_key": 1}],
    ["cut short: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB", "cut short: -----BEGIN OPENSSH PRIVATE KEY-----[REDACTED:private_key]", {"private_key": 1}],
    ["Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzYW5kYm94In0.c2FuZGJveC1zaWduYXR1cmU", "Authorization: Bearer [REDACTED:bearer]", {"bearer": 1}],
    ["my password: hunter2 stopped working", "my password: [REDACTED:password] stopped working", {"password": 1}],
    ["DB_PASSWORD=k9!xQ2 in .env", "DB_PASSWORD=[REDACTED:password] in .env", {"password": 1}],
    ["{\"password\": \"correct horse\"}", "{\"password\": \"[REDACTED:password]\"}", {"password": 1}],
    ["id AKIAIOSFODNN7EXAMPLE in the log", "id [REDACTED:api_key] in the log", {"api_key": 1}],
    ["github ghp_sandboxN0tRealTokenForRedaction0123 leaked", "github [REDACTED:api_key] leaked", {"api_key": 1}],
    ["config api_key=sandbox0nlyKey12345 set", "config api_key=[REDACTED:api_key] set", {"api_key": 1}],
  ])('%j', (text, redacted, counts) => {
    expect(redact(text)).toEqual({ text: redacted, counts });
  });
});

describe('redaction edge cases', () => {
  it.each<[string, string, string, RedactionCounts]>([
    ['counts every match of a kind', 'a@x.io, b@y.io and c@z.io', '[REDACTED:email], [REDACTED:email] and [REDACTED:email]', { email: 3 }],
    ['counts each kind apart', 'mail a@x.io or call +14155550188', 'mail [REDACTED:email] or call [REDACTED:phone]', { email: 1, phone: 1 }],
    ['splits addresses run together', 'a@b.com.c@d.com', '[REDACTED:email].[REDACTED:email]', { email: 2 }],
    ['drops leading dots of a local part', '..x@y.io', '..[REDACTED:email]', { email: 1 }],
    ['keeps the label of a bearer token', 'Basic    dXNlcjpwYXNzd29yZA==', 'Basic    [REDACTED:bearer]', { bearer: 1 }],
    ['keeps a short bearer word', 'Bearer abc', 'Bearer abc', {}],
    ['redacts a quoted password with spaces', 'pwd = "a b c"', 'pwd = "[REDACTED:password]"', { password: 1 }],
    ['redacts a password in escaped JSON', String.raw`{\"passphrase\": \"x y\"}`, String.raw`{\"passphrase\": \"[REDACTED:password]\"}`, { password: 1 }],
    ['redacts a bare password up to a delimiter', 'passwd=s3cr3t;next', 'passwd=[REDACTED:password];next', { password: 1 }],
    ['leaves an empty password', 'password: ""', 'password: ""', {}],
    ['needs eight characters for a labelled API key', 'api_key=short1 client_secret=longer-123', 'api_key=short1 client_secret=[REDACTED:api_key]', { api_key: 1 }],
    ['needs 9 digits for a grouped phone number', 'room 12 345 678 or 212 555 0199', 'room 12 345 678 or [REDACTED:phone]', { phone: 1 }],
    ['needs 8 to 15 digits for an international number', '+44 20 79 or +44 20 7946 0958 12345', '+44 20 79 or [REDACTED:phone] 12345', { phone: 1 }],
    ['tries a card again past a number that fails its checksum', '4111 1111 1111 1112 and 4111111111111111', '4111 1111 1111 1112 and [REDACTED:card]', { card: 1 }],
    ['takes 19-digit cards and leaves 20 digits', '4111111111111111110 41111111111111111100', '[REDACTED:card] 41111111111111111100', { card: 1 }],
    ['pairs a standalone secret only with a near access key id', `AKIAIOSFODNN7EXAMPLE ${'x'.repeat(300)} wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`, `[REDACTED:api_key] ${'x'.repeat(300)} wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`, { api_key: 1 }],
    ['needs mixed case and a digit or slash in a paired secret', 'AKIAIOSFODNN7EXAMPLE abcdefghijABCDEFGHIJabcdefghijABCDEFGHIJ', '[REDACTED:api_key] abcdefghijABCDEFGHIJabcdefghijABCDEFGHIJ', { api_key: 1 }],
  ])('%s', (_name, text, redacted, counts) => {
    expect(redact(text)).toEqual({ text: redacted, counts });
  });

  it.each<[string, string, string]>([
    ['an escaped @', String.raw`a\u0040b.io`, 'a@b.io'],
    ['an escape behind several backslashes', String.raw`a\\\u0040b`, 'a@b'],
    ['an escaped slash', String.raw`a\/b`, 'a/b'],
    ['an escaped quote', String.raw`\u0022`, String.raw`\u0022`],
    ['an escaped backslash', String.raw`\u005c`, String.raw`\u005c`],
    ['an escaped control character', String.raw`\u001f`, String.raw`\u001f`],
    ['an escaped DEL and C1 control', String.raw`\u007f\u009f`, String.raw`\u007f\u009f`],
    ['the first printable characters either side', String.raw`\u0020\u007e\u00a0`, ' ~\u00a0'],
    ['an escaped surrogate', String.raw`\ud83d\ude00`, String.raw`\ud83d\ude00`],
    ['a literal backslash before u', String.raw`\\u0040`, '@'],
    ['a URL-encoded @', 'a%40b.io', 'a@b.io'],
    ['every URL-encoded @', '%40%40', '@@'],
  ])('normalises %s', (_name, text, normalised) => {
    expect(normalise(text)).toBe(normalised);
  });

  it('adds counts kind by kind', () => {
    const into: RedactionCounts = { email: 1 };
    addCounts(into, { email: 2, card: 1 });
    addCounts(into, {});
    expect(into).toEqual({ email: 3, card: 1 });
  });

  it('cuts before a marker the limit falls inside, and at the limit otherwise', () => {
    const text = '[REDACTED:email] and [REDACTED:card]';
    expect(cutRedacted(text, 1)).toBe('');
    expect(cutRedacted(text, 16)).toBe('[REDACTED:email]');
    expect(cutRedacted(text, 17)).toBe('[REDACTED:email] ');
    expect(cutRedacted(text, 35)).toBe('[REDACTED:email] and ');
    expect(cutRedacted(text, 36)).toBe(text);
    expect(cutRedacted('no markers here', 5)).toBe('no ma');
  });
});

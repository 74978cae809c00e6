/**
 * Sensitive strings the seed plants in payload requests and responses, so redaction can be tested against
 * every kind, and against the disguises that hide one (a JSON escape, a zero-width character, a token glued to
 * a word). All are synthetic: reserved example domains, 555 phone numbers, card-network test numbers, the
 * documentation's example AWS keys, tokens made of a fixed pattern. The newest payload rows of each payload
 * table hold every kind at least once.
 */
export type SecretKind =
  | 'email'
  | 'escaped_email'
  | 'phone'
  | 'phone_e164'
  | 'phone_digits'
  | 'credit_card'
  | 'databricks_token'
  | 'escaped_token'
  | 'zero_width_token'
  | 'glued_token'
  | 'api_key'
  | 'bearer_token'
  | 'aws_secret_key'
  | 'aws_secret_key_near_id'
  | 'stripe_key'
  | 'password'
  | 'azure_account_key'
  | 'private_key';

export const SEEDED_SECRETS: Readonly<Record<SecretKind, readonly string[]>> = {
  email: ['maria.gomez@example.org', 'j.smith+miles@example.com'],
  // An @ behind a JSON escape, as in JSON the user pasted into the chat.
  escaped_email: ['li.wei\\u0040example.net'],
  phone: ['+1 415-555-0134', '(212) 555-0199'],
  phone_e164: ['+14155550188'],
  phone_digits: ['4155550177'],
  credit_card: ['4111 1111 1111 1111', '5500-0000-0000-0004'],
  databricks_token: ['dapi0f3a9c1e7b2d48a6c5e1f09b3d7a2c4e', 'dapib7e2c9d41a0f36e58c2d7b9a1e4f6c03'],
  escaped_token: ['\\u0064api5e8c1b7a9d2f40e6b3c8a1d7f9e2b4c6'],
  zero_width_token: ['dapi3c7e9a1f\u200b5b2d48e6c0a7f3b9d1e5c2a8f4'],
  glued_token: ['dapi8a2c4e6f0b1d3a5c7e9f2b4d6a8c0e1f3a'],
  api_key: ['sk-proj-Zq8sandboxT3stKey0nlyNotReal4xY2', 'sk-ant-api03-sandboxFakeKeyForRedactionTests'],
  bearer_token: ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzYW5kYm94In0.c2FuZGJveC1zaWduYXR1cmU'],
  aws_secret_key: ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  aws_secret_key_near_id: ['je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY'],
  stripe_key: ['sk_live_51HsandboxN0tRealRedactionTest'],
  password: ['k9!xQ2'],
  azure_account_key: ['c2FuZGJveC1henVyZS1rZXktbm90LXJlYWwtb25seQ=='],
  private_key: ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7sandboxOnly'],
};

/** Placeholder in a message template → the kind of secret that replaces it. */
export const SECRET_PLACEHOLDERS: Readonly<Record<string, SecretKind>> = {
  '{email}': 'email',
  '{escaped_email}': 'escaped_email',
  '{phone}': 'phone',
  '{phone_e164}': 'phone_e164',
  '{phone_digits}': 'phone_digits',
  '{card}': 'credit_card',
  '{dapi}': 'databricks_token',
  '{escaped_dapi}': 'escaped_token',
  '{zero_width_dapi}': 'zero_width_token',
  '{glued_dapi}': 'glued_token',
  '{apikey}': 'api_key',
  '{bearer}': 'bearer_token',
  '{aws_secret}': 'aws_secret_key',
  '{aws_secret_near_id}': 'aws_secret_key_near_id',
  '{stripe}': 'stripe_key',
  '{password}': 'password',
  '{azure_key}': 'azure_account_key',
  '{private_key}': 'private_key',
};

/**
 * User turns of the SkyLoyalty assistant. The first ones each carry one kind of secret (every kind of
 * SECRET_PLACEHOLDERS once), so the newest payload rows, which take templates in order, cover every kind.
 */
export const USER_MESSAGES: readonly string[] = [
  'Please update my contact email to {email} and confirm my Gold status.',
  'Call me back at {phone} about the missing miles from my Lisbon flight.',
  'Charge the upgrade to my card {card}, expiry 12/29.',
  'Our integration fails with token {dapi}, can you check why?',
  'I pasted my key {apikey} into the booking tool by mistake, is that a problem?',
  'The partner API returns 401 when we send Authorization: {bearer}',
  'Text me on WhatsApp at {phone_e164} when the upgrade clears.',
  'My mobile is {phone_digits}, please add it to my profile.',
  'Our booking sync uses aws_secret_access_key={aws_secret}, should I rotate it?',
  'The partner sent AKIAIOSFODNN7EXAMPLE and {aws_secret_near_id} for the export bucket, which region is that?',
  'Refunds fail with our Stripe key {stripe} since this morning.',
  'I cannot log in, password: {password} was rejected twice.',
  'Our log export uses DefaultEndpointsProtocol=https;AccountName=skyloyaltylogs;AccountKey={azure_key};EndpointSuffix=core.windows.net',
  'Is it safe to paste this key here?\n-----BEGIN PRIVATE KEY-----\n{private_key}\n-----END PRIVATE KEY-----',
  'Please send the receipt to {escaped_email} instead.',
  'The job log shows {escaped_dapi} just before it fails.',
  'Token {zero_width_dapi} stopped working after I copied it from chat.',
  'We pass it as mytoken{glued_dapi} in the header, is that right?',
  'How many miles do I need for a business class upgrade to Tokyo?',
  'What is the baggage allowance for Silver members on long-haul flights?',
  'Summarise the loyalty tier benefits in three bullet points.',
  'Can I transfer miles to my partner account?',
  'Why did my status drop from Platinum to Gold this year?',
  'Translate our lounge access policy into Spanish.',
];

/** Assistant turns; a few echo the user's contact details back, as real assistants do. */
export const ASSISTANT_MESSAGES: readonly string[] = [
  'Done. A confirmation has been sent to {email}.',
  'A member of our team will call {phone} within 24 hours.',
  'A business class upgrade to Tokyo needs 45,000 miles one way.',
  'Silver members may check in two bags of up to 23 kg each on long-haul flights.',
  '- Priority boarding\n- Lounge access\n- Bonus miles on every flight',
  'Yes, miles can be transferred once per year to a household member.',
  'Status is based on the qualifying miles of the last 12 months; you earned 48,200.',
  'Acceso a la sala VIP: los miembros Gold pueden acceder con un invitado.',
];

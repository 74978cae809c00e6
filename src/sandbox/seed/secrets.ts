/**
 * Sensitive strings the seed plants in payload requests and responses, so redaction can be tested against
 * every kind. All are synthetic: reserved example domains, 555 phone numbers, card-network test numbers,
 * tokens made of a fixed pattern. The newest payload rows of each payload table hold every kind at least once.
 */
export type SecretKind = 'email' | 'phone' | 'credit_card' | 'databricks_token' | 'api_key' | 'bearer_token';

export const SEEDED_SECRETS: Readonly<Record<SecretKind, readonly string[]>> = {
  email: ['maria.gomez@example.org', 'j.smith+miles@example.com'],
  phone: ['+1 415-555-0134', '(212) 555-0199'],
  credit_card: ['4111 1111 1111 1111', '5500-0000-0000-0004'],
  databricks_token: ['dapi0f3a9c1e7b2d48a6c5e1f09b3d7a2c4e', 'dapib7e2c9d41a0f36e58c2d7b9a1e4f6c03'],
  api_key: ['sk-proj-Zq8sandboxT3stKey0nlyNotReal4xY2', 'sk-ant-api03-sandboxFakeKeyForRedactionTests'],
  bearer_token: ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzYW5kYm94In0.c2FuZGJveC1zaWduYXR1cmU'],
};

/** Placeholder in a message template → the kind of secret that replaces it. */
export const SECRET_PLACEHOLDERS: Readonly<Record<string, SecretKind>> = {
  '{email}': 'email',
  '{phone}': 'phone',
  '{card}': 'credit_card',
  '{dapi}': 'databricks_token',
  '{apikey}': 'api_key',
  '{bearer}': 'bearer_token',
};

/**
 * User turns of the SkyLoyalty assistant. The first ones each carry one kind of secret, so the newest payload
 * rows (which take templates in order) cover every kind.
 */
export const USER_MESSAGES: readonly string[] = [
  'Please update my contact email to {email} and confirm my Gold status.',
  'Call me back at {phone} about the missing miles from my Lisbon flight.',
  'Charge the upgrade to my card {card}, expiry 12/29.',
  'Our integration fails with token {dapi}, can you check why?',
  'I pasted my key {apikey} into the booking tool by mistake, is that a problem?',
  'The partner API returns 401 when we send Authorization: {bearer}',
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

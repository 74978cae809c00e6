/** Shape checks on parsed data (YAML, JSON, REST bodies), shared by every layer and free of I/O. */

/** A plain object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The workshop state as parsed from its file: top-level keys such as llm_role_endpoints, endpoint_guardrail_audit. */
export type StateData = Record<string, unknown>;

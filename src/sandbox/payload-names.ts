/**
 * How the sandbox names an endpoint's payload table when inference tables are enabled without a prefix:
 * the endpoint name with `-` → `_` (documented for legacy tables only, and assumed by public code; unconfirmed
 * for AI Gateway tables, see the reference's "Still unconfirmed"). One rule for REST, the seed and the warehouse.
 */
export function defaultTablePrefix(endpointName: string): string {
  return endpointName.replace(/-/g, '_');
}

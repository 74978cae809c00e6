/**
 * Pay-per-token endpoint names and the Unity Catalog foundation models behind them: `databricks-<model>` is
 * served as `system.ai.<model>` (Databricks' own coding-agent CLI maps them this way). A name mapped here is a
 * guess until the workspace lists the model; callers confirm it by listing `system.ai`.
 */
const ENDPOINT_PREFIX = 'databricks-';
const UC_PREFIX = 'system.ai.';

/** The UC model a pay-per-token endpoint's model would be, or undefined when the name is not `databricks-*`. */
export function ucModelOf(endpoint: string): string | undefined {
  return endpoint.startsWith(ENDPOINT_PREFIX) && endpoint.length > ENDPOINT_PREFIX.length ? `${UC_PREFIX}${endpoint.slice(ENDPOINT_PREFIX.length)}` : undefined;
}

/** The pay-per-token endpoint a `system.ai.<model>` entity stands for, or undefined for other names. */
export function payPerTokenEndpointOf(entityName: string): string | undefined {
  return entityName.startsWith(UC_PREFIX) && entityName.length > UC_PREFIX.length ? `${ENDPOINT_PREFIX}${entityName.slice(UC_PREFIX.length)}` : undefined;
}

export function isFoundationModel(entityName: string): boolean {
  return entityName.startsWith(UC_PREFIX);
}

/** `{{secrets/<scope>/<key>}}`, the only way a token may appear in a body. */
export const SECRET_REFERENCE = /^\{\{secrets\/([A-Za-z0-9_.-]{1,128})\/([A-Za-z0-9_.-]{1,128})\}\}$/;

export function secretReference(scope: string, key: string): string {
  return `{{secrets/${scope}/${key}}}`;
}

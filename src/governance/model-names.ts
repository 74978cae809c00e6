/**
 * Pay-per-token endpoint names and the Unity Catalog registered models behind them. The workspace names the model
 * (see `use-cases/registered-model-resolver.ts`); names are irregular across families, so the mapping here is only
 * the offline guess a linter uses when no workspace answer is at hand, and is never sent in a body.
 */
const ENDPOINT_PREFIX = 'databricks-';
const UC_PREFIX = 'system.ai.';

/** What the workspace answered for each endpoint: the registered model, or why none could be named. */
export type ModelResolution = { endpoint: string; model: string; source: string } | { endpoint: string; problem: string; settle: string };

/**
 * The pay-per-token endpoint a `system.ai` model most likely stands for, offline: `system.ai.databricks-<m>` and
 * `system.ai.<m>` both read as `databricks-<m>`; `resolved` (model → endpoint, from the workspace) wins.
 */
export function payPerTokenEndpointOf(entityName: string, resolved: Record<string, string> = {}): string | undefined {
  const known = resolved[entityName.toLowerCase()];
  if (known) return known;
  if (!entityName.startsWith(UC_PREFIX) || entityName.length <= UC_PREFIX.length) return undefined;
  const model = entityName.slice(UC_PREFIX.length);
  return model.startsWith(ENDPOINT_PREFIX) ? model : `${ENDPOINT_PREFIX}${model}`;
}

/** model (lower-case) → endpoint, for the resolutions that named a model. */
export function endpointsByModel(resolutions: Record<string, ModelResolution> | undefined): Record<string, string> {
  return Object.fromEntries(Object.values(resolutions ?? {}).flatMap((r) => ('model' in r ? [[r.model.toLowerCase(), r.endpoint]] : [])));
}

export function isFoundationModel(entityName: string): boolean {
  return entityName.startsWith(UC_PREFIX);
}

/** `{{secrets/<scope>/<key>}}`, the only way a token may appear in a body. */
export const SECRET_REFERENCE = /^\{\{secrets\/([A-Za-z0-9_.-]{1,128})\/([A-Za-z0-9_.-]{1,128})\}\}$/;

export function secretReference(scope: string, key: string): string {
  return `{{secrets/${scope}/${key}}}`;
}

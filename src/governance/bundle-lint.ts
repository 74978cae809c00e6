/**
 * Lints a Databricks Asset Bundle resource file (what create_gateway `mode: "export"` writes, or a team's own):
 * every `resources.model_serving_endpoints.<key>` is checked as the create body it deploys, with finding paths
 * pointing into the file (`/resources/model_serving_endpoints/<key>/…`) so SARIF annotates the YAML line. Pure.
 *
 * Only what the linter can judge is accepted: endpoints and their alerts (bundle field names per databricks/cli
 * `bundle/schema/jsonschema.json`), with literal values. Any other top-level key (`targets` may override a
 * resource) or resource kind, and any `${var.…}` reference (its value is only known at deploy), is an error that
 * names the key and the fix, rather than a pass on something unread.
 */
import { isRecord } from '../shared/records.js';
import type { Finding } from './rules/rule-types.js';
import type { Validation } from './validate-body.js';

/** Bundle fields of a serving endpoint that are not part of its create body. */
const BUNDLE_ONLY_FIELDS = ['permissions', 'lifecycle'];
const LINTED_KINDS = new Set(['model_serving_endpoints', 'alerts']);
const ORDER = { error: 0, warning: 1, info: 2 } as const;
const VARIABLE = /\$\{[^}]*\}/;

/** Whether a config file is a bundle file rather than a create body: its top level has `resources`. */
export function isBundleFile(body: unknown): body is Record<string, unknown> {
  return isRecord(body) && 'resources' in body && !('config' in body) && !('ai_gateway' in body);
}

export function lintBundle(bundle: Record<string, unknown>, lintEndpoint: (body: Record<string, unknown>) => Validation): Validation {
  const findings: Finding[] = [];
  const error = (path: string, message: string, fix: string) => findings.push({ rule: 'bundle.scope', severity: 'error', path, message, fix });
  for (const key of Object.keys(bundle).filter((k) => k !== 'resources')) {
    error(`/${pointer(key)}`, `top-level key "${key}" is outside what this lint reads (${key === 'targets' ? 'a target may override the resources' : 'only resources are checked'})`, 'Lint the resource file itself (resources/*.yml, which databricks.yml includes), or run `databricks bundle validate -o json` and lint its resources');
  }
  const resources = isRecord(bundle.resources) ? bundle.resources : {};
  for (const kind of Object.keys(resources).filter((k) => !LINTED_KINDS.has(k))) {
    error(`/resources/${pointer(kind)}`, `resources.${kind} is not a gateway resource`, `Keep the gateway's endpoint (and its alert) in a file of their own, and ${kind} in another: bundles merge every included file`);
  }
  const endpoints = isRecord(resources.model_serving_endpoints) ? resources.model_serving_endpoints : {};
  if (Object.keys(endpoints).length === 0) {
    error('/resources', 'the file has no resources.model_serving_endpoints to check', 'Pass the bundle file that declares the gateway endpoint (create_gateway mode "export" writes one)');
  }
  for (const [key, resource] of Object.entries(endpoints)) {
    const base = `/resources/model_serving_endpoints/${pointer(key)}`;
    const variables = variablePaths(resource, base);
    for (const path of variables) error(path, 'the value is a bundle variable reference, known only at deploy time', 'Write the literal value here (create_gateway mode "export" writes literals), or lint the output of `databricks bundle validate -o json`');
    if (variables.length > 0 || !isRecord(resource)) continue;
    const body = Object.fromEntries(Object.entries(resource).filter(([field]) => !BUNDLE_ONLY_FIELDS.includes(field)));
    for (const finding of lintEndpoint(body).findings) findings.push({ ...finding, path: `${base}${finding.path}` });
  }
  findings.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return { valid: !findings.some((f) => f.severity === 'error'), findings };
}

function variablePaths(value: unknown, path: string): string[] {
  if (typeof value === 'string') return VARIABLE.test(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => variablePaths(v, `${path}/${i}`));
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => variablePaths(v, `${path}/${pointer(k)}`));
  return [];
}

function pointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * A planned gateway as files a team reviews and commits instead of applying (create_gateway `mode: "export"`).
 * A serving endpoint becomes a Databricks Asset Bundle resource file, in the field names and nesting of the
 * Databricks CLI's bundle schema (databricks/cli `bundle/schema/jsonschema.json`: `resources.model_serving_endpoints`
 * with `name`, `config`, `ai_gateway`; `resources.alerts`, an Alerts v2 alert with `display_name`, `query_text`,
 * `warehouse_id`, `evaluation`, `schedule`, `run_as`), plus the F4 grants as a SQL script (the bundle's own grants
 * would need it to own the schema). Bundles have no model-service resource, and the attach form changes an endpoint
 * the bundle does not own: those become the REST body and the `databricks` CLI command that sends it. Every body
 * is exactly the one apply sends.
 */
import { dump } from 'js-yaml';
import type { DesiredGateway, DesiredGrant } from './desired-endpoint.js';
import type { DesiredModelService } from './desired-model-service.js';
import type { DesiredAlert } from './error-alert.js';

export interface ExportedFile {
  path: string;
  content: string;
}

const HEADER = '# Exported by ai-gateway-mcp create_gateway (mode "export"): review, commit, deploy; check it with\n# `ai-gateway-mcp validate <this file>` in CI.\n';

/** A bundle resource key: the name with anything but letters, digits and underscores as `_`. */
export function resourceKey(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

export function exportServingEndpoint(desired: DesiredGateway, alert: DesiredAlert | undefined): ExportedFile[] {
  const key = resourceKey(desired.name);
  if (!desired.body.config) {
    // attach: the gateway settings on an endpoint the bundle does not own.
    const body = `gateway/${key}.ai-gateway.json`;
    return [
      { path: body, content: `${JSON.stringify(desired.body.ai_gateway, null, 2)}\n` },
      script(`gateway/${key}.sh`, [`databricks serving-endpoints put-ai-gateway ${shellWord(desired.name)} --json @${body}`]),
      ...grantsFile(key, desired.grants),
      ...(alert ? [alertBodyFile(key, alert)] : []),
    ];
  }
  const resources: Record<string, unknown> = {
    model_serving_endpoints: { [key]: { name: desired.body.name, config: desired.body.config, ai_gateway: desired.body.ai_gateway } },
    // An Alerts v2 body is a bundle alert as it is: the same fields at the top level.
    ...(alert ? { alerts: { [`${key}_errors`]: alert } } : {}),
  };
  return [{ path: `resources/${key}.gateway.yml`, content: HEADER + dump({ resources }, { lineWidth: -1, noRefs: true }) }, ...grantsFile(key, desired.grants)];
}

export function exportModelService(desired: DesiredModelService, alert: DesiredAlert | undefined): ExportedFile[] {
  const key = resourceKey(desired.name);
  const parent = `schemas/${desired.catalog}.${desired.schema}`;
  const files: ExportedFile[] = [{ path: `gateway/${key}.model-service.json`, content: `${JSON.stringify(desired.body, null, 2)}\n` }];
  const commands = [`databricks ai-gateway create-model-service ${parent} ${shellWord(desired.id)} --json @gateway/${key}.model-service.json`];
  for (const mcp of desired.mcp) {
    const file = `gateway/${resourceKey(mcp.fullName)}.mcp-service.json`;
    files.push({ path: file, content: `${JSON.stringify(mcp.body, null, 2)}\n` });
    commands.push(`databricks ai-gateway create-mcp-service ${parent} ${shellWord(mcp.id)} --json @${file}`);
  }
  return [...files, script(`gateway/${key}.sh`, commands), ...grantsFile(key, desired.grants), ...(alert ? [alertBodyFile(key, alert)] : [])];
}

function alertBodyFile(key: string, alert: DesiredAlert): ExportedFile {
  return { path: `gateway/${key}.alert.json`, content: `${JSON.stringify(alert, null, 2)}\n` };
}

function script(path: string, commands: string[]): ExportedFile {
  return { path, content: ['#!/bin/sh', '# Exported by ai-gateway-mcp create_gateway (mode "export"): creates what the reviewed files describe.', 'set -eu', ...commands, ''].join('\n') };
}

/** The F4 grants, explicit privileges only, as Unity Catalog SQL. */
function grantsFile(key: string, grants: DesiredGrant[]): ExportedFile[] {
  if (grants.length === 0) return [];
  const lines = grants.map((g) => `GRANT ${g.privileges.map((p) => p.replace(/_/g, ' ')).join(', ')} ON ${g.securable.replace(/_/g, ' ').toUpperCase()} ${quoteName(g.fullName)} TO \`${g.principal.replace(/`/g, '``')}\`;`);
  return [{ path: `grants/${key}.sql`, content: ['-- Exported by ai-gateway-mcp create_gateway: the explicit grants F4 makes (never ALL PRIVILEGES).', ...lines, ''].join('\n') }];
}

function quoteName(fullName: string): string {
  return fullName.split('.').map((part) => `\`${part.replace(/`/g, '``')}\``).join('.');
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_.@/:=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

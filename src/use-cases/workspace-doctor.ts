/**
 * The workspace doctor: asks the configured workspace, read-only, whether everything the tools rely on is in
 * place, one check per line with the evidence and the fix. The `doctor` command and the `doctor://workspace`
 * resource both run it. Nothing here writes, starts or creates anything: a stopped warehouse is reported, not
 * started, and the Known-limits checks only read what a workspace already holds.
 *
 * Checks run in dependency order: without a workspace identity nothing else can be asked, and without a running
 * warehouse the system tables cannot be read; a check that could not run says so as `unknown`.
 */
import { SqlError } from '../databricks/sql-client.js';
import { workspaceWarehouse } from '../databricks/sql-workspace.js';
import { getWorkspace, type Workspace } from '../databricks/workspace-clients.js';
import { filledDefaults } from '../governance/filled-defaults.js';
import { describeServiceNames, serviceNameSample } from '../governance/usage/service-name-sample.js';
import { AI_GATEWAY_USAGE, ENDPOINT_USAGE, probeStatement, SERVED_ENTITIES } from '../governance/usage/usage-sources.js';
import { formatTable, type TableName } from '../shared/sql-names.js';
import type { SqlStatement } from '../shared/sql-statement.js';
import { isRecord, type StateData } from '../shared/records.js';
import { scrubSecrets, ToolError } from '../shared/tool-error.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { loadStateIfPresent, type LoadedState } from '../state/read-state.js';
import { ucLocation } from './gateway-provisioning.js';
import { isResolved, resolveRegisteredModels, type ModelResolution } from './registered-model-resolver.js';

export type CheckStatus = 'pass' | 'fail' | 'unknown';

export interface DoctorCheck {
  check: string;
  status: CheckStatus;
  evidence: string;
  /** What to do about it; empty when the check passed. */
  fix: string;
}

export interface DoctorRequest {
  /** The state file to read; default as every tool: AIGW_STATE_FILE, ./state.yaml, ./.vibecoding-state.md. */
  stateFile?: string;
}

interface DoctorCall {
  readonly runtime: Runtime;
  readonly signal: AbortSignal;
}

const pass = (check: string, evidence: string): DoctorCheck => ({ check, status: 'pass', evidence, fix: '' });
const fail = (check: string, evidence: string, fix: string): DoctorCheck => ({ check, status: 'fail', evidence, fix });
const unknown = (check: string, evidence: string, fix: string): DoctorCheck => ({ check, status: 'unknown', evidence, fix });

/** What an error says, for evidence: the workspace's own words where it gave them. */
function said(error: unknown): string {
  if (error instanceof ToolError) return `${error.what}: ${error.why}`;
  return error instanceof Error ? error.message : String(error);
}

const nextOf = (error: unknown, otherwise: string): string => (error instanceof ToolError ? error.next : otherwise);

/** Every check the later ones need: the identity, the state, the location of the team schema. */
interface Context {
  call: DoctorCall;
  workspace: Workspace;
  principal: string;
  state: LoadedState | undefined;
  teamSchema: { catalog: string; schema: string } | undefined;
  /** Set once system.ai_gateway.usage proved readable. */
  usageServiceNames?: () => Promise<Array<Record<string, unknown>>>;
}

/** Runs every check; evidence and fixes never carry a credential (they quote the workspace's own errors). */
export async function workspaceDoctor(call: DoctorCall, request: DoctorRequest = {}): Promise<DoctorCheck[]> {
  const checks = await runChecks(call, request);
  const scrub = (text: string) => scrubSecrets(text, [...call.runtime.secrets]);
  return checks.map((c) => ({ ...c, evidence: scrub(c.evidence), fix: scrub(c.fix) }));
}

async function runChecks(call: DoctorCall, request: DoctorRequest): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  let workspace: Workspace;
  try {
    workspace = getWorkspace(call.runtime);
  } catch (error) {
    return [fail('auth', said(error), nextOf(error, 'Set DATABRICKS_HOST and a credential (see README, Configuration)')), ...notRun('no workspace is configured')];
  }
  let principal: string;
  try {
    principal = (await workspace.identity.me(call.signal)) ?? 'a principal without a user name';
    checks.push(pass('auth', `${workspace.config.host} answered GET /api/2.0/preview/scim/v2/Me: ${principal} (auth ${workspace.config.authType})`));
  } catch (error) {
    return [fail('auth', `${workspace.config.host}: ${said(error)}`, nextOf(error, 'Check DATABRICKS_HOST and the credential')), ...notRun('authentication failed')];
  }

  let state: LoadedState | undefined;
  try {
    state = await loadStateIfPresent(call.runtime, request.stateFile);
    checks.push(
      state
        ? pass('state_file', `read ${state.path}`)
        : unknown('state_file', 'no state file named or found', 'Pass --state, or set AIGW_STATE_FILE to the workshop state file: the endpoint and schema checks need it'),
    );
  } catch (error) {
    checks.push(fail('state_file', said(error), nextOf(error, 'Fix the state file')));
  }
  const location = state ? ucLocation(state.data.uc_catalog_schema) : undefined;
  const teamSchema = location?.catalog && location.schema ? { catalog: location.catalog, schema: location.schema } : undefined;
  const context: Context = { call, workspace, principal, state, teamSchema };

  checks.push(...(await warehouseAndSystemTables(context)));
  checks.push(await unityGatewayApi(context));
  checks.push(await secretsReadable(context));
  checks.push(await alertsReachable(context));
  checks.push(await permissionsReadable(context));
  const endpoints = await auditedEndpoints(context);
  checks.push(...endpoints.checks);
  checks.push(await getDefaults(context));
  checks.push(await usageServiceNames(context));
  checks.push(await serviceListFields(context));
  checks.push(await provisionedThroughput(context, endpoints.models));
  return checks;
}

/** The checks after `auth`, each `unknown` because `reason`. */
function notRun(reason: string): DoctorCheck[] {
  return ['warehouse', 'system_tables.serving', 'system_tables.ai_gateway', 'unity_ai_gateway', 'secrets', 'alerts_v2', 'uc_permissions'].map((check) =>
    unknown(check, `not run: ${reason}`, 'Fix the auth check first, then run doctor again'),
  );
}

async function warehouseAndSystemTables(context: Context): Promise<DoctorCheck[]> {
  const { workspace, principal, call } = context;
  const skipped = (why: string) => [
    unknown('system_tables.serving', `not run: ${why}`, 'Fix the warehouse check first'),
    unknown('system_tables.ai_gateway', `not run: ${why}`, 'Fix the warehouse check first'),
  ];
  const id = workspace.config.warehouseId;
  if (!id) {
    return [fail('warehouse', 'no SQL warehouse is configured', 'Set DATABRICKS_WAREHOUSE_ID (or warehouse_id in the profile) to a warehouse you have CAN USE on'), ...skipped('no warehouse')];
  }
  let described = `warehouse ${id}`;
  try {
    const info = await workspace.warehouses.get(id, call.signal);
    if (!info) {
      return [
        fail('warehouse', `GET /api/2.0/sql/warehouses/${id} answered that no warehouse has this id`, 'Set DATABRICKS_WAREHOUSE_ID to the id of a warehouse of this workspace (`databricks warehouses list`; the last part of its HTTP path)'),
        ...skipped('the warehouse does not exist'),
      ];
    }
    described = `warehouse ${id}${info.name ? ` (${info.name})` : ''} is ${info.state ?? 'in an unreported state'}`;
    if (info.state !== 'RUNNING') {
      // Reading the system tables would start it (and bill for it): the doctor only reads.
      return [
        unknown('warehouse', `${described}; doctor does not start it`, `Start it (\`databricks warehouses start ${id}\`, or any query starts it) and run doctor again to check the system tables`),
        ...skipped('the warehouse is not running'),
      ];
    }
  } catch (error) {
    // Without CAN VIEW on the warehouse object a statement may still run: try one.
    described = `GET /api/2.0/sql/warehouses/${id} was refused (${said(error)})`;
  }
  let query: (statement: SqlStatement) => Promise<Array<Record<string, unknown>>>;
  try {
    const { warehouse } = workspaceWarehouse(call.runtime);
    query = (statement) => warehouse.query(statement, { signal: call.signal });
    await query({ sql: 'SELECT 1 AS reachable', params: {} });
  } catch (error) {
    return [fail('warehouse', `${described}; SELECT 1 failed: ${said(error)}`, nextOf(error, 'Check the warehouse id and CAN USE on it')), ...skipped('the warehouse did not answer')];
  }
  const run = async (table: TableName) => void (await query(probeStatement(table)));
  const checks = [pass('warehouse', `${described}; SELECT 1 answered`)];
  checks.push(await systemTables('system_tables.serving', [ENDPOINT_USAGE, SERVED_ENTITIES], 'serving', run, principal));
  const aiGateway = await systemTables('system_tables.ai_gateway', [AI_GATEWAY_USAGE], 'ai_gateway', run, principal);
  checks.push(aiGateway);
  context.usageServiceNames = aiGateway.status === 'pass' ? () => query(serviceNameSample()) : undefined;
  return checks;
}

/** Known limit: what service_name (and endpoint_name) hold on model-service rows of system.ai_gateway.usage. */
async function usageServiceNames({ usageServiceNames: sample }: Context): Promise<DoctorCheck> {
  const check = 'known_limit:usage_service_name';
  if (!sample) return unknown(check, 'system.ai_gateway.usage was not read', 'Fix the system_tables.ai_gateway check first');
  try {
    return pass(check, describeServiceNames(await sample()));
  } catch (error) {
    // A release without the column answers "not found": that too is what this workspace says.
    return unknown(check, `reading service_name failed: ${said(error)}`, 'Paste this output in a bug report: the product matches model-service rows on service_name');
  }
}

async function systemTables(check: string, tables: TableName[], schema: string, run: (table: TableName) => Promise<void>, principal: string): Promise<DoctorCheck> {
  for (const table of tables) {
    try {
      await run(table);
    } catch (error) {
      const failure = error instanceof SqlError ? error.failure : undefined;
      if (failure === 'permission') {
        return fail(check, `${formatTable(table)} is not readable by ${principal}: ${said(error)}`, `An account admin or metastore admin runs GRANT USE SCHEMA ON SCHEMA system.${schema} TO \`${principal}\` and GRANT SELECT ON SCHEMA system.${schema} TO \`${principal}\``);
      }
      if (failure === 'not_found') {
        return fail(check, `${formatTable(table)} does not exist here: ${said(error)}`, `An account admin enables the system schema (\`databricks system-schemas enable <metastore-id> ${schema}\`)`);
      }
      return unknown(check, `reading ${formatTable(table)} failed: ${said(error)}`, nextOf(error, 'Run doctor again'));
    }
  }
  return pass(check, `${tables.map(formatTable).join(' and ')} readable by ${principal}`);
}

async function unityGatewayApi({ call, workspace, teamSchema }: Context): Promise<DoctorCheck> {
  const { catalog, schema } = teamSchema ?? { catalog: 'system', schema: 'ai' };
  const asked = `GET /api/2.1/unity-catalog/model-services?parent=schemas/${catalog}.${schema}`;
  try {
    if (await workspace.services.available(catalog, schema, call.signal)) return pass('unity_ai_gateway', `${asked} answered: the Unity AI Gateway API is present`);
    return fail(
      'unity_ai_gateway',
      `${asked} answered that there is no such API (404 ENDPOINT_NOT_FOUND or FEATURE_DISABLED)`,
      'Ask a workspace admin to enable the Unity AI Gateway preview (Admin settings → Previews); until then use target "serving_endpoint"',
    );
  } catch (error) {
    return unknown('unity_ai_gateway', `${asked}: ${said(error)}`, nextOf(error, 'Run doctor again'));
  }
}

/** The recorded gateway (`Foundation.f4_gateway`), when the state holds one. */
function recordedGateway(state: StateData | undefined): Record<string, unknown> | undefined {
  const foundation = state?.Foundation;
  return isRecord(foundation) && isRecord(foundation.f4_gateway) ? foundation.f4_gateway : undefined;
}

async function secretsReadable({ call, workspace, state }: Context): Promise<DoctorCheck> {
  const reference = recordedGateway(state?.data)?.token_secret;
  const [scope, key] = typeof reference === 'string' ? reference.split('/') : [];
  try {
    if (scope && key) {
      const keys = await workspace.secrets.keys(scope, call.signal);
      if (keys === undefined) return fail('secrets', `the recorded gateway's token secret scope ${scope} does not exist`, `databricks secrets create-scope ${scope}, then databricks secrets put-secret ${scope} ${key}`);
      if (!keys.includes(key)) return fail('secrets', `scope ${scope} is readable but holds no key ${key}`, `databricks secrets put-secret ${scope} ${key}`);
      return pass('secrets', `scope ${scope} is readable and holds ${key} (the recorded gateway's token secret; its value was not read)`);
    }
    const scopes = await workspace.secrets.scopes(call.signal);
    return pass('secrets', `GET /api/2.0/secrets/scopes/list answered: ${scopes.length} scope(s) visible`);
  } catch (error) {
    return fail('secrets', said(error), nextOf(error, `Ask the owner of the secret scope for READ on it`));
  }
}

async function alertsReachable({ call, workspace }: Context): Promise<DoctorCheck> {
  try {
    const page = await workspace.alerts.firstPage(1, call.signal);
    return pass('alerts_v2', `GET /api/2.0/alerts answered (${page.alerts.length}${page.more ? '+' : ''} alert(s) visible)`);
  } catch (error) {
    return fail('alerts_v2', said(error), nextOf(error, 'Ask a workspace admin for the Databricks SQL access entitlement'));
  }
}

async function permissionsReadable({ call, workspace, teamSchema }: Context): Promise<DoctorCheck> {
  if (!teamSchema) return unknown('uc_permissions', 'the state file names no uc_catalog_schema to read the grants of', 'Set uc_catalog_schema in the state file (the team schema of the inference tables)');
  const fullName = `${teamSchema.catalog}.${teamSchema.schema}`;
  try {
    if ((await workspace.schemas.lookup(teamSchema.catalog, teamSchema.schema, call.signal)) === 'missing') {
      return fail('uc_permissions', `the team schema ${fullName} does not exist`, `Its owner creates it (CREATE SCHEMA ${fullName}), or set uc_catalog_schema to one that exists`);
    }
    const grants = await workspace.grants.get('schema', fullName, call.signal);
    return pass('uc_permissions', `GET /api/2.1/unity-catalog/permissions/schema/${fullName} answered: ${grants.length} principal(s) hold direct grants`);
  } catch (error) {
    return fail('uc_permissions', said(error), nextOf(error, `Ask the owner of ${fullName} for USE CATALOG and USE SCHEMA`));
  }
}

/** A registered model an audited endpoint serves, as the workspace names it. */
interface ServedModel {
  endpoint: string;
  model: string;
}

/** Each endpoint of endpoint_guardrail_audit: does it exist here, and which registered model the workspace names behind it. */
async function auditedEndpoints({ call, workspace, state }: Context): Promise<{ checks: DoctorCheck[]; models: ServedModel[] }> {
  const audit = state?.data.endpoint_guardrail_audit;
  const names = isRecord(audit) ? Object.keys(audit) : [];
  if (names.length === 0) {
    return { checks: [unknown('audited_endpoints', 'the state file has no endpoint_guardrail_audit', 'Run vibecoding-state.endpoint_guardrail_audit on this workspace first')], models: [] };
  }
  const checks: DoctorCheck[] = [];
  const existing: string[] = [];
  for (const name of names) {
    const check = `audited_endpoint:${name}`;
    try {
      if (await workspace.servingEndpoints.get(name, call.signal)) existing.push(name);
      else checks.push(fail(check, `the audit names ${name}, and this workspace has no such serving endpoint`, 'Re-run the role endpoint probe on this workspace: the audit must name endpoints of the workspace the gateway is created in'));
    } catch (error) {
      checks.push(unknown(check, said(error), nextOf(error, 'Ask for CAN VIEW on the endpoint')));
    }
  }
  let resolutions: Record<string, ModelResolution>;
  try {
    // The same resolution create_gateway plans with: the endpoint's foundation model or the system service's
    // destination, confirmed by listing system.ai (registered-model-resolver.ts).
    resolutions = await resolveRegisteredModels(workspace, existing, call.signal);
  } catch (error) {
    return { checks: [...checks, ...existing.map((name) => unknown(`audited_endpoint:${name}`, `exists; its registered model could not be resolved: ${said(error)}`, nextOf(error, 'Run doctor again')))], models: [] };
  }
  const models: ServedModel[] = [];
  for (const name of existing) {
    const resolution = resolutions[name];
    const check = `audited_endpoint:${name}`;
    if (isResolved(resolution)) {
      models.push({ endpoint: name, model: resolution.model });
      checks.push(pass(check, `exists; registered model ${resolution.model}, named by ${resolution.source} and listed in system.ai`));
    } else {
      checks.push(fail(check, `exists; ${resolution?.problem ?? 'no registered model was resolved'}`, resolution?.settle ?? 'Run doctor again'));
    }
  }
  // In audit order, as the state file lists them.
  checks.sort((a, b) => names.indexOf(a.check.slice('audited_endpoint:'.length)) - names.indexOf(b.check.slice('audited_endpoint:'.length)));
  return { checks, models };
}

/** Known limit: which defaults a GET fills into the recorded gateway that the product never sends. */
async function getDefaults({ call, workspace, state }: Context): Promise<DoctorCheck> {
  const check = 'known_limit:get_defaults';
  const record = recordedGateway(state?.data);
  const name = record && record.target !== 'model_service' && typeof record.endpoint_name === 'string' ? record.endpoint_name : undefined;
  if (!name) return unknown(check, 'the state file records no serving-endpoint gateway to read', 'Run it again after create_gateway has recorded a gateway (Foundation.f4_gateway)');
  try {
    const endpoint = await workspace.servingEndpoints.get(name, call.signal);
    if (!endpoint) return fail(check, `the recorded gateway ${name} does not exist here`, 'Plan the gateway again with create_gateway: it is created anew');
    const filled = filledDefaults(endpoint);
    if (filled.length === 0) return pass(check, `GET of ${name} fills in nothing the plan compares beyond what the product sends`);
    return fail(check, `GET of ${name} fills in ${filled.join(', ')}, which the product does not send`, 'Every plan of this gateway shows these fields as changes: paste this output in a bug report so the plan learns to ignore them');
  } catch (error) {
    return unknown(check, said(error), nextOf(error, 'Ask for CAN VIEW on the endpoint'));
  }
}

/** Known limit: which fields the model-services list call answers in its default view. */
async function serviceListFields({ call, workspace, teamSchema }: Context): Promise<DoctorCheck> {
  const check = 'known_limit:model_service_list_fields';
  const { catalog, schema } = teamSchema ?? { catalog: 'system', schema: 'ai' };
  try {
    const [first] = await workspace.services.firstPage('model-services', catalog, schema, 1, call.signal);
    if (!first) return unknown(check, `${catalog}.${schema} holds no model service to list`, 'Run it again once a model service exists in the team schema (create_gateway with target "model_service")');
    const config = isRecord(first.config) ? Object.keys(first.config).sort() : [];
    return pass(check, `the list call answers ${Object.keys(first).sort().join(', ')}${config.length ? `; config: ${config.join(', ')}` : '; no config'}`);
  } catch (error) {
    return unknown(check, said(error), nextOf(error, 'Fix the unity_ai_gateway check first'));
  }
}

/** Known limit: what get-model-optimization-info answers for the audited endpoints' models (bands, model units, Claude). */
async function provisionedThroughput({ call, workspace }: Context, models: ServedModel[]): Promise<DoctorCheck> {
  const check = 'known_limit:provisioned_throughput';
  if (models.length === 0) return unknown(check, 'no audited endpoint resolved to a system.ai model', 'Fix the audited_endpoint checks first');
  const answers: string[] = [];
  try {
    for (const { model } of models) {
      const [version] = await workspace.models.versions(model, call.signal);
      if (!version) {
        answers.push(`${model}: no versions listed`);
        continue;
      }
      const info = await workspace.models.optimizationInfo(model, version, call.signal);
      answers.push(`${model} v${version}: ${info ? JSON.stringify(info) : 'no optimization info'}`);
    }
  } catch (error) {
    return unknown(check, [...answers, said(error)].join('; '), nextOf(error, 'Ask for USE CATALOG on system and USE SCHEMA on system.ai'));
  }
  return pass(check, `get-model-optimization-info answered: ${answers.join('; ')}`);
}

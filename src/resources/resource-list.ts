/**
 * Read-only views of the workshop state, the rule catalog and the workspace doctor, for clients that browse resources. They read
 * the default state file (AIGW_STATE_FILE, ./state.yaml, ./.vibecoding-state.md); tools take explicit paths.
 * A view whose state file or section does not exist answers "resource not found", not an internal error.
 */
import { ResourceNotFoundError, ResourceTemplate, type McpServer } from '@modelcontextprotocol/server';
import type { ErrorCode } from '../shared/error-codes.js';
import { ToolError } from '../shared/tool-error.js';
import { catalog } from '../governance/rules/rule-catalog.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { stateSection } from '../use-cases/state-view.js';
import { isRecord } from '../shared/records.js';
import { registerUsageView } from '../ui/usage-view.js';
import { workspaceDoctor } from '../use-cases/workspace-doctor.js';

const JSON_TYPE = 'application/json';
/** ToolError codes that mean the state behind a view does not exist (rather than cannot be read). */
const ABSENT = new Set<ErrorCode>(['STATE_FILE_NOT_FOUND', 'STATE_KEY_MISSING']);

export function registerResources(server: McpServer, runtime: Runtime): void {
  const json = (uri: URL, value: unknown) => ({ contents: [{ uri: uri.href, mimeType: JSON_TYPE, text: JSON.stringify(value, null, 2) }] });

  server.registerResource(
    'endpoint_guardrail_audit',
    'state://endpoint_guardrail_audit',
    { title: 'Endpoint guardrail audit', description: 'endpoint_guardrail_audit from the workshop state file: per endpoint, the probe results', mimeType: JSON_TYPE },
    async (uri) => json(uri, await stateView(runtime, uri, ['endpoint_guardrail_audit'])),
  );

  server.registerResource(
    'llm_role_endpoint',
    new ResourceTemplate('state://llm_role_endpoints/{role}', {
      list: async () => {
        const roles = await stateSection(runtime, ['llm_role_endpoints']).catch(() => ({}));
        return {
          resources: Object.keys(isRecord(roles) ? roles : {}).map((role) => ({ uri: `state://llm_role_endpoints/${encodeURIComponent(role)}`, name: role, mimeType: JSON_TYPE })),
        };
      },
      complete: {
        role: async () => {
          const roles = await stateSection(runtime, ['llm_role_endpoints']).catch(() => ({}));
          return Object.keys(isRecord(roles) ? roles : {});
        },
      },
    }),
    { title: 'Role endpoint binding', description: 'llm_role_endpoints.<role>: bound endpoint, candidates, probe requirements', mimeType: JSON_TYPE },
    async (uri, variables) => json(uri, await stateView(runtime, uri, ['llm_role_endpoints', roleName(uri, String(variables.role))])),
  );

  server.registerResource(
    'f4_gateway',
    'state://Foundation.f4_gateway',
    { title: 'F4 gateway record', description: 'Foundation.f4_gateway: the gateway create_gateway recorded (endpoint, prefix, payload table)', mimeType: JSON_TYPE },
    async (uri) => json(uri, await stateView(runtime, uri, ['Foundation', 'f4_gateway'])),
  );

  server.registerResource(
    'rules_catalog',
    'rules://catalog',
    { title: 'Validation rule catalog', description: 'Every rule validate_config applies: id, severity, what it requires, how to fix', mimeType: JSON_TYPE },
    async (uri) => json(uri, { rules: catalog() }),
  );

  server.registerResource(
    'workspace_doctor',
    'doctor://workspace',
    { title: 'Workspace doctor', description: 'Read-only checks of the configured workspace: [{check, status: pass|fail|unknown, evidence, fix}]', mimeType: JSON_TYPE },
    async (uri, ctx) => json(uri, await workspaceDoctor({ runtime, signal: ctx.mcpReq.signal })),
  );

  registerUsageView(server);
}

/**
 * A state section as the resource at `uri`; when it does not exist, the SDK's "resource not found" error with
 * our message, so a client can tell it from a server fault (-32603). That error is -32602 with the URI as data
 * on both protocol eras: revision 2026-07-28 made Invalid Params the resource-not-found code (SEP-2164), and
 * the SDK sends every -32002 as -32602, so the code matches what it answers for URIs no resource matches.
 */
async function stateView(runtime: Runtime, uri: URL, keys: string[]): Promise<unknown> {
  try {
    return await stateSection(runtime, keys);
  } catch (error) {
    if (error instanceof ToolError && ABSENT.has(error.code)) throw new ResourceNotFoundError(uri.href, error.message);
    throw error;
  }
}

/** The role a URI names; a malformed `%` escape names no role, so it is not found rather than a server fault. */
function roleName(uri: URL, encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new ResourceNotFoundError(uri.href, `${uri.href} has a malformed percent-escape, so it names no role. Percent-encode the role name as UTF-8 (encodeURIComponent)`);
  }
}

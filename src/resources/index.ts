/**
 * Read-only views of the workshop state and the rule catalog, for clients that browse resources. They read
 * the default state file (AIGW_STATE_FILE, ./state.yaml, ./.vibecoding-state.md); tools take explicit paths.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/server';
import { ToolError } from '../errors.js';
import { catalog } from '../governance/rules/index.js';
import type { Runtime } from '../runtime.js';
import { loadState } from '../state/read.js';
import { isRecord } from '../shared/records.js';
import { registerUsageView } from '../ui/usage-view.js';

const JSON_TYPE = 'application/json';

export function registerResources(server: McpServer, runtime: Runtime): void {
  const json = (uri: URL, value: unknown) => ({ contents: [{ uri: uri.href, mimeType: JSON_TYPE, text: JSON.stringify(value, null, 2) }] });

  server.registerResource(
    'endpoint_guardrail_audit',
    'state://endpoint_guardrail_audit',
    { title: 'Endpoint guardrail audit', description: 'endpoint_guardrail_audit from the workshop state file: per endpoint, the probe results', mimeType: JSON_TYPE },
    async (uri) => json(uri, await stateSection(runtime, ['endpoint_guardrail_audit'])),
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
    async (uri, variables) => json(uri, await stateSection(runtime, ['llm_role_endpoints', decodeURIComponent(String(variables.role))])),
  );

  server.registerResource(
    'f4_gateway',
    'state://Foundation.f4_gateway',
    { title: 'F4 gateway record', description: 'Foundation.f4_gateway: the gateway create_gateway recorded (endpoint, prefix, payload table)', mimeType: JSON_TYPE },
    async (uri) => json(uri, await stateSection(runtime, ['Foundation', 'f4_gateway'])),
  );

  server.registerResource(
    'rules_catalog',
    'rules://catalog',
    { title: 'Validation rule catalog', description: 'Every rule validate_config applies: id, severity, what it requires, how to fix', mimeType: JSON_TYPE },
    async (uri) => json(uri, { rules: catalog() }),
  );

  registerUsageView(server);
}

async function stateSection(runtime: Runtime, keys: string[]): Promise<unknown> {
  const state = await loadState(runtime);
  let value: unknown = state.data;
  for (const key of keys) {
    value = isRecord(value) ? value[key] : undefined;
    if (value === undefined) {
      throw new ToolError(`${keys.join('.')} is not in the state file ${state.path}`, 'the workshop step that writes it has not run', 'Run that step first, or point AIGW_STATE_FILE at the right state file', 'STATE_KEY_MISSING');
    }
  }
  return value;
}

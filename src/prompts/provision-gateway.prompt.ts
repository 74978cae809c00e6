/** provision_gateway: the F4 step as a slash command — audit, validate, plan, confirm, apply, verify. */
import { z } from 'zod';
import type { PromptSpec } from './define-prompt.js';

const args = z.object({
  endpoint: z.string().describe('Name of the gateway serving endpoint to create or update, e.g. skyloyalty-ai-gateway'),
  roles: z.string().optional().describe('Comma-separated roles the gateway serves (default agent_chat)'),
  catalog: z.string().optional().describe('Unity Catalog catalog for the inference table'),
  schema: z.string().optional().describe("The team's schema for the inference table"),
  state_file: z.string().optional().describe('Workshop state file (default AIGW_STATE_FILE, ./state.yaml, ./.vibecoding-state.md)'),
});

export const provisionGatewayPrompt: PromptSpec<typeof args> = {
  name: 'provision_gateway',
  title: 'Provision an AI Gateway (F4)',
  description: 'Walks through the F4 step: read the audit, validate the config, plan, confirm with you, apply, then verify the checklist.',
  args,
  text({ endpoint, roles, catalog, schema, state_file }) {
    const roleList = (roles ?? 'agent_chat').split(',').map((r) => r.trim()).filter(Boolean);
    const stateArg = state_file ? `, state_file "${state_file}"` : '';
    const where = catalog && schema ? `the inference table in ${catalog}.${schema}` : 'the inference table in the team schema (ask me for catalog and schema if the state file does not name them)';
    return `Provision the AI Gateway endpoint "${endpoint}" for the role(s) ${roleList.join(', ')} following the F4 step. Work in this order and stop where a step says stop:

1. Call read_audit with roles ${JSON.stringify(roleList)}${stateArg}. If status is "halted", STOP: show me operator_prompt.message word for word and wait. Never pick another endpoint yourself, and do not create anything.
2. Build the create body: served entities are only the bound endpoints that passed (plus their fallback_candidates), usage tracking on, ${where}, a table_name_prefix without a trailing "_", at least one rate limit, PII and safety guardrails on input and output. Call validate_config with it${stateArg}. Fix every error and validate again until valid is true; list the warnings for me.
3. Call create_gateway with mode "plan". Show me the plan (action, each change, warnings) and ask me to confirm. Do not continue without my yes.
4. After I confirm, call create_gateway with mode "apply" and the plan_id. If it returns "halted" or "blocked", show me why and stop.
5. Verify the F4 checklist and report each item as ✓ or ✗: validate_config with endpoint "${endpoint}" is valid; the endpoint serves only bound, passing endpoints; usage tracking and the inference table are on with the prefix recorded in the state file (Foundation.f4_gateway); rate limits and guardrails are set; grants were applied; query_usage with endpoint "${endpoint}" answers; tail_inference on the payload table answers (rows can take up to an hour to appear — say so rather than failing).`;
  },
};

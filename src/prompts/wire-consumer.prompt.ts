/**
 * wire_consumer: how an agent app, notebook, LangChain chain or Claude Code points at the gateway, with the
 * request id tied to the MLflow trace, as ready-to-paste snippets generated from the live endpoint.
 */
import { z } from 'zod';
import { fenced } from '../shared/code-literals.js';
import { scrubSecrets, ToolError } from '../shared/tool-error.js';
import { wireConsumer } from '../use-cases/consumer-wiring.js';
import type { PromptSpec } from './define-prompt.js';

const args = z.object({
  endpoint: z
    .string()
    .regex(/^(?:[A-Za-z0-9_-]{1,63}|[A-Za-z0-9_-]{1,255}\.[A-Za-z0-9_-]{1,255}\.[A-Za-z0-9_-]{1,255})$/, 'a serving endpoint name (1-63 letters, digits, "-" or "_") or a model service <catalog>.<schema>.<name>')
    .describe('The gateway consumers should call: a serving endpoint, e.g. skyloyalty-ai-gateway, or a model service <catalog>.<schema>.<name>'),
});

export const wireConsumerPrompt: PromptSpec<typeof args> = {
  name: 'wire_consumer',
  title: 'Point a consumer at the gateway',
  description: "The gateway's base URL and ready-to-paste snippets (OpenAI SDK in Python and TypeScript, Anthropic SDK, LangChain, Claude Code) that send the MLflow trace id with each request; then how to verify with validate_config.",
  args,
  async text({ endpoint }, runtime) {
    let wiring;
    try {
      wiring = await wireConsumer(runtime, { endpoint });
    } catch (error) {
      if (!(error instanceof ToolError)) throw error;
      return `I wanted to wire a consumer to the gateway "${endpoint}", but it could not be read: ${scrubSecrets(error.message, [...runtime.secrets])} Tell me this, and help me fix it before wiring anything.`;
    }
    const { snippets } = wiring;
    return `Wire my code to the AI Gateway endpoint "${wiring.endpoint}" so that every call goes through the gateway and carries the MLflow trace id. Ask me which client I use (OpenAI SDK in Python or TypeScript, Anthropic SDK, LangChain, Claude Code), change only its base URL, model and the request-id lines as below, and keep the token in DATABRICKS_TOKEN (never paste it into code).

Base URL (OpenAI-compatible): ${wiring.base_url} — model ${JSON.stringify(wiring.model)}${wiring.served_entity ? ` (served entity ${wiring.served_entity})` : ''}
Anthropic base URL: ${wiring.anthropic_base_url}
Native invocation URL: ${wiring.invocation_url}

OpenAI SDK, Python:
${fenced('python', snippets.openai_python)}

OpenAI SDK, TypeScript (npm i openai mlflow-tracing):
${fenced('typescript', snippets.openai_typescript)}

Anthropic SDK, Python:
${fenced('python', snippets.anthropic_python)}

LangChain (langchain-openai):
${fenced('python', snippets.langchain_python)}

Claude Code:
${fenced('sh', snippets.claude_code_env)}

Notes:
${wiring.notes.map((n) => `- ${n}`).join('\n')}

When the code is changed and has sent traffic, call validate_config with ${JSON.stringify({ endpoint: wiring.endpoint })} and show me the checklist items gateway-url (no caller bypasses the gateway) and request-id-correlation (share of requests with client_request_id).`;
  },
};

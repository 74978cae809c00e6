/**
 * How a consumer points at the gateway: the base URLs and ready-to-paste snippets for the OpenAI SDK (Python and
 * TypeScript), the Anthropic SDK, LangChain and Claude Code, generated from the live endpoint. Every snippet
 * sends the active MLflow trace id with each request, so payload rows join to traces exactly: as the body field
 * `client_request_id` (documented for serving endpoints: the inference table records it) and as the
 * `databricks_request_id` header the F4 step shows (undocumented; harmless where ignored). Serving endpoints and
 * model services are called at different URLs. Pure.
 */
import { codeString, shellWord } from '../shared/code-literals.js';

export interface ConsumerWiring {
  endpoint: string;
  /** OpenAI-compatible base URL: the model is the endpoint's name. */
  base_url: string;
  /** Anthropic Messages API base URL (Claude models: pay-per-token and external models). */
  anthropic_base_url: string;
  /** The native route, for clients that post the serving body themselves. */
  invocation_url: string;
  /** What requests name as their model. */
  model: string;
  /** The served entity that takes traffic, when the endpoint says. */
  served_entity?: string;
  snippets: {
    openai_python: string;
    openai_typescript: string;
    anthropic_python: string;
    langchain_python: string;
    claude_code_env: string;
  };
  notes: string[];
}

/** The placeholder used only when no workspace is configured, so the host is unknown. */
export const UNKNOWN_HOST = 'https://<workspace-host>';

export interface WiringInput {
  /** `https://host[:port]`, or undefined when no workspace is configured. */
  host?: string;
  /** The gateway's name: a serving endpoint's, or a model service's full `<catalog>.<schema>.<name>`. */
  endpoint: string;
  /** Which kind of gateway: each is called at its own URLs. Default serving_endpoint. */
  target?: 'serving_endpoint' | 'model_service';
  /** The entity serving traffic, from the live config. */
  servedEntity?: string;
  /** Claude behind the gateway: the Anthropic routes apply. */
  servesClaude: boolean;
}

/** Where clients call each kind of gateway (the README's "Two gateway targets" table). */
function routes(host: string, input: WiringInput): { base: string; anthropic: string; invocation: string } {
  if (input.target === 'model_service') {
    const base = `${host}/ai-gateway/mlflow/v1`;
    return { base, anthropic: `${host}/ai-gateway/anthropic`, invocation: `${base}/chat/completions` };
  }
  const base = `${host}/serving-endpoints`;
  return { base, anthropic: `${base}/anthropic`, invocation: `${base}/${encodeURIComponent(input.endpoint)}/invocations` };
}

export function consumerWiring(input: WiringInput): ConsumerWiring {
  const host = (input.host ?? UNKNOWN_HOST).replace(/\/+$/, '');
  const { base, anthropic, invocation } = routes(host, input);
  const model = input.endpoint;
  // Every value below enters code only as a literal of that code's language (shared/code-literals.ts).
  const str = { base: codeString(base), anthropic: codeString(anthropic), model: codeString(model) };
  const sh = { anthropic: shellWord(anthropic), model: shellWord(model) };
  const notes = [
    `Every consumer uses ${base} with model ${JSON.stringify(model)}: a call that names ${input.target === 'model_service' ? 'a system.ai model or an endpoint' : 'an endpoint behind the gateway'} instead escapes its rate limits, guardrails and usage tracking ("mixed traffic").`,
    'The MLflow trace id goes in the body as client_request_id, which the inference table records, and in the databricks_request_id header the F4 step shows. validate_config with endpoint measures the share of requests that carry it.',
  ];
  if (!input.host) notes.push('No workspace is configured, so the host is a placeholder: set DATABRICKS_HOST (or use --sandbox) and ask again for ready-to-paste URLs.');
  if (!input.servesClaude) notes.push(`${model} does not serve a Claude model, so the Anthropic SDK and Claude Code routes do not apply to it.`);
  return {
    endpoint: input.endpoint,
    base_url: base,
    anthropic_base_url: anthropic,
    invocation_url: invocation,
    model,
    ...(input.servedEntity ? { served_entity: input.servedEntity } : {}),
    snippets: {
      openai_python: `import os
import mlflow
from openai import OpenAI

client = OpenAI(base_url=${str.base}, api_key=os.environ["DATABRICKS_TOKEN"])

span = mlflow.get_current_active_span()
trace_id = span.trace_id if span else None  # MLflow 2.x: span.request_id
response = client.chat.completions.create(
    model=${str.model},
    messages=[{"role": "user", "content": "Hello"}],
    extra_body={"client_request_id": trace_id} if trace_id else None,
    extra_headers={"databricks_request_id": trace_id} if trace_id else None,
)
print(response.choices[0].message.content)
`,
      openai_typescript: `import OpenAI from 'openai';
import { getCurrentActiveSpan } from 'mlflow-tracing';

const client = new OpenAI({ baseURL: ${str.base}, apiKey: process.env.DATABRICKS_TOKEN });

const traceId = getCurrentActiveSpan()?.traceId;
const response = await client.chat.completions.create(
  {
    model: ${str.model},
    messages: [{ role: 'user', content: 'Hello' }],
    ...(traceId ? { client_request_id: traceId } : {}),
  },
  traceId ? { headers: { databricks_request_id: traceId } } : undefined,
);
console.log(response.choices[0]?.message.content);
`,
      anthropic_python: `import os
import anthropic
import mlflow

client = anthropic.Anthropic(
    api_key="unused",
    base_url=${str.anthropic},
    default_headers={"Authorization": "Bearer " + os.environ["DATABRICKS_TOKEN"]},
)

span = mlflow.get_current_active_span()
trace_id = span.trace_id if span else None
message = client.messages.create(
    model=${str.model},
    max_tokens=512,
    messages=[{"role": "user", "content": "Hello"}],
    extra_headers={"databricks_request_id": trace_id} if trace_id else None,
)
print(message.content[0].text)
`,
      langchain_python: `import os
import mlflow
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(base_url=${str.base}, api_key=os.environ["DATABRICKS_TOKEN"], model=${str.model})

span = mlflow.get_current_active_span()
trace_id = span.trace_id if span else None
reply = llm.invoke(
    "Hello",
    extra_body={"client_request_id": trace_id} if trace_id else None,
    extra_headers={"databricks_request_id": trace_id} if trace_id else None,
)
print(reply.content)
`,
      claude_code_env: `# Claude Code through the gateway (~/.claude/settings.json "env", or your shell)
export ANTHROPIC_BASE_URL=${sh.anthropic}
export ANTHROPIC_AUTH_TOKEN="$DATABRICKS_TOKEN"
export ANTHROPIC_MODEL=${sh.model}
# Claude Code has no per-request hook for an MLflow trace id: its requests carry no client_request_id.
# Trace its sessions with MLflow's Claude Code tracing and join on requester and time, or tag them:
export ANTHROPIC_CUSTOM_HEADERS="databricks_request_id: claude-code-$(hostname)-$(date +%s)"
`,
    },
    notes,
  };
}

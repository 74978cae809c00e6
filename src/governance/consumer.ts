/**
 * How a consumer points at the gateway: the base URLs and ready-to-paste snippets for the OpenAI SDK (Python and
 * TypeScript), the Anthropic SDK, LangChain and Claude Code, generated from the live endpoint. Every snippet
 * sends the active MLflow trace id with each request, so payload rows join to traces exactly: as the body field
 * `client_request_id` (documented for serving endpoints: the inference table records it) and as the
 * `databricks_request_id` header the F4 step shows (undocumented; harmless where ignored). Pure.
 */

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
  endpoint: string;
  /** The entity serving traffic, from the live config. */
  servedEntity?: string;
  /** Claude behind the gateway: the Anthropic routes apply. */
  servesClaude: boolean;
}

export function consumerWiring(input: WiringInput): ConsumerWiring {
  const host = (input.host ?? UNKNOWN_HOST).replace(/\/+$/, '');
  const base = `${host}/serving-endpoints`;
  const anthropic = `${base}/anthropic`;
  const model = input.endpoint;
  const name = JSON.stringify(model);
  const notes = [
    `Every consumer uses ${base} with model ${name}: a call that names an endpoint behind the gateway instead escapes its rate limits, guardrails and usage tracking ("mixed traffic").`,
    'The MLflow trace id goes in the body as client_request_id, which the inference table records, and in the databricks_request_id header the F4 step shows. validate_config with endpoint measures the share of requests that carry it.',
  ];
  if (!input.host) notes.push('No workspace is configured, so the host is a placeholder: set DATABRICKS_HOST (or use --sandbox) and ask again for ready-to-paste URLs.');
  if (!input.servesClaude) notes.push(`${model} does not serve a Claude model, so the Anthropic SDK and Claude Code routes do not apply to it.`);
  return {
    endpoint: input.endpoint,
    base_url: base,
    anthropic_base_url: anthropic,
    invocation_url: `${base}/${input.endpoint}/invocations`,
    model,
    ...(input.servedEntity ? { served_entity: input.servedEntity } : {}),
    snippets: {
      openai_python: `import os
import mlflow
from openai import OpenAI

client = OpenAI(base_url="${base}", api_key=os.environ["DATABRICKS_TOKEN"])

span = mlflow.get_current_active_span()
trace_id = span.trace_id if span else None  # MLflow 2.x: span.request_id
response = client.chat.completions.create(
    model=${name},
    messages=[{"role": "user", "content": "Hello"}],
    extra_body={"client_request_id": trace_id} if trace_id else None,
    extra_headers={"databricks_request_id": trace_id} if trace_id else None,
)
print(response.choices[0].message.content)
`,
      openai_typescript: `import OpenAI from 'openai';
import { getCurrentActiveSpan } from 'mlflow-tracing';

const client = new OpenAI({ baseURL: '${base}', apiKey: process.env.DATABRICKS_TOKEN });

const traceId = getCurrentActiveSpan()?.traceId;
const response = await client.chat.completions.create(
  {
    model: ${name},
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
    base_url="${anthropic}",
    default_headers={"Authorization": f"Bearer {os.environ['DATABRICKS_TOKEN']}"},
)

span = mlflow.get_current_active_span()
trace_id = span.trace_id if span else None
message = client.messages.create(
    model=${name},
    max_tokens=512,
    messages=[{"role": "user", "content": "Hello"}],
    extra_headers={"databricks_request_id": trace_id} if trace_id else None,
)
print(message.content[0].text)
`,
      langchain_python: `import os
import mlflow
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(base_url="${base}", api_key=os.environ["DATABRICKS_TOKEN"], model=${name})

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
export ANTHROPIC_BASE_URL="${anthropic}"
export ANTHROPIC_AUTH_TOKEN="$DATABRICKS_TOKEN"
export ANTHROPIC_MODEL=${name}
# Claude Code has no per-request hook for an MLflow trace id: its requests carry no client_request_id.
# Trace its sessions with MLflow's Claude Code tracing and join on requester and time, or tag them:
export ANTHROPIC_CUSTOM_HEADERS="databricks_request_id: claude-code-$(hostname)-$(date +%s)"
`,
    },
    notes,
  };
}

import { describe, expect, it } from 'vitest';
import { consumerWiring, UNKNOWN_HOST } from './consumer.js';

describe('consumerWiring', () => {
  const wiring = consumerWiring({ host: 'https://dbc-1.cloud.databricks.com/', endpoint: 'gw', servedEntity: 'primary', servesClaude: true });

  it('points every consumer at the gateway: the serving base URL, its Anthropic route and the model name', () => {
    expect(wiring).toMatchObject({
      endpoint: 'gw',
      base_url: 'https://dbc-1.cloud.databricks.com/serving-endpoints',
      anthropic_base_url: 'https://dbc-1.cloud.databricks.com/serving-endpoints/anthropic',
      invocation_url: 'https://dbc-1.cloud.databricks.com/serving-endpoints/gw/invocations',
      model: 'gw',
      served_entity: 'primary',
    });
  });

  it('writes each snippet against the gateway, sending the trace id as client_request_id or the request-id header', () => {
    const { openai_python, openai_typescript, anthropic_python, langchain_python, claude_code_env } = wiring.snippets;
    for (const snippet of [openai_python, openai_typescript, langchain_python]) {
      expect(snippet).toContain('https://dbc-1.cloud.databricks.com/serving-endpoints');
      expect(snippet).toMatch(/model[=:] ?"gw"/);
      expect(snippet).toContain('client_request_id');
      expect(snippet).toContain('databricks_request_id');
    }
    expect(anthropic_python).toContain('base_url="https://dbc-1.cloud.databricks.com/serving-endpoints/anthropic"');
    expect(anthropic_python).toContain('model="gw"');
    expect(claude_code_env).toContain("export ANTHROPIC_BASE_URL='https://dbc-1.cloud.databricks.com/serving-endpoints/anthropic'");
    expect(claude_code_env).toContain("export ANTHROPIC_MODEL='gw'");
  });

  it('warns against naming an endpoint behind the gateway, and adds no caveat when host and model fit', () => {
    expect(wiring.notes).toHaveLength(2);
    expect(wiring.notes[0]).toContain('with model "gw"');
  });

  it('says when the host is a placeholder and when the Anthropic routes do not apply', () => {
    const placeholder = consumerWiring({ endpoint: 'gw', servesClaude: false });
    expect(placeholder.base_url).toBe(`${UNKNOWN_HOST}/serving-endpoints`);
    expect(placeholder).not.toHaveProperty('served_entity');
    expect(placeholder.notes.slice(2)).toEqual([
      'No workspace is configured, so the host is a placeholder: set DATABRICKS_HOST (or use --sandbox) and ask again for ready-to-paste URLs.',
      'gw does not serve a Claude model, so the Anthropic SDK and Claude Code routes do not apply to it.',
    ]);
  });

  it('quotes the model name as a string literal in every snippet', () => {
    const odd = consumerWiring({ host: 'https://h', endpoint: 'gw"x', servesClaude: true });
    expect(odd.snippets.openai_python).toContain('model="gw\\"x"');
  });
});

describe('the snippets as pasted', () => {
  it('are exactly the reviewed text, for a host with a port and a trailing slash', () => {
    const { snippets, notes } = consumerWiring({ host: 'https://h.example:8443//', endpoint: 'team-gw', servesClaude: true });
    expect(notes[1]).toBe(
      'The MLflow trace id goes in the body as client_request_id, which the inference table records, and in the databricks_request_id header the F4 step shows. validate_config with endpoint measures the share of requests that carry it.',
    );
    expect(snippets).toMatchSnapshot();
  });
});

describe('consumerWiring per gateway target', () => {
  it('calls a model service at the AI Gateway routes, naming it by its full name', () => {
    const service = consumerWiring({ host: 'https://h', endpoint: 'main.ops.gw', target: 'model_service', servesClaude: true });
    expect(service).toMatchObject({
      base_url: 'https://h/ai-gateway/mlflow/v1',
      anthropic_base_url: 'https://h/ai-gateway/anthropic',
      invocation_url: 'https://h/ai-gateway/mlflow/v1/chat/completions',
      model: 'main.ops.gw',
    });
    expect(service.notes[0]).toBe(
      'Every consumer uses https://h/ai-gateway/mlflow/v1 with model "main.ops.gw": a call that names a system.ai model or an endpoint instead escapes its rate limits, guardrails and usage tracking ("mixed traffic").',
    );
    expect(service.snippets.openai_python).toContain('client = OpenAI(base_url="https://h/ai-gateway/mlflow/v1", api_key=os.environ["DATABRICKS_TOKEN"])');
  });

  it('calls a serving endpoint at its own invocations route, its name encoded as a path segment', () => {
    const serving = consumerWiring({ host: 'https://h', endpoint: 'gw a', target: 'serving_endpoint', servesClaude: true });
    expect(serving).toMatchObject({ base_url: 'https://h/serving-endpoints', anthropic_base_url: 'https://h/serving-endpoints/anthropic', invocation_url: 'https://h/serving-endpoints/gw%20a/invocations' });
    expect(serving.notes).toEqual([
      'Every consumer uses https://h/serving-endpoints with model "gw a": a call that names an endpoint behind the gateway instead escapes its rate limits, guardrails and usage tracking ("mixed traffic").',
      'The MLflow trace id goes in the body as client_request_id, which the inference table records, and in the databricks_request_id header the F4 step shows. validate_config with endpoint measures the share of requests that carry it.',
    ]);
  });
});

/**
 * Querying a serving endpoint: the native route `POST /serving-endpoints/{name}/invocations` and the
 * OpenAI-compatible `POST /serving-endpoints/chat/completions` (the model names the endpoint). A minimal model:
 * a chat body is checked, a canned assistant answer comes back in OpenAI chat form, and the request is recorded
 * as Databricks records it — a usage row, and a payload row (with the body's `client_request_id`) when the
 * endpoint has inference tables. Rate limits and guardrails are not enforced here.
 */
import { randomUUID } from 'node:crypto';
import type { InvocationRecord } from '../sandbox-contract.js';
import { invalid } from './error-replies.js';
import { array, object, string, type Json } from './rest-fields.js';
import { jsonBody, ok, type Reply, type RestRequest } from './rest-handler.js';
import type { ServingEndpoints } from './serving-endpoints.routes.js';

export const CHAT_COMPLETIONS_PATH = '/serving-endpoints/chat/completions';
export const INVOCATIONS_ROUTE = /^\/serving-endpoints\/([^/]+)\/invocations$/;

const ANSWER = 'Hello from the sandbox gateway.';
/** Roughly four characters a token, as Databricks estimates missing counts. */
const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export class Invocations {
  constructor(
    private readonly endpoints: ServingEndpoints,
    private readonly log: (invocation: InvocationRecord) => Promise<void>,
  ) {}

  /** OpenAI-compatible chat: `model` is the endpoint's name. */
  chatCompletions(req: RestRequest): Promise<Reply> {
    const body = object(jsonBody(req), 'request body');
    const model = string(body.model, 'model');
    return this.answer(req, model, body);
  }

  invoke(req: RestRequest, name: string): Promise<Reply> {
    return this.answer(req, name, object(jsonBody(req), 'request body'));
  }

  private async answer(req: RestRequest, name: string, body: Json): Promise<Reply> {
    const target = this.endpoints.invocationTarget(req, name);
    const messages = array(body.messages, 'messages');
    if (messages.length === 0) throw invalid('Invalid messages: at least one message is required.');
    messages.forEach((m, i) => {
      const message = object(m, `messages[${i}]`);
      string(message.role, `messages[${i}].role`);
    });
    const clientRequestId = body.client_request_id === undefined ? undefined : string(body.client_request_id, 'client_request_id');
    const usageContext = body.usage_context === undefined ? undefined : (object(body.usage_context, 'usage_context') as Record<string, string>);
    const databricksRequestId = randomUUID();
    const requestText = JSON.stringify(body);
    const created = Math.floor(Date.now() / 1000);
    const completion = {
      id: `chatcmpl-${databricksRequestId.slice(0, 8)}`,
      object: 'chat.completion',
      created,
      model: target.servedEntity.entityName,
      choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop' }],
      usage: { prompt_tokens: tokens(requestText), completion_tokens: tokens(ANSWER), total_tokens: tokens(requestText) + tokens(ANSWER) },
    };
    const responseText = JSON.stringify(completion);
    await this.log({
      endpoint: target.endpoint,
      servedEntity: target.servedEntity,
      requester: req.principal,
      databricksRequestId,
      ...(clientRequestId ? { clientRequestId } : {}),
      ...(usageContext ? { usageContext } : {}),
      statusCode: 200,
      requestTime: new Date(),
      inputTokens: completion.usage.prompt_tokens,
      outputTokens: completion.usage.completion_tokens,
      executionMs: 5,
      request: requestText,
      response: responseText,
      ...(target.payloadTable ? { payloadTable: target.payloadTable } : {}),
    });
    return { ...ok(completion), headers: { 'served-model-name': target.servedEntity.name, 'x-request-id': databricksRequestId } };
  }
}

/**
 * Serving endpoints (AI Gateway on a serving endpoint): every body the product builds, against the SDK's
 * request types. `name` of PUT …/config and PUT …/ai-gateway travels in the path, so it is left out of the body.
 */
import type * as serving from '@databricks/sdk-experimental/dist/apis/serving/model.js';
import type { DesiredAiGateway, DesiredGateway, DesiredServedEntity } from '../../src/governance/desired-endpoint.js';
import type { Assert, Conforms } from './exact.js';
import type { ServedEntityInput } from './sdk-additions.js';

type CreateBody = DesiredGateway['body'];
/** A served entity in model units: the product sends it through POST /api/2.0/serving-endpoints/pt. */
type ModelUnitsEntity = Extract<DesiredServedEntity, { provisioned_model_units: number }>;
type ConfigBody = NonNullable<CreateBody['config']>;

export type Checks = [
  // POST /api/2.0/serving-endpoints (dedicated and provisioned forms)
  Assert<Conforms<CreateBody, serving.CreateServingEndpoint>>,
  // PUT /api/2.0/serving-endpoints/{name}/config
  Assert<Conforms<ConfigBody, Omit<serving.EndpointCoreConfigInput, 'name'>>>,
  // Each served entity: external models wrapping an audited endpoint, or provisioned throughput of a system.ai model
  Assert<Conforms<DesiredServedEntity, ServedEntityInput>>,
  // POST /api/2.0/serving-endpoints/pt and PUT …/pt/{name}/config: a Provisioned Throughput entity in model units
  Assert<Conforms<ModelUnitsEntity, serving.PtServedModel & { burst_scaling_enabled?: boolean }>>,
  Assert<Conforms<Omit<CreateBody, 'config'>, Omit<serving.CreatePtEndpointRequest, 'config'>>>,
  // PUT /api/2.0/serving-endpoints/{name}/ai-gateway: rate limits, guardrails, inference table, usage, fallback
  Assert<Conforms<DesiredAiGateway, Omit<serving.PutAiGatewayRequest, 'name'>>>,
];

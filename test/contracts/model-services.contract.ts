/**
 * Unity AI Gateway: the model-service and MCP-service bodies the product builds, against the shapes the Python SDK
 * declares (model-service-shapes.ts; the JS SDK has none yet). The PATCH body is the same ModelService, sent with an
 * update mask, so one check covers create and update.
 */
import type { DesiredMcpService, DesiredModelService, DesiredRouting, DesiredServiceRateLimit } from '../../src/governance/desired-model-service.js';
import type { LiveService } from '../../src/databricks/ai-gateway-services.api.js';
import type { Assert, Conforms, ReadsOnly } from './exact.js';
import type { McpService, ModelService, ModelServiceOutput, RateLimit, Routing } from './model-service-shapes.js';

export type Checks = [
  // POST /api/2.1/unity-catalog/model-services?parent=…&model_service_id=…, PATCH …/model-services/{name}
  Assert<Conforms<DesiredModelService['body'], ModelService>>,
  // The same, part by part, so a mismatch is printed by its path
  Assert<Conforms<DesiredRouting, Routing>>,
  Assert<Conforms<DesiredServiceRateLimit, RateLimit>>,
  // POST /api/2.1/unity-catalog/mcp-services?parent=…&mcp_service_id=…, PATCH …/mcp-services/{name}
  Assert<Conforms<DesiredMcpService['body'], McpService>>,
  // What the product reads from GET …/model-services/{name}
  Assert<ReadsOnly<LiveService, ModelServiceOutput>>,
];

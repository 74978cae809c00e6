/**
 * What the sandbox accepts, against the SDK: every field and enum list its request validation uses must name
 * exactly what the SDK's request type declares. A name the SDK lacks makes the sandbox accept a body a workspace
 * refuses; a name the list leaves out makes it refuse one a workspace takes. Deliberate exceptions are named with
 * their reason.
 */
import type * as serving from '@databricks/sdk-experimental/dist/apis/serving/model.js';
import type * as sql from '@databricks/sdk-experimental/dist/apis/sql/model.js';
import type * as alerts from '../../src/sandbox/rest/alerts.routes.js';
import type * as endpoint from '../../src/sandbox/rest/endpoint-body-validation.js';
import type * as entity from '../../src/sandbox/rest/served-entity-checks.js';
import type { Assert, SameNames, SameValues } from './exact.js';
import type { AlertV2, CreateServingEndpoint, ServedEntityInput } from './sdk-additions.js';

type Names<T extends readonly string[]> = T[number];

export type ServingChecks = [
  Assert<SameNames<Names<typeof endpoint.CREATE_FIELDS>, CreateServingEndpoint>>,
  // auto_capture_config (legacy inference tables) is refused on purpose: it can no longer be enabled.
  Assert<SameNames<Names<typeof endpoint.CONFIG_FIELDS>, Omit<serving.EndpointCoreConfigInput, 'name'>, 'auto_capture_config'>>,
  Assert<SameNames<Names<typeof endpoint.ROUTE_FIELDS>, serving.Route>>,
  Assert<SameNames<Names<typeof endpoint.SERVED_ENTITY_FIELDS>, ServedEntityInput>>,
  Assert<SameNames<Names<typeof endpoint.AI_GATEWAY_FIELDS>, Omit<serving.PutAiGatewayRequest, 'name'>>>,
  Assert<SameNames<Names<typeof endpoint.RATE_LIMIT_FIELDS>, serving.AiGatewayRateLimit>>,
  Assert<SameNames<Names<typeof endpoint.GUARDRAIL_FIELDS>, serving.AiGatewayGuardrailParameters>>,
  Assert<SameNames<Names<typeof endpoint.INFERENCE_TABLE_FIELDS>, serving.AiGatewayInferenceTableConfig>>,
  Assert<SameValues<Names<typeof endpoint.RATE_LIMIT_KEYS>, serving.AiGatewayRateLimitKey>>,
  Assert<SameValues<Names<typeof endpoint.RENEWAL_PERIODS>, serving.AiGatewayRateLimitRenewalPeriod>>,
  Assert<SameValues<Names<typeof endpoint.PII_BEHAVIORS>, serving.AiGatewayGuardrailPiiBehaviorBehavior>>,
  Assert<SameNames<Names<typeof entity.EXTERNAL_MODEL_FIELDS>, serving.ExternalModel>>,
  Assert<SameValues<keyof typeof entity.PROVIDER_CONFIGS, serving.ExternalModelProvider>>,
  Assert<SameNames<Names<typeof entity.DATABRICKS_MODEL_SERVING_FIELDS>, serving.DatabricksModelServingConfig>>,
];

export type AlertChecks = [
  Assert<SameNames<Names<typeof alerts.INPUT_FIELDS>, AlertV2, 'id' | 'create_time' | 'update_time' | 'lifecycle_state' | 'owner_user_name' | 'effective_run_as'>>,
  Assert<SameNames<Names<typeof alerts.SCHEDULE_FIELDS>, sql.CronSchedule>>,
  Assert<SameNames<Names<typeof alerts.RUN_AS_FIELDS>, sql.AlertV2RunAs>>,
  Assert<SameNames<Names<typeof alerts.EVALUATION_FIELDS>, sql.AlertV2Evaluation, 'state' | 'last_evaluated_at'>>,
  Assert<SameNames<Names<typeof alerts.OPERAND_COLUMN_FIELDS>, sql.AlertV2OperandColumn>>,
  Assert<SameNames<Names<typeof alerts.OPERAND_FIELDS>, sql.AlertV2Operand>>,
  Assert<SameNames<Names<typeof alerts.OPERAND_VALUE_FIELDS>, sql.AlertV2OperandValue>>,
  Assert<SameNames<Names<typeof alerts.NOTIFICATION_FIELDS>, sql.AlertV2Notification>>,
  Assert<SameNames<Names<typeof alerts.SUBSCRIPTION_FIELDS>, sql.AlertV2Subscription>>,
  Assert<SameValues<Names<typeof alerts.COMPARISON_OPERATORS>, sql.ComparisonOperator>>,
  Assert<SameValues<Names<typeof alerts.AGGREGATIONS>, sql.Aggregation>>,
  Assert<SameValues<Names<typeof alerts.EVALUATION_STATES>, sql.AlertEvaluationState>>,
  Assert<SameValues<Names<typeof alerts.PAUSE_STATUSES>, sql.SchedulePauseStatus>>,
];

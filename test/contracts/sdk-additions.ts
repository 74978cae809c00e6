/**
 * Fields the Databricks API takes that @databricks/sdk-experimental 0.17 does not declare yet, because the JS SDK's
 * generated models trail the Go and Python SDKs. Each is added here with the SDK release that declares it; the
 * contract types below are the JS SDK's interfaces plus these, nothing else.
 */
import type * as catalog from '@databricks/sdk-experimental/dist/apis/catalog/model.js';
import type * as serving from '@databricks/sdk-experimental/dist/apis/serving/model.js';
import type * as sql from '@databricks/sdk-experimental/dist/apis/sql/model.js';

/**
 * `telemetry_config`: a create field the Python SDK's CreateServingEndpoint still declares (PY `TelemetryConfig`;
 * the project's audit, reference/databricks-current-api.md §5, lists it as deprecated but accepted).
 */
export type CreateServingEndpoint = serving.CreateServingEndpoint & { telemetry_config?: unknown };

/** databricks-sdk-go CHANGELOG: "Add `BurstScalingEnabled` field for serving.ServedEntityInput". */
export type ServedEntityInput = serving.ServedEntityInput & { burst_scaling_enabled?: boolean };

/**
 * databricks-sdk-go v0.153.0 CHANGELOG: "Add `OmitPermissionsInResponse` field for catalog.UpdatePermissions"
 * ("Optional, default false", databricks/cli cmd/workspace/grants). `securable_type` and `full_name` travel in the
 * path, not the body.
 */
export type UpdatePermissionsBody = Omit<catalog.UpdatePermissions, 'securable_type' | 'full_name'> & { omit_permissions_in_response?: boolean };

/**
 * `endpoint_type` (`FOUNDATION_MODEL_API` for Databricks-managed pay-per-token endpoints, `EXTERNAL_MODEL`): answered
 * by GET serving-endpoints though no SDK declares it; public clients branch on it (langchain-community
 * `llms/databricks.py` `_DatabricksServingEndpointClient`: `endpoint.get("endpoint_type")`).
 */
export type ServingEndpointDetailed = serving.ServingEndpointDetailed & { endpoint_type?: 'FOUNDATION_MODEL_API' | 'EXTERNAL_MODEL' };

/**
 * Unity AI Gateway privileges the SDK's `catalog.Privilege` does not list yet: `CREATE SERVICE` on a schema (to
 * create model and MCP services; reference/databricks-current-api.md §2).
 */
export type Privilege = catalog.Privilege | 'CREATE_SERVICE';

/**
 * databricks-sdk-py 0.133.0 sql.py:735 `AlertV2.parameters: List[AlertStatementParameter]` (sql.py:648: `name`,
 * `type`, `value`), static named scalars the query text references as `:name`.
 */
export type AlertV2 = sql.AlertV2 & { parameters?: Array<{ name: string; type?: string; value?: string }> };

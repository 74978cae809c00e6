/**
 * Alerts v2 and Unity Catalog permissions: the bodies the product sends, and what it reads from the answers of
 * every REST API it calls, against the SDK's types. A read type may leave fields out (the product reads what it
 * needs) but may not name a field the API does not answer.
 */
import type * as catalog from '@databricks/sdk-experimental/dist/apis/catalog/model.js';
import type * as serving from '@databricks/sdk-experimental/dist/apis/serving/model.js';
import type * as sql from '@databricks/sdk-experimental/dist/apis/sql/model.js';
import type { Alert } from '../../src/databricks/alerts.api.js';
import type { PrivilegeAssignment, permissionsPatchBody } from '../../src/databricks/grants.api.js';
import type { ServingEndpoint } from '../../src/databricks/serving-endpoints.api.js';
import type { WarehouseInfo } from '../../src/databricks/warehouses.api.js';
import type { DesiredAlert } from '../../src/governance/error-alert.js';
import type { Assert, Conforms, ReadsOnly } from './exact.js';
import type { UpdatePermissionsBody } from './sdk-additions.js';

/**
 * Privileges are the caller's words (an override of the F2 defaults, EXECUTE on a model service the SDK's
 * `catalog.Privilege` does not list yet): the product passes them as strings and the workspace refuses an unknown
 * one. Everything else in the body is checked as the SDK declares it.
 */
type PermissionsBodyWithNamedPrivileges = Omit<UpdatePermissionsBody, 'changes'> & {
  changes?: Array<Omit<catalog.PermissionsChange, 'add' | 'remove'> & { add?: string[]; remove?: string[] }>;
};

export type SendChecks = [
  // POST /api/2.0/alerts (the alert at the top level of the body) and PATCH /api/2.0/alerts/{id} (its masked fields)
  Assert<Conforms<DesiredAlert, sql.AlertV2>>,
  // PATCH /api/2.1/unity-catalog/permissions/{type}/{name}
  Assert<Conforms<ReturnType<typeof permissionsPatchBody>, PermissionsBodyWithNamedPrivileges>>,
];

export type ReadChecks = [
  Assert<ReadsOnly<WarehouseInfo, sql.GetWarehouseResponse>>,
  Assert<ReadsOnly<Alert, sql.AlertV2>>,
  Assert<ReadsOnly<ServingEndpoint, serving.ServingEndpointDetailed>>,
  Assert<ReadsOnly<PrivilegeAssignment, catalog.PrivilegeAssignment>>,
];

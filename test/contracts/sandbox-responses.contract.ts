/**
 * What the sandbox answers, against the SDK's response types: every field it fills in must be one a workspace
 * answers, with a value the SDK's type allows. The fields a client sent and the sandbox echoes (open records here)
 * are checked by sandbox-requests.contract.ts, through the field lists that admitted them.
 */
import type * as catalog from '@databricks/sdk-experimental/dist/apis/catalog/model.js';
import type * as sql from '@databricks/sdk-experimental/dist/apis/sql/model.js';
import type * as workspace from '@databricks/sdk-experimental/dist/apis/workspace/model.js';
import type { alertView } from '../../src/sandbox/rest/alerts.routes.js';
import type { PermissionsView } from '../../src/sandbox/rest/grants.routes.js';
import type { scopesView, secretsView } from '../../src/sandbox/rest/secrets.routes.js';
import type { endpointView } from '../../src/sandbox/rest/serving-endpoints.routes.js';
import type { describeSchema } from '../../src/sandbox/rest/unity-catalog.routes.js';
import type { warehouseView } from '../../src/sandbox/rest/workspace.routes.js';
import type { PRIVILEGES } from '../../src/sandbox/rest/grants.routes.js';
import type { Assert, Conforms, ConformsIgnoringOpen } from './exact.js';
import type { Privilege, ServingEndpointDetailed } from './sdk-additions.js';

export type Checks = [
  // GET /api/2.0/serving-endpoints/{name}
  Assert<ConformsIgnoringOpen<ReturnType<typeof endpointView>, ServingEndpointDetailed>>,
  // GET /api/2.0/alerts/{id}, and each alert of a list
  Assert<ConformsIgnoringOpen<ReturnType<typeof alertView>, sql.AlertV2>>,
  // GET /api/2.1/unity-catalog/permissions/{type}/{name}, PATCH's answer: privilege names are checked by the list
  // the sandbox accepts them from (below), so the answer's are taken as that list's names.
  Assert<Conforms<PermissionsView, Omit<catalog.GetPermissionsResponse, 'privilege_assignments'> & { privilege_assignments?: Array<{ principal?: string; privileges?: string[] }> }>>,
  Assert<Conforms<keyof typeof PRIVILEGES, Privilege>>,
  // GET /api/2.1/unity-catalog/schemas/{name}
  Assert<Conforms<ReturnType<typeof describeSchema>, catalog.SchemaInfo>>,
  // GET /api/2.0/secrets/scopes/list, GET /api/2.0/secrets/list
  Assert<Conforms<ReturnType<typeof scopesView>, workspace.ListScopesResponse>>,
  Assert<Conforms<ReturnType<typeof secretsView>, workspace.ListSecretsResponse>>,
  // GET /api/2.0/sql/warehouses/{id}
  Assert<Conforms<ReturnType<typeof warehouseView>, sql.GetWarehouseResponse>>,
];

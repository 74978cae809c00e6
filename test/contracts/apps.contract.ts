/**
 * Databricks Apps: the product calls no Apps API and the sandbox serves none; what it asks of the Apps API is what
 * the README tells an operator to send when deploying it (the app's resources, whose names app.yaml reads, and the
 * permissions of who may use it). Those bodies live here, checked against the SDK's Apps types; apps-documented.test.ts
 * checks that app.yaml and the README say the same.
 */
import type * as apps from '@databricks/sdk-experimental/dist/apis/apps/model.js';
import type { Assert, Conforms } from './exact.js';

type AppResource = NonNullable<apps.App['resources']>[number];
type AccessControl = NonNullable<apps.AppPermissionsRequest['access_control_list']>[number];

/** The resources of the app (databricks.yml); deploy/app/app.yaml's `valueFrom` names them. */
export const APP_RESOURCES = [
  { name: 'sql-warehouse', sql_warehouse: { id: '<warehouse id>', permission: 'CAN_USE' as const } },
  { name: 'plan-secret', secret: { scope: '<scope>', key: '<key>', permission: 'READ' as const } },
];

/** Who may use the app: the bundle's `permissions` (databricks.yml), as the Apps API receives them. */
export const APP_PERMISSIONS = { access_control_list: [{ group_name: 'gateway-ops', permission_level: 'CAN_USE' as const }] };

export type Checks = [
  Assert<Conforms<(typeof APP_RESOURCES)[number], AppResource>>,
  Assert<Conforms<(typeof APP_PERMISSIONS)['access_control_list'][number], AccessControl>>,
];

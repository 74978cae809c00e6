/**
 * Unity Catalog catalogs and schemas (`/api/2.1/unity-catalog/catalogs`, `/schemas`): get and create. Inference
 * tables are written only to a catalog and schema that exist, so a client checks or creates them here first.
 * Creating a catalog takes the metastore admin; a schema takes USE CATALOG and CREATE SCHEMA on its catalog.
 */
import type { Warehouse } from '../sandbox-contract.js';
import type { Identities } from '../sandbox-identity.js';
import { ADMIN } from '../seed/seed-catalog.js';
import { ApiError, invalid, notFound } from './error-replies.js';
import { object, string } from './rest-fields.js';
import type { Grants } from './grants.routes.js';
import { jsonBody, ok, type Reply, type RestRequest } from './rest-handler.js';

export const CATALOGS_PATH = '/api/2.1/unity-catalog/catalogs';
export const SCHEMAS_PATH = '/api/2.1/unity-catalog/schemas';

/** Catalog and schema names the sandbox holds: letters, digits, '-' and '_' (back-quoted in SQL when needed). */
const NAME = /^[A-Za-z0-9_-]{1,255}$/;

export class UnityCatalog {
  constructor(
    private readonly grants: Grants,
    private readonly identities: Identities,
    private readonly warehouse: Pick<Warehouse, 'ensureSchema'>,
  ) {}

  getCatalog(name: string): Reply {
    if (!this.grants.exists('catalog', name)) throw notFound(`Catalog '${name}' does not exist.`);
    return ok({ name, full_name: name, owner: this.grants.ownerOf('catalog', name) ?? ADMIN });
  }

  getSchema(fullName: string): Reply {
    const [catalog, schema, ...rest] = fullName.split('.');
    if (!catalog || !schema || rest.length > 0) throw invalid(`Invalid schema full name '${fullName}': expected catalog.schema.`);
    if (!this.grants.exists('schema', fullName)) throw notFound(`Schema '${fullName}' does not exist.`);
    return ok(describeSchema(catalog, schema, this.grants.ownerOf('schema', fullName) ?? ADMIN));
  }

  createCatalog(req: RestRequest): Reply {
    const name = identifier(object(jsonBody(req), 'request body').name, 'name');
    if (!this.identities.isMetastoreAdmin(req.principal)) {
      throw new ApiError('PERMISSION_DENIED', `User '${req.principal}' does not have CREATE CATALOG on Metastore. Ask a metastore admin to create the catalog.`);
    }
    if (this.grants.exists('catalog', name)) throw new ApiError('RESOURCE_ALREADY_EXISTS', `Catalog '${name}' already exists.`);
    this.grants.registerCatalog(name, req.principal);
    return ok({ name, full_name: name, owner: req.principal });
  }

  async createSchema(req: RestRequest): Promise<Reply> {
    const body = object(jsonBody(req), 'request body');
    const catalog = identifier(body.catalog_name, 'catalog_name');
    const schema = identifier(body.name, 'name');
    if (!this.grants.exists('catalog', catalog)) throw notFound(`Catalog '${catalog}' does not exist.`);
    const missing = this.grants.missingCreateSchemaPrivilege(req.principal, catalog);
    if (missing) {
      throw new ApiError(
        'PERMISSION_DENIED',
        `User '${req.principal}' does not have ${missing.privilege} on ${missing.securable} '${missing.fullName}'. Ask the catalog's owner or a metastore admin to grant it.`,
      );
    }
    const fullName = `${catalog}.${schema}`;
    if (this.grants.exists('schema', fullName)) throw new ApiError('RESOURCE_ALREADY_EXISTS', `Schema '${fullName}' already exists.`);
    await this.warehouse.ensureSchema(catalog, schema);
    this.grants.registerSchema(catalog, schema, req.principal);
    return ok(describeSchema(catalog, schema, req.principal));
  }
}

function identifier(value: unknown, field: string): string {
  const name = string(value, field);
  if (!NAME.test(name)) throw invalid(`Invalid ${field} '${name}': use letters, digits, '-' and '_' only.`);
  return name;
}

/** SchemaInfo, the fields the sandbox keeps. */
export function describeSchema(catalog: string, schema: string, owner: string) {
  return { name: schema, catalog_name: catalog, full_name: `${catalog}.${schema}`, owner };
}

/**
 * The Secrets API (REST 2.0): Databricks-backed scopes and the keys in them. Values go in and never come out:
 * no route returns one, which is what lets an external model reference `{{secrets/<scope>/<key>}}` instead of
 * carrying a plaintext token. Secret ACLs are not modelled: every authenticated principal may list and write.
 */
import { ApiError, invalid, notFound } from './error-replies.js';
import { object, string } from './rest-fields.js';
import { jsonBody, ok, type Reply, type RestRequest } from './rest-handler.js';

export const SECRETS_PREFIX = '/api/2.0/secrets/';

/**
 * Scope and key names: letters, digits, '-', '_' and '.', at most 128 characters (PY `SecretsAPI.create_scope`:
 * "alphanumeric characters, dashes, underscores, and periods", so no '@').
 */
const SCOPE_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const KEY_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const MAX_VALUE_BYTES = 128 * 1024;

const noScope = (scope: string) => notFound(`Scope ${scope} does not exist!`);

export class Secrets {
  /** scope → key → when it was last written (epoch ms). Values are not kept: nothing may read them. */
  private readonly scopes = new Map<string, Map<string, number>>();

  /** Whether a scope exists and, when `key` is given, holds that key. */
  has(scope: string, key?: string): boolean {
    const keys = this.scopes.get(scope);
    return keys !== undefined && (key === undefined || keys.has(key));
  }

  /** Writes a key, creating its scope when absent (for seeds and test fixtures). */
  put(scope: string, key: string): void {
    const keys = this.scopes.get(scope) ?? new Map<string, number>();
    keys.set(key, Date.now());
    this.scopes.set(scope, keys);
  }

  /** Deletes a key, or the whole scope when `key` is omitted (for test fixtures). */
  remove(scope: string, key?: string): void {
    if (key === undefined) this.scopes.delete(scope);
    else this.scopes.get(scope)?.delete(key);
  }

  route(req: RestRequest): Reply | undefined {
    const action = `${req.method} ${req.path.slice(SECRETS_PREFIX.length)}`;
    switch (action) {
      case 'GET scopes/list':
        return this.listScopes();
      case 'POST scopes/create':
        return this.createScope(req);
      case 'POST scopes/delete':
        return this.deleteScope(req);
      case 'GET list':
        return this.listSecrets(req);
      case 'POST put':
        return this.putSecret(req);
      case 'POST delete':
        return this.deleteSecret(req);
      default:
        return undefined;
    }
  }

  private listScopes(): Reply {
    return ok(scopesView([...this.scopes.keys()].sort()));
  }

  private createScope(req: RestRequest): Reply {
    const body = object(jsonBody(req), 'request body');
    const scope = scopeName(body.scope);
    if (body.scope_backend_type !== undefined && body.scope_backend_type !== 'DATABRICKS') {
      throw invalid(`Invalid scope_backend_type '${String(body.scope_backend_type)}': this workspace creates DATABRICKS-backed scopes only.`);
    }
    if (this.scopes.has(scope)) throw new ApiError('RESOURCE_ALREADY_EXISTS', `Scope ${scope} already exists!`);
    this.scopes.set(scope, new Map());
    return ok({});
  }

  private deleteScope(req: RestRequest): Reply {
    const scope = scopeName(object(jsonBody(req), 'request body').scope);
    if (!this.scopes.delete(scope)) throw noScope(scope);
    return ok({});
  }

  private listSecrets(req: RestRequest): Reply {
    const scope = req.query.get('scope');
    if (scope === null || scope === '') throw invalid("Missing required parameter 'scope'.");
    const keys = this.scopes.get(scope);
    if (!keys) throw noScope(scope);
    return ok(secretsView([...keys].sort(([a], [b]) => a.localeCompare(b))));
  }

  private putSecret(req: RestRequest): Reply {
    const body = object(jsonBody(req), 'request body');
    const scope = scopeName(body.scope);
    const key = keyName(body.key);
    const hasString = body.string_value !== undefined;
    if (hasString === (body.bytes_value !== undefined)) throw invalid("Set exactly one of 'string_value' or 'bytes_value'.");
    const value = string(hasString ? body.string_value : body.bytes_value, hasString ? 'string_value' : 'bytes_value');
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES) throw invalid(`The secret value is larger than ${MAX_VALUE_BYTES} bytes.`);
    if (!this.scopes.has(scope)) throw noScope(scope);
    this.put(scope, key);
    return ok({});
  }

  private deleteSecret(req: RestRequest): Reply {
    const body = object(jsonBody(req), 'request body');
    const scope = scopeName(body.scope);
    const key = keyName(body.key);
    const keys = this.scopes.get(scope);
    if (!keys) throw noScope(scope);
    if (!keys.delete(key)) throw notFound(`Secret ${key} does not exist in scope ${scope}!`);
    return ok({});
  }
}

/** ListScopesResponse; like the real API, an empty list is omitted rather than sent as []. */
export function scopesView(names: string[]) {
  const scopes = names.map((name) => ({ name, backend_type: 'DATABRICKS' as const }));
  return scopes.length > 0 ? { scopes } : {};
}

/** ListSecretsResponse: key names and when each was written, never a value. */
export function secretsView(keys: Array<[key: string, writtenAt: number]>) {
  const secrets = keys.map(([key, at]) => ({ key, last_updated_timestamp: at }));
  return secrets.length > 0 ? { secrets } : {};
}

function scopeName(value: unknown): string {
  const scope = string(value, 'scope');
  if (!SCOPE_NAME.test(scope)) throw invalid(`Invalid scope name '${scope}': use up to 128 letters, digits, '-', '_' and '.'.`);
  return scope;
}

function keyName(value: unknown): string {
  const key = string(value, 'key');
  if (!KEY_NAME.test(key)) throw invalid(`Invalid key name '${key}': use up to 128 letters, digits, '-', '_' and '.'.`);
  return key;
}

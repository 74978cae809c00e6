import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isLoopback, sessionConfiguration, toSqlError } from './sql-client.js';

// The driver's own error classes (CommonJS, not exported from its index): the shapes it really throws.
const require = createRequire(import.meta.url);
const { default: OperationStateError } = require('@databricks/sql/dist/errors/OperationStateError.js') as { default: new (code: string, response?: unknown) => Error };
const { default: StatusError } = require('@databricks/sql/dist/errors/StatusError.js') as { default: new (status: unknown) => object };

const target = { host: 'https://dbc-1.cloud.databricks.com', warehouseId: 'abc123' };

describe('driver errors become actionable SqlErrors', () => {
  it('OperationStateError with a permission sqlState', () => {
    const error = new OperationStateError('ERROR', {
      displayMessage: '[INSUFFICIENT_PERMISSIONS] User does not have USE SCHEMA on Schema system.serving.',
      sqlState: '42501',
    });
    const mapped = toSqlError(error, target);
    expect(mapped.failure).toBe('permission');
    expect(mapped.message).toMatch(/USE SCHEMA on Schema system\.serving.*USE CATALOG, USE SCHEMA and SELECT/);
  });

  it('StatusError, which is not an Error and has no sqlState', () => {
    const error = new StatusError({ errorMessage: '[TABLE_OR_VIEW_NOT_FOUND] The table `a`.`b`.`c` cannot be found.', errorCode: 0 });
    expect(error instanceof Error).toBe(false);
    expect(toSqlError(error, target).failure).toBe('not_found');
    const denied = new StatusError({ errorMessage: 'PERMISSION_DENIED: User does not have SELECT on table', errorCode: 0 });
    expect(toSqlError(denied, target).failure).toBe('permission');
  });

  it('timeouts, cancels, bad tokens, unknown warehouses and syntax', () => {
    expect(toSqlError(new OperationStateError('TIMEOUT'), target).failure).toBe('timeout');
    expect(toSqlError(new OperationStateError('CANCELED'), target).failure).toBe('cancelled');
    expect(toSqlError(new Error('Received a response with a bad HTTP status code: 401'), target).message).toMatch(/DATABRICKS_TOKEN/);
    expect(toSqlError(new Error('Received a response with a bad HTTP status code: 404'), target).message).toMatch(/DATABRICKS_WAREHOUSE_ID/);
    expect(toSqlError(new OperationStateError('ERROR', { displayMessage: '[PARSE_SYNTAX_ERROR] Syntax error at or near', sqlState: '42601' }), target).failure).toBe('syntax');
    expect(toSqlError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }), target).failure).toBe('connection');
  });

  it('knows loopback hosts', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('dbc-1.cloud.databricks.com')).toBe(false);
  });
});

describe('session configuration', () => {
  it('pins the session time zone to UTC, whatever the warehouse default, and sets the statement timeout', () => {
    expect(sessionConfiguration({})).toEqual({ STATEMENT_TIMEOUT: '300', TIMEZONE: 'UTC' });
    expect(sessionConfiguration({ statementTimeoutSeconds: 30 }).STATEMENT_TIMEOUT).toBe('30');
  });
});

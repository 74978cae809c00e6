/**
 * SQL errors in Databricks form: `[ERROR_CLASS] message SQLSTATE: xxxxx`, with the SQLSTATE the driver hands
 * to the caller. DuckDB's error kinds map onto the Databricks classes a caller is likely to branch on; the
 * DuckDB text stays in the message so a shim gap is easy to spot.
 */
import type { MissingPrivilege } from '../sandbox-contract.js';
import { DialectError } from './dialect.js';

export interface SqlError {
  errorClass: string;
  sqlState: string;
  message: string;
}

const DUCKDB_ERRORS: { pattern: RegExp; errorClass: string; sqlState: string }[] = [
  { pattern: /^Parser Error/, errorClass: 'PARSE_SYNTAX_ERROR', sqlState: '42601' },
  { pattern: /^Catalog Error: (Table|View) with name/, errorClass: 'TABLE_OR_VIEW_NOT_FOUND', sqlState: '42P01' },
  { pattern: /^Catalog Error: Schema with name/, errorClass: 'SCHEMA_NOT_FOUND', sqlState: '42704' },
  { pattern: /^Catalog Error: .*Function with name/, errorClass: 'UNRESOLVED_ROUTINE', sqlState: '42883' },
  { pattern: /^Binder Error: Referenced column/, errorClass: 'UNRESOLVED_COLUMN.WITH_SUGGESTION', sqlState: '42703' },
  { pattern: /^Binder Error: No function matches/, errorClass: 'DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE', sqlState: '42K09' },
  { pattern: /^Conversion Error/, errorClass: 'CAST_INVALID_INPUT', sqlState: '22018' },
  { pattern: /^Out of Range Error/, errorClass: 'ARITHMETIC_OVERFLOW', sqlState: '22003' },
  { pattern: /^Constraint Error/, errorClass: 'DELTA_CONSTRAINT_VIOLATION', sqlState: '23000' },
];

export function sqlError(errorClass: string, sqlState: string, message: string): SqlError {
  return { errorClass, sqlState, message };
}

/** An error the warehouse raises itself, already in Databricks form. */
export class SqlFailure extends Error {
  constructor(readonly sqlError: SqlError) {
    super(sqlError.message);
  }
}

export function fromException(e: unknown): SqlError {
  if (e instanceof SqlFailure) return e.sqlError;
  if (e instanceof DialectError) return sqlError(e.errorClass, e.sqlState, e.message);
  const text = e instanceof Error ? e.message : String(e);
  const known = DUCKDB_ERRORS.find((k) => k.pattern.test(text));
  return sqlError(known?.errorClass ?? 'INTERNAL_ERROR', known?.sqlState ?? 'XX000', text.split('\n')[0] ?? text);
}

/** The one-line text Databricks puts in errorMessage and displayMessage. */
export const errorText = (e: SqlError) => `[${e.errorClass}] ${e.message} SQLSTATE: ${e.sqlState}`;

/** What Databricks answers when a principal lacks a Unity Catalog privilege; `nextStep` says who can grant it. */
export const insufficientPrivileges = (missing: MissingPrivilege, nextStep: string) =>
  sqlError(
    'INSUFFICIENT_PERMISSIONS',
    '42501',
    `Insufficient privileges: User does not have ${missing.privilege} on ${missing.securable} '${missing.fullName}'. ${nextStep}`,
  );

/** What Databricks answers when a principal lacks USE SCHEMA on a system schema. */
/** System tables: only account admins until USE SCHEMA and SELECT on the system schema are granted. */
export const systemSchemaDenied = (schema: string, missing: MissingPrivilege = { privilege: 'USE SCHEMA', securable: 'Schema', fullName: `system.${schema}` }) =>
  insufficientPrivileges(missing, `An account admin must grant USE SCHEMA and SELECT on system.${schema} to this principal.`);

/** What Databricks answers when a principal may not read a table (a payload table here). */
export const tableReadDenied = (missing: MissingPrivilege) =>
  insufficientPrivileges(
    missing,
    'Reading a table takes USE CATALOG on its catalog, USE SCHEMA on its schema and SELECT on the table: ask its owner or a metastore admin to grant the missing one.',
  );

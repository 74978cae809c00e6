/**
 * Names that go into SQL text. Values always travel as named parameters; identifiers cannot, so every
 * catalog, schema, table and column name is checked against a strict pattern and back-quoted. A name that
 * fails the check is refused, never escaped into shape: there is no legitimate name it would reject.
 */
import { ToolError } from './tool-error.js';

/** One Unity Catalog name part: what UC allows for tables created by the product and the platform. */
const PART = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;

export interface TableName {
  catalog: string;
  schema: string;
  table: string;
}

export function isIdentifierPart(value: string): boolean {
  return PART.test(value);
}

/** Back-quotes a validated name part; throws when it is not a plain identifier. */
export function quotePart(value: string, what = 'identifier'): string {
  if (!isIdentifierPart(value)) {
    throw new ToolError(
      `The ${what} "${truncate(value)}" is not a valid name`,
      'names may hold letters, digits, "_" and "-" and must start with a letter or "_" (at most 255 characters)',
      `Pass the ${what} exactly as Unity Catalog shows it`,
      'INVALID_IDENTIFIER',
    );
  }
  return `\`${value}\``;
}

/** Parses and validates `catalog.schema.table` (each part optionally back-quoted). */
export function parseTableName(value: string, what = 'table'): TableName {
  const parts = value.split('.').map((p) => (/^`[^`]*`$/.test(p) ? p.slice(1, -1) : p));
  if (parts.length !== 3 || !parts.every(isIdentifierPart)) {
    throw new ToolError(
      `The ${what} "${truncate(value)}" is not a three-part table name`,
      'expected catalog.schema.table, each part letters, digits, "_" or "-", starting with a letter or "_"',
      `Pass the full name, e.g. workshop.skyloyalty_ops.gw_payload`,
      'INVALID_IDENTIFIER',
    );
  }
  const [catalog, schema, table] = parts as [string, string, string];
  return { catalog, schema, table };
}

export function quoteTable(name: TableName): string {
  return `${quotePart(name.catalog, 'catalog')}.${quotePart(name.schema, 'schema')}.${quotePart(name.table, 'table')}`;
}

export function formatTable(name: TableName): string {
  return `${name.catalog}.${name.schema}.${name.table}`;
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}

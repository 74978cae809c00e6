import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordSparkSql } from '../../../test/support/spark-sql.js';
import type { SqlStatement } from '../../shared/sql-statement.js';
import { decodeCursor, encodeCursor, fingerprintOf } from './tail-cursor.js';
import { confirmTable, locatePayloadTable } from './payload-table.js';
import { newestRowStatement, tailStatement, type TailQuery } from './tail-rows.js';

/** Records a statement for the Spark SQL grammar check that ends the run (test/support/spark-sql.ts): loading the parser here would cost every mutant seconds. */
const grammarCheck = (sql: string) => recordSparkSql([sql], 'src/governance/inference/inference.test.ts');

describe('cursor', () => {
  const key = randomBytes(32);
  const fingerprint = fingerprintOf({ table: 'a.b.c', filters: { status: 'all' } });
  const position = { direction: 'older' as const, time: '2026-11-27 10:00:00.123456', requestId: 'r-1', fingerprint };

  it('round-trips a position', () => {
    expect(decodeCursor(encodeCursor(position, key), key, fingerprint)).toEqual(position);
  });

  it('refuses an edited cursor, a foreign key, and other filters', () => {
    const token = encodeCursor(position, key);
    const [body, tag] = token.split('.') as [string, string];
    const edited = Buffer.from(Buffer.from(body, 'base64url').toString().replace('r-1', 'r-2')).toString('base64url');
    expect(() => decodeCursor(`${edited}.${tag}`, key, fingerprint)).toThrow(/seal does not match/);
    expect(() => decodeCursor(token, randomBytes(32), fingerprint)).toThrow(/seal does not match/);
    expect(() => decodeCursor(token, key, fingerprintOf({ other: true }))).toThrow(/another table or other filters/);
    expect(() => decodeCursor('garbage', key, fingerprint)).toThrow(/not a cursor/);
  });
});

describe('tail statement', () => {
  const base: TailQuery = {
    table: { catalog: 'workshop', schema: 'skyloyalty_ops', table: 'gw_payload' },
    window: { since: new Date('2026-11-26T00:00:00Z'), until: new Date('2026-11-27T00:00:00Z') },
    filters: { status: 'all' },
    limit: 20,
    payloads: 'both',
    fetchChars: 2256,
  };
  const evil = "'; DROP TABLE x; --";
  const variants: Array<[string, Partial<TailQuery>]> = [
    ['no filters', {}],
    ['errors', { filters: { status: 'errors' } }],
    ['codes and every id filter', { filters: { status: [429, 503], requester: evil, databricks_request_id: evil, client_request_id: evil, served_entity_id: evil } }],
    ['older cursor', { cursor: { direction: 'older', time: '2026-11-26 10:00:00.5', requestId: evil, fingerprint: 'f' } }],
    ['newer cursor, no payloads', { payloads: 'none', cursor: { direction: 'newer', time: '2026-11-26 10:00:00', requestId: 'r', fingerprint: 'f' } }],
  ];
  for (const [name, overrides] of variants) {
    it(`${name}: parses as Spark SQL, filters on request_date, binds values`, () => {
      const { sql, params } = tailStatement({ ...base, ...overrides });
      grammarCheck(sql);
      expect(sql).toMatch(/request_date (<|>)=/);
      expect(sql).not.toContain('DROP');
      for (const marker of sql.match(/:[A-Za-z_][A-Za-z0-9_]*/g) ?? []) expect(params).toHaveProperty(marker.slice(1));
    });
  }

  it('reads one row past the limit and orders by the keyset', () => {
    const { sql, params } = tailStatement(base);
    expect(sql).toContain('ORDER BY request_time DESC, databricks_request_id DESC');
    expect(params.row_limit).toEqual({ type: 'INTEGER', value: 21 });
  });

  it('the newest-row statement parses too', () => {
    grammarCheck(newestRowStatement(base.table, new Date('2026-10-01T00:00:00Z')).sql);
  });
});

describe('payload table location', () => {
  const runner = (names: string[]) => {
    const seen: SqlStatement[] = [];
    const run = async (statement: SqlStatement) => {
      seen.push(statement);
      grammarCheck(statement.sql);
      return names.map((table_name) => ({ table_name }));
    };
    return { run, seen };
  };
  const config = { enabled: true, catalog_name: 'workshop', schema_name: 'skyloyalty_ops', table_name_prefix: 'gw' };

  it('confirms <prefix>_payload', async () => {
    const { run, seen } = runner(['gw_payload', 'gw_other_payload']);
    const found = await locatePayloadTable('skyloyalty-ai-gateway', config, run);
    expect(found.table).toEqual({ catalog: 'workshop', schema: 'skyloyalty_ops', table: 'gw_payload' });
    expect(seen[0]?.sql).toContain('`system`.`information_schema`.`tables`');
  });

  it('falls back to <prefix>_<endpoint>_payload, then a single other match, and says so', async () => {
    expect((await locatePayloadTable('skyloyalty-ai-gateway', config, runner(['gw_skyloyalty_ai_gateway_payload', 'gw_x_payload']).run)).note).toMatch(/prefix plus endpoint name/);
    expect((await locatePayloadTable('skyloyalty-ai-gateway', config, runner(['gw_legacy_payload']).run)).table.table).toBe('gw_legacy_payload');
    await expect(locatePayloadTable('skyloyalty-ai-gateway', config, runner(['gw_a_payload', 'gw_b_payload']).run)).rejects.toThrow(/ambiguous.*gw_a_payload, gw_b_payload/);
    await expect(locatePayloadTable('skyloyalty-ai-gateway', config, runner([]).run)).rejects.toThrow(/up to an hour/);
  });

  it('says when inference tables are off', async () => {
    await expect(locatePayloadTable('x', { enabled: false }, runner([]).run)).rejects.toThrow(/not enabled/);
  });

  it('confirms an explicit table', async () => {
    await expect(confirmTable({ catalog: 'a', schema: 'b', table: 'c' }, runner([]).run)).rejects.toThrow(/was not found/);
    expect((await confirmTable({ catalog: 'a', schema: 'b', table: 'c' }, runner(['c']).run)).table.table).toBe('c');
  });
});

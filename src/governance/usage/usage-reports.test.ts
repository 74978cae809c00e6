import { describe, expect, it } from 'vitest';
import { recordSparkSql } from '../../../test/support/spark-sql.js';
import { SqlParams } from '../../shared/sql-statement.js';
import { buildReport, REPORTS, splitTotals, type UsageQuery } from './usage-reports.js';
import { AI_GATEWAY_USAGE, columnsStatement, ENDPOINT_USAGE, mapColumns, probeStatement, servingSource, type UsageSource } from './usage-sources.js';

/** Records a statement for the Spark SQL grammar check that ends the run (test/support/spark-sql.ts): loading the parser here would cost every mutant seconds. */
const grammarCheck = (sql: string) => recordSparkSql([sql], 'src/governance/usage/usage-reports.test.ts');

const window = { since: new Date('2026-11-20T00:00:00Z'), until: new Date('2026-11-27T00:00:00Z') };
const gatewaySource: UsageSource = {
  kind: 'ai_gateway',
  tables: [AI_GATEWAY_USAGE],
  columns: mapColumns(AI_GATEWAY_USAGE, [
    { column_name: 'event_time', data_type: 'TIMESTAMP' },
    { column_name: 'endpoint_name', data_type: 'STRING' },
    { column_name: 'requester', data_type: 'STRING' },
    { column_name: 'destination_model', data_type: 'STRING' },
    { column_name: 'input_tokens', data_type: 'BIGINT' },
    { column_name: 'output_tokens', data_type: 'BIGINT' },
    { column_name: 'status_code', data_type: 'INT' },
    { column_name: 'usage_context', data_type: 'MAP<STRING,STRING>' },
  ]),
};
const tableSource: UsageSource = {
  kind: 'table',
  tables: [{ catalog: 'main', schema: 'ops', table: 'gw_usage' }],
  columns: mapColumns({ catalog: 'main', schema: 'ops', table: 'gw_usage' }, [
    { column_name: 'request_time', data_type: 'TIMESTAMP' },
    { column_name: 'served_entity_id', data_type: 'STRING' },
    { column_name: 'input_token_count', data_type: 'BIGINT' },
    { column_name: 'output_token_count', data_type: 'BIGINT' },
    { column_name: 'usage_context', data_type: 'STRING' },
  ]),
};

function query(overrides: Partial<UsageQuery>): UsageQuery {
  return {
    report: 'summary',
    source: servingSource(),
    window,
    filters: {},
    limit: 50,
    spike: { multiple: 5, minTokens: 1000 },
    ...overrides,
  };
}

const INJECTION = "x' OR 1=1; DROP TABLE t; --";

describe('usage report statements', () => {
  const sources = { serving: servingSource(), ai_gateway: gatewaySource, table: tableSource };
  for (const [name, source] of Object.entries(sources)) {
    for (const report of REPORTS) {
      it(`${report} on ${name} parses as Spark SQL and binds every value`, () => {
        const built = buildReport(
          query({
            report,
            source,
            contextKey: 'team',
            filters: { endpoint: 'skyloyalty-ai-gateway', user: INJECTION, served_entity: INJECTION, context_value: INJECTION },
            prices: { 'claude-sonnet-46': { input_per_million: 3, output_per_million: 15 }, [INJECTION]: { input_per_million: 1, output_per_million: 2 } },
          }),
          new SqlParams(),
        );
        grammarCheck(built.statement.sql);
        expect(built.statement.sql).not.toContain('DROP');
        expect(built.statement.sql).not.toMatch(/QUALIFY/i);
        expect(Object.values(built.statement.params).some((v) => typeof v === 'object' && v?.value === INJECTION)).toBe(true);
        for (const marker of built.statement.sql.match(/:[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
          expect(built.statement.params).toHaveProperty(marker.slice(1));
        }
      });
    }
  }

  it('de-duplicates served_entities to the latest row per entity before joining', () => {
    const { sql } = buildReport(query({}), new SqlParams()).statement;
    expect(sql).toContain('ROW_NUMBER() OVER (PARTITION BY served_entity_id ORDER BY change_time DESC) AS version_rank');
    expect(sql).toContain('WHERE version_rank = 1');
  });

  it('widens the relation by the 7-day baseline for spikes but reports only days in the window', () => {
    const built = buildReport(query({ report: 'spikes' }), new SqlParams());
    const values = Object.fromEntries(Object.entries(built.statement.params).map(([k, v]) => [k, typeof v === 'object' && v ? v.value : v]));
    expect(values.since).toBe('2026-11-13 00:00:00.000');
    expect(values.report_since).toBe('2026-11-20');
    expect(values.spike_multiple).toBe(5);
  });

  it('groups by the allow-listed dimensions asked for', () => {
    const built = buildReport(query({ report: 'by_user', groupBy: ['day', 'endpoint'] }), new SqlParams());
    expect(built.statement.sql).toContain('GROUP BY CAST(request_time AS DATE), endpoint_name');
    expect(built.dimensions).toEqual(['day', 'endpoint']);
  });

  it('maps a usage table without endpoint names through served_entities and reads JSON context', () => {
    const { sql } = buildReport(query({ source: tableSource, contextKey: 'team', report: 'chargeback' }), new SqlParams()).statement;
    expect(sql).toContain('LEFT JOIN (SELECT served_entity_id');
    expect(sql).toContain("get_json_object(u.`usage_context`, concat('$.', :context_key))");
  });

  it('splits window totals off the rows, zero when nothing matched', () => {
    const built = buildReport(query({ report: 'by_day' }), new SqlParams());
    const split = splitTotals(built, [
      { day: '2026-11-20', requests: 2, total_tokens: 10, group_count: 9, total_requests: 40, total_total_tokens: 400, total_input_tokens: 1, total_output_tokens: 2, total_errors: 0 },
    ]);
    expect(split.rows).toEqual([{ day: '2026-11-20', requests: 2, total_tokens: 10 }]);
    expect(split.totals).toMatchObject({ requests: 40, total_tokens: 400 });
    expect(split.groups).toBe(9);
    expect(splitTotals(built, []).totals.requests).toBe(0);
  });

  it('source probes and the column lookup parse as Spark SQL', () => {
    grammarCheck(probeStatement(ENDPOINT_USAGE).sql);
    grammarCheck(columnsStatement(AI_GATEWAY_USAGE, new SqlParams()).sql);
  });

  it('refuses a usage table with no token columns', () => {
    expect(() => mapColumns({ catalog: 'a', schema: 'b', table: 'c' }, [{ column_name: 'x', data_type: 'INT' }])).toThrow(/does not look like a usage table/);
  });
});

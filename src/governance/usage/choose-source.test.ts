import { describe, expect, it } from 'vitest';
import type { SqlStatement } from '../../shared/sql-statement.js';
import { chooseSource, GRANT_HINT, type RunStatement } from './choose-source.js';

const USAGE_COLUMNS = [
  { column_name: 'event_time', data_type: 'TIMESTAMP' },
  { column_name: 'input_tokens', data_type: 'BIGINT' },
  { column_name: 'output_tokens', data_type: 'BIGINT' },
  { column_name: 'usage_context', data_type: 'MAP<STRING,STRING>' },
];

/** A warehouse that refuses the tables named in `refused` (with the failure kind) and lists usage columns. */
function warehouse(refused: Record<string, { failure: string; detail?: string }> = {}) {
  const sent: SqlStatement[] = [];
  const run: RunStatement = async (statement) => {
    sent.push(statement);
    const table = Object.keys(refused).find((name) => statement.sql.includes(name));
    if (table) throw Object.assign(new Error(`refused ${table}`), refused[table]);
    return statement.sql.includes('information_schema') ? USAGE_COLUMNS : [{ readable: 1 }];
  };
  return { run, sent };
}

const servingRefused = { '`serving`.`endpoint_usage`': { failure: 'permission', detail: 'User does not have USE SCHEMA on system.serving' } };

describe('chooseSource', () => {
  it('auto: picks system.serving when the principal can read it', async () => {
    const { run, sent } = warehouse();
    const chosen = await chooseSource('auto', undefined, run);
    expect(chosen.source.kind).toBe('serving');
    expect(chosen.note).toBe('auto: system.serving.endpoint_usage is readable (serving-endpoint AI Gateway usage)');
    expect(sent.map((s) => s.sql)).toEqual(['SELECT 1 AS readable FROM `system`.`serving`.`endpoint_usage` LIMIT 1', 'SELECT 1 AS readable FROM `system`.`serving`.`served_entities` LIMIT 1']);
  });

  it('auto: falls back to system.ai_gateway.usage, mapping its columns, and says why', async () => {
    const { run } = warehouse(servingRefused);
    const chosen = await chooseSource('auto', undefined, run);
    expect(chosen.source).toMatchObject({ kind: 'ai_gateway', tables: [{ catalog: 'system', schema: 'ai_gateway', table: 'usage' }] });
    expect(chosen.source.columns).toMatchObject({ request_time: 'event_time', input_tokens: 'input_tokens', usage_context: { column: 'usage_context', kind: 'map' } });
    expect(chosen.note).toBe('auto: system.serving is not readable (system.serving: permission denied (User does not have USE SCHEMA on system.serving)), so system.ai_gateway.usage was used');
  });

  it('auto: names both refusals and the grants that would open them when nothing is readable', async () => {
    const { run } = warehouse({ ...servingRefused, '`ai_gateway`.`usage`': { failure: 'not_found' } });
    await expect(chooseSource('auto', undefined, run)).rejects.toThrow(
      expect.objectContaining({
        code: 'USAGE_NOT_READABLE',
        what: 'No usage table is readable by this principal',
        why: 'system.serving: permission denied (User does not have USE SCHEMA on system.serving); system.ai_gateway.usage: not found',
        next: `${GRANT_HINT}. Or pass usage_table with a workspace-scoped usage table you can read`,
      }),
    );
  });

  it('cuts a long refusal detail to 160 characters', async () => {
    const { run } = warehouse({ '`serving`.`endpoint_usage`': { failure: 'permission', detail: 'x'.repeat(500) } });
    expect((await chooseSource('auto', undefined, run)).note).toContain(`permission denied (${'x'.repeat(160)}))`);
  });

  it('passes on a failure that is not a refusal instead of trying the next source', async () => {
    for (const refused of [{ '`serving`.`endpoint_usage`': { failure: 'timeout' } }, { ...servingRefused, '`ai_gateway`.`usage`': { failure: 'syntax' } }]) {
      const { run } = warehouse(refused);
      await expect(chooseSource('auto', undefined, run)).rejects.toThrow(/^refused/);
    }
  });

  it('reads a requested source without falling back', async () => {
    const serving = await chooseSource('serving', undefined, warehouse().run);
    expect(serving).toMatchObject({ source: { kind: 'serving' }, note: 'system.serving (requested)' });
    await expect(chooseSource('serving', undefined, warehouse(servingRefused).run)).rejects.toThrow(/^refused/);
    const gateway = await chooseSource('ai_gateway', undefined, warehouse(servingRefused).run);
    expect(gateway).toMatchObject({ source: { kind: 'ai_gateway', columns: { request_time: 'event_time' } }, note: 'system.ai_gateway.usage (requested)' });
    await expect(chooseSource('ai_gateway', undefined, warehouse({ '`ai_gateway`.`usage`': { failure: 'permission' } }).run)).rejects.toThrow(/^refused/);
  });

  it('uses a named usage table whatever the request, mapping its columns', async () => {
    const { run, sent } = warehouse(servingRefused);
    const chosen = await chooseSource('serving', { catalog: 'main', schema: 'ops', table: 'gw_usage' }, run);
    expect(chosen).toMatchObject({ source: { kind: 'table', tables: [{ table: 'gw_usage' }], columns: { output_tokens: 'output_tokens' } }, note: 'the usage table main.ops.gw_usage you named' });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.params).toMatchObject({ table_catalog: { value: 'main' }, table_schema: { value: 'ops' }, table_name: { value: 'gw_usage' } });
  });
});

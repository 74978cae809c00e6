/** Finding an endpoint's payload table: the lookup sent, each way it is found, and each refusal's words. */
import { describe, expect, it } from 'vitest';
import type { SqlStatement } from '../../shared/sql-statement.js';
import { confirmTable, locatePayloadTable, tablesStatement } from './payload-table.js';

/** A warehouse whose information_schema lists `tables` in the looked-up schema. */
function listing(tables: string[]) {
  const sent: SqlStatement[] = [];
  const run = async (statement: SqlStatement) => {
    sent.push(statement);
    return tables.map((table_name) => ({ table_name }));
  };
  return { run, sent };
}
const config = { enabled: true, catalog_name: 'cat', schema_name: 'ops', table_name_prefix: 'gw' };

describe('tablesStatement', () => {
  it('looks for the exact name or the pattern in one schema, every value bound', () => {
    expect(tablesStatement('cat', 'ops', 'gw_payload', 'gw%payload')).toEqual({
      sql:
        'SELECT table_name FROM `system`.`information_schema`.`tables` WHERE table_catalog = :catalog AND table_schema = :schema ' +
        'AND (table_name = :exact OR table_name LIKE :pattern) ORDER BY table_name LIMIT 50',
      params: {
        catalog: { type: 'STRING', value: 'cat' },
        schema: { type: 'STRING', value: 'ops' },
        exact: { type: 'STRING', value: 'gw_payload' },
        pattern: { type: 'STRING', value: 'gw%payload' },
      },
    });
  });
});

describe('locatePayloadTable', () => {
  it('confirms <prefix>_payload, whatever its case', async () => {
    const { run, sent } = listing(['gw_other_payload', 'GW_Payload']);
    expect(await locatePayloadTable('my-gw', config, run)).toEqual({
      table: { catalog: 'cat', schema: 'ops', table: 'GW_Payload' },
      note: "from my-gw's inference_table_config: cat.ops.GW_Payload, confirmed in system.information_schema.tables",
    });
    expect(sent[0]?.params).toMatchObject({ exact: { type: 'STRING', value: 'gw_payload' }, pattern: { type: 'STRING', value: 'gw%payload' } });
  });

  it('takes the endpoint name, dashes as underscores, when no prefix is set', async () => {
    const { run, sent } = listing(['my_gw_payload']);
    expect((await locatePayloadTable('my-gw', { ...config, table_name_prefix: '' }, run)).table.table).toBe('my_gw_payload');
    expect(sent[0]?.params.pattern).toEqual({ type: 'STRING', value: 'my_gw%payload' });
  });

  it('falls back to <prefix>_<endpoint>_payload, then to the only other match, saying so', async () => {
    expect(await locatePayloadTable('my-gw', config, listing(['gw_x_payload', 'gw_my_gw_payload']).run)).toEqual({
      table: { catalog: 'cat', schema: 'ops', table: 'gw_my_gw_payload' },
      note: 'cat.ops.gw_payload is absent; found cat.ops.gw_my_gw_payload (prefix plus endpoint name) instead',
    });
    expect(await locatePayloadTable('my-gw', config, listing(['gw_old_payload', 'other_payload', 'gw_notes']).run)).toEqual({
      table: { catalog: 'cat', schema: 'ops', table: 'gw_old_payload' },
      note: 'cat.ops.gw_payload is absent; the only gw…payload table there is cat.ops.gw_old_payload',
    });
  });

  it('refuses to guess between several matches', async () => {
    await expect(locatePayloadTable('my-gw', config, listing(['gw_a_payload', 'gw_b_payload']).run)).rejects.toMatchObject({
      code: 'PAYLOAD_TABLE_AMBIGUOUS',
      what: 'The payload table of my-gw is ambiguous',
      why: 'cat.ops.gw_payload is absent and several tables match gw…payload: gw_a_payload, gw_b_payload',
      next: 'Pass table with the one to read',
    });
  });

  it('says the table appears only after the first logged request', async () => {
    await expect(locatePayloadTable('my-gw', config, listing([]).run)).rejects.toMatchObject({
      code: 'PAYLOAD_TABLE_NOT_FOUND',
      what: 'The payload table of my-gw was not found',
      why: 'cat.ops.gw_payload is not in system.information_schema.tables and no gw…payload table is there; the table appears only after the first logged request (up to an hour later), or this principal cannot see the schema',
      next: 'Send a request through the endpoint and retry within the hour, check USE CATALOG / USE SCHEMA / SELECT on the schema, or pass table',
    });
  });

  it.each([
    ['disabled', { ...config, enabled: false }],
    ['without a catalog', { ...config, catalog_name: '' }],
    ['without a schema', { ...config, schema_name: undefined }],
    ['missing', undefined],
  ])('says when inference tables are %s', async (_name, c) => {
    await expect(locatePayloadTable('my-gw', c, listing([]).run)).rejects.toMatchObject({
      code: 'INFERENCE_TABLE_DISABLED',
      what: 'Inference tables are not enabled on endpoint my-gw',
      why: 'its ai_gateway.inference_table_config is missing or disabled, so no payloads are logged',
      next: 'Enable inference tables on the gateway (inference_table_config), or pass table if payloads are logged elsewhere',
    });
  });

  it('refuses a catalog, schema or found table name that would need quoting', async () => {
    await expect(locatePayloadTable('my-gw', { ...config, catalog_name: 'a b' }, listing([]).run)).rejects.toMatchObject({
      code: 'INVALID_IDENTIFIER',
      what: 'The inference table catalog "a b" of my-gw is not a plain name',
      why: 'it cannot be used safely in SQL',
      next: 'Pass table explicitly',
    });
    await expect(locatePayloadTable('my-gw', { ...config, schema_name: 'o;ps' }, listing([]).run)).rejects.toMatchObject({ what: 'The inference table schema "o;ps" of my-gw is not a plain name' });
    await expect(locatePayloadTable('my-gw', config, listing(['gw x payload']).run)).rejects.toMatchObject({ code: 'INVALID_IDENTIFIER', what: 'The table name "gw x payload" is not a plain name', why: 'it cannot be used safely in SQL', next: 'Pass table explicitly' });
  });
});

describe('confirmTable', () => {
  const table = { catalog: 'cat', schema: 'ops', table: 'My_Payload' };

  it('confirms a named table whatever its case, looking it up in lower case', async () => {
    const { run, sent } = listing(['my_payload']);
    expect(await confirmTable(table, run)).toEqual({ table, note: 'the table you named (cat.ops.My_Payload), confirmed in system.information_schema.tables' });
    expect(sent[0]?.params).toMatchObject({ exact: { type: 'STRING', value: 'my_payload' }, pattern: { type: 'STRING', value: 'my_payload' } });
  });

  it('says a named table is missing or not visible', async () => {
    await expect(confirmTable(table, listing(['my_payload_old']).run)).rejects.toMatchObject({
      code: 'PAYLOAD_TABLE_NOT_FOUND',
      what: 'The payload table cat.ops.My_Payload was not found',
      why: 'system.information_schema.tables does not list it: it does not exist, or this principal lacks USE CATALOG / USE SCHEMA / SELECT on it',
      next: "Check the name, or pass endpoint instead so the table is located from the endpoint's inference table config",
    });
  });
});

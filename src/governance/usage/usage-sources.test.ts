import { describe, expect, it } from 'vitest';
import { SqlParams } from '../../shared/sql-statement.js';
import { AI_GATEWAY_USAGE, columnsStatement, describeSource, mapColumns, probeStatement, servingSource, usageRelationSql, type ColumnMap, type UsageSource } from './usage-sources.js';

const TABLE = { catalog: 'main', schema: 'ops', table: 'gw_usage' };
const col = (column_name: string, data_type = 'STRING', full_data_type?: string) => ({ column_name, data_type, ...(full_data_type ? { full_data_type } : {}) });
const TOKENS = [col('input_tokens', 'BIGINT'), col('output_tokens', 'BIGINT')];
const bounds = { since: '2026-11-20 00:00:00.000', until: '2026-11-27 00:00:00.000' };

function mapped(columns: ColumnMap): UsageSource {
  return { kind: 'table', tables: [TABLE], columns };
}

/** The SELECT list of a relation, one entry per normalised column. */
function selected(sql: string): Record<string, string> {
  const list = /^SELECT (.*?) FROM /.exec(sql)?.[1] ?? '';
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '(') depth++;
    else if (list[i] === ')') depth--;
    else if (depth === 0 && list.startsWith(', ', i)) {
      items.push(list.slice(start, i));
      start = i + 2;
    }
  }
  items.push(list.slice(start));
  return Object.fromEntries(items.map((item) => {
    const [expr, alias] = item.split(/ AS (?=[a-z_]+$)/);
    return [alias, expr];
  }));
}

describe('mapColumns', () => {
  it('takes the preferred alias when a table has several, matching names without regard to case', () => {
    const map = mapColumns(TABLE, [col('Event_Time', 'TIMESTAMP'), col('request_time', 'TIMESTAMP'), col('PROMPT_TOKENS', 'BIGINT'), col('input_tokens', 'BIGINT'), col('completion_tokens', 'BIGINT')]);
    expect(map).toStrictEqual({ request_time: 'request_time', input_tokens: 'input_tokens', output_tokens: 'completion_tokens' });
    expect(mapColumns(TABLE, [col('Event_Time', 'TIMESTAMP'), ...TOKENS]).request_time).toBe('Event_Time');
  });

  it('maps every optional column it recognises', () => {
    const map = mapColumns(TABLE, [
      col('timestamp', 'TIMESTAMP'),
      col('user_email'),
      col('http_status', 'INT'),
      ...TOKENS,
      col('gateway_name'),
      col('route_name'),
      col('model_name'),
      col('destination_id'),
    ]);
    expect(map).toStrictEqual({
      request_time: 'timestamp',
      requester: 'user_email',
      status_code: 'http_status',
      input_tokens: 'input_tokens',
      output_tokens: 'output_tokens',
      endpoint_name: 'gateway_name',
      served_entity_name: 'route_name',
      entity_name: 'model_name',
      served_entity_id: 'destination_id',
    });
  });

  it.each([
    [[col('usage_context', 'MAP<STRING,STRING>')], { column: 'usage_context', kind: 'map' }],
    [[col('request_tags', 'map<string,string>')], { column: 'request_tags', kind: 'map' }],
    [[col('tags', 'STRING')], { column: 'tags', kind: 'json' }],
    [[col('tags', 'STRING'), col('usage_context', 'MAP<STRING,STRING>')], { column: 'usage_context', kind: 'map' }],
    [[col('tags', 'ARRAY<MAP<STRING,STRING>>')], { column: 'tags', kind: 'json' }],
    [[col('context', 'MAP<STRING,STRING>')], undefined],
  ])('reads team tags from %j as %j', (columns, context) => {
    expect(mapColumns(TABLE, [col('event_time', 'TIMESTAMP'), ...TOKENS, ...columns]).usage_context).toEqual(context);
  });

  it.each([
    [col('mcp_metadata', 'STRUCT', 'struct<tool_name:string,server:string>'), 'mcp_metadata'],
    [col('mcp_metadata', 'struct', 'struct<server:string,tool_names_seen:string>'), undefined],
    [col('mcp_metadata', 'STRUCT'), undefined],
    [col('mcp_metadata', 'STRING', 'struct<tool_name:string>'), undefined],
    [col('mcp_metadata', 'ARRAY<STRUCT<tool_name:STRING>>', 'array<struct<tool_name:string>>'), undefined],
  ])('names MCP tools only from a struct with a tool_name field: %j', (column, expected) => {
    expect(mapColumns(TABLE, [col('event_time', 'TIMESTAMP'), ...TOKENS, column]).mcp_metadata).toBe(expected);
  });

  it('says which required columns are missing and which it saw', () => {
    expect(() => mapColumns(TABLE, [col('x', 'INT'), col('output_tokens', 'BIGINT')])).toThrow(
      expect.objectContaining({
        code: 'USAGE_SOURCE_UNSUPPORTED',
        what: 'main.ops.gw_usage does not look like a usage table',
        why: 'no column for a request time, input tokens among: x, output_tokens',
        next: 'Pass a usage table with per-request token counts, or use source "serving" or "ai_gateway"',
      }),
    );
    expect(() => mapColumns(TABLE, [col('event_time', 'TIMESTAMP'), col('input_tokens', 'BIGINT')])).toThrow(expect.objectContaining({ why: 'no column for output tokens among: event_time, input_tokens' }));
    expect(() => mapColumns(TABLE, [col('event_time', 'TIMESTAMP'), col('output_tokens', 'BIGINT')])).toThrow(expect.objectContaining({ why: 'no column for input tokens among: event_time, output_tokens' }));
  });

  it('says a table with no visible columns may not exist', () => {
    expect(() => mapColumns(TABLE, [])).toThrow(expect.objectContaining({ why: 'it has no columns visible to this principal (it may not exist)' }));
  });
});

describe('lookups', () => {
  it('lists a table\'s columns in order, its name bound as parameters', () => {
    const statement = columnsStatement(TABLE, new SqlParams());
    expect(statement).toEqual({
      sql:
        'SELECT column_name, data_type, full_data_type FROM `system`.`information_schema`.`columns` ' +
        'WHERE table_catalog = :table_catalog AND table_schema = :table_schema AND table_name = :table_name ORDER BY ordinal_position',
      params: {
        table_catalog: { type: 'STRING', value: 'main' },
        table_schema: { type: 'STRING', value: 'ops' },
        table_name: { type: 'STRING', value: 'gw_usage' },
      },
    });
  });

  it('probes readability with one row and nothing bound', () => {
    expect(probeStatement(AI_GATEWAY_USAGE)).toEqual({ sql: 'SELECT 1 AS readable FROM `system`.`ai_gateway`.`usage` LIMIT 1', params: {} });
  });

  it('describes a source by the tables it joins', () => {
    expect(describeSource(servingSource())).toBe('system.serving.endpoint_usage ⋈ system.serving.served_entities');
    expect(describeSource(mapped({ request_time: 't', input_tokens: 'i', output_tokens: 'o' }))).toBe('main.ops.gw_usage');
  });
});

describe('the serving relation', () => {
  it('joins endpoint usage to the latest served-entity row, over [since, until)', () => {
    const params = new SqlParams();
    const sql = usageRelationSql(servingSource(), params, bounds);
    expect(selected(sql)).toEqual({
      request_time: 'u.request_time',
      requester: 'u.requester',
      status_code: 'u.status_code',
      input_tokens: 'COALESCE(u.input_token_count, 0)',
      output_tokens: 'COALESCE(u.output_token_count, 0)',
      endpoint_name: 'se.endpoint_name',
      served_entity_name: 'se.served_entity_name',
      entity_name: 'se.entity_name',
      context_value: 'CAST(NULL AS STRING)',
      mcp_tool: 'CAST(NULL AS STRING)',
      service_name: 'CAST(NULL AS STRING)',
    });
    expect(sql).toContain(
      ' FROM `system`.`serving`.`endpoint_usage` AS u LEFT JOIN (SELECT served_entity_id, endpoint_name, served_entity_name, entity_name FROM (' +
        'SELECT served_entity_id, endpoint_name, served_entity_name, entity_name, ROW_NUMBER() OVER (PARTITION BY served_entity_id ORDER BY change_time DESC) AS version_rank ' +
        'FROM `system`.`serving`.`served_entities`) AS versions WHERE version_rank = 1) AS se ON u.served_entity_id = se.served_entity_id ',
    );
    expect(sql).toMatch(/ WHERE u\.request_time >= :since AND u\.request_time < :until$/);
    expect(params.values).toEqual({ since: { type: 'TIMESTAMP', value: bounds.since }, until: { type: 'TIMESTAMP', value: bounds.until } });
  });

  it('reads the team tag from usage_context when a context key is given', () => {
    const params = new SqlParams();
    expect(selected(usageRelationSql(servingSource(), params, { ...bounds, contextKey: 'team' })).context_value).toBe('element_at(u.usage_context, :context_key)');
    expect(params.values.context_key).toEqual({ type: 'STRING', value: 'team' });
  });

  it('puts SQL bounds in as they are, for a query the warehouse runs by itself', () => {
    const params = new SqlParams();
    const sql = usageRelationSql(servingSource(), params, { boundsSql: { since: 'current_timestamp() - INTERVAL 5 MINUTES', until: 'current_timestamp()' } });
    expect(sql).toMatch(/ WHERE u\.request_time >= current_timestamp\(\) - INTERVAL 5 MINUTES AND u\.request_time < current_timestamp\(\)$/);
    expect(params.values).toEqual({});
  });

  it('refuses a window with neither bound values nor SQL bounds', () => {
    expect(() => usageRelationSql(servingSource(), new SqlParams(), { until: bounds.until })).toThrow('the usage relation needs since or boundsSql');
    expect(() => usageRelationSql(servingSource(), new SqlParams(), { since: bounds.since })).toThrow('the usage relation needs until or boundsSql');
  });
});

describe('a mapped relation', () => {
  const full: ColumnMap = {
    request_time: 'event_time',
    requester: 'requester',
    status_code: 'status_code',
    input_tokens: 'input_tokens',
    output_tokens: 'output_tokens',
    endpoint_name: 'endpoint_name',
    service_name: 'service_name',
    served_entity_name: 'destination_name',
    entity_name: 'destination_model',
    served_entity_id: 'destination_id',
    usage_context: { column: 'usage_context', kind: 'map' },
    mcp_metadata: 'mcp_metadata',
  };

  it('reads every mapped column of the table itself, back-quoted, over [since, until)', () => {
    const params = new SqlParams();
    const sql = usageRelationSql(mapped(full), params, { ...bounds, contextKey: 'team' });
    expect(selected(sql)).toEqual({
      request_time: 'u.`event_time`',
      requester: 'u.`requester`',
      status_code: 'u.`status_code`',
      input_tokens: 'COALESCE(u.`input_tokens`, 0)',
      output_tokens: 'COALESCE(u.`output_tokens`, 0)',
      endpoint_name: 'u.`endpoint_name`',
      served_entity_name: 'u.`destination_name`',
      entity_name: 'u.`destination_model`',
      context_value: 'element_at(u.`usage_context`, :context_key)',
      mcp_tool: 'u.`mcp_metadata`.tool_name',
      service_name: 'u.`service_name`',
    });
    expect(sql).toMatch(/ FROM `main`\.`ops`\.`gw_usage` AS u WHERE u\.`event_time` >= :since AND u\.`event_time` < :until$/);
    expect(sql).not.toContain('JOIN');
  });

  it('fills what the table lacks with typed NULLs, and binds no context key it cannot use', () => {
    const params = new SqlParams();
    const sql = usageRelationSql(mapped({ request_time: 'ts', input_tokens: 'i', output_tokens: 'o' }), params, { ...bounds, contextKey: 'team' });
    expect(selected(sql)).toEqual({
      request_time: 'u.`ts`',
      requester: 'CAST(NULL AS STRING)',
      status_code: 'CAST(NULL AS INT)',
      input_tokens: 'COALESCE(u.`i`, 0)',
      output_tokens: 'COALESCE(u.`o`, 0)',
      endpoint_name: 'CAST(NULL AS STRING)',
      served_entity_name: 'CAST(NULL AS STRING)',
      entity_name: 'CAST(NULL AS STRING)',
      context_value: 'CAST(NULL AS STRING)',
      mcp_tool: 'CAST(NULL AS STRING)',
      service_name: 'CAST(NULL AS STRING)',
    });
    expect(Object.keys(params.values)).toEqual(['since', 'until']);
  });

  it('reads a JSON context column by key', () => {
    const sql = usageRelationSql(mapped({ ...full, usage_context: { column: 'tags', kind: 'json' } }), new SqlParams(), { ...bounds, contextKey: 'team' });
    expect(selected(sql).context_value).toBe("get_json_object(u.`tags`, concat('$.', :context_key))");
  });

  it('names endpoints and entities through served_entities when the table only has the entity id', () => {
    const sql = usageRelationSql(mapped({ request_time: 'ts', input_tokens: 'i', output_tokens: 'o', served_entity_id: 'served_entity_id' }), new SqlParams(), bounds);
    expect(selected(sql)).toMatchObject({ endpoint_name: 'se.endpoint_name', served_entity_name: 'se.served_entity_name', entity_name: 'se.entity_name' });
    expect(sql).toContain(' FROM `main`.`ops`.`gw_usage` AS u LEFT JOIN (SELECT served_entity_id, endpoint_name, served_entity_name, entity_name FROM (');
    expect(sql).toContain(') AS se ON u.`served_entity_id` = se.served_entity_id WHERE u.`ts` >= :since');
  });

  it('prefers the table\'s own entity names to the joined ones', () => {
    const sql = usageRelationSql(mapped({ request_time: 'ts', input_tokens: 'i', output_tokens: 'o', served_entity_id: 'sid', served_entity_name: 'route', entity_name: 'model' }), new SqlParams(), bounds);
    expect(selected(sql)).toMatchObject({ endpoint_name: 'se.endpoint_name', served_entity_name: 'u.`route`', entity_name: 'u.`model`' });
  });

  it('does not join served_entities when the table names its endpoint', () => {
    const sql = usageRelationSql(mapped({ request_time: 'ts', input_tokens: 'i', output_tokens: 'o', served_entity_id: 'sid', endpoint_name: 'ep' }), new SqlParams(), bounds);
    expect(selected(sql)).toMatchObject({ endpoint_name: 'u.`ep`', served_entity_name: 'CAST(NULL AS STRING)', entity_name: 'CAST(NULL AS STRING)' });
    expect(sql).not.toContain('JOIN');
  });

  it('refuses a column name that would need quoting, naming it as a column', () => {
    expect(() => usageRelationSql(mapped({ request_time: 'event time', input_tokens: 'i', output_tokens: 'o' }), new SqlParams(), bounds)).toThrow(
      expect.objectContaining({ code: 'INVALID_IDENTIFIER', what: 'The column "event time" is not a valid name' }),
    );
  });

  it('refuses a mapped source without its table or column map', () => {
    expect(() => usageRelationSql({ kind: 'ai_gateway', tables: [AI_GATEWAY_USAGE] }, new SqlParams(), bounds)).toThrow('a mapped usage source needs its table and column map');
    expect(() => usageRelationSql({ kind: 'table', tables: [], columns: full }, new SqlParams(), bounds)).toThrow('a mapped usage source needs its table and column map');
  });
});

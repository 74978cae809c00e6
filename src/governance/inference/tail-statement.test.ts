/**
 * The payload-table tail, clause by clause: the columns and cut payloads read, the window and filters, the keyset
 * condition for each paging direction, and the cursor that carries a position between calls.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, fingerprintOf, type CursorPosition } from './tail-cursor.js';
import { newestRowStatement, tailStatement, type TailQuery } from './tail-rows.js';

const table = { catalog: 'cat', schema: 'ops', table: 'gw_payload' };
const window = { since: new Date('2026-11-20T06:00:00Z'), until: new Date('2026-11-27T00:00:00Z') };
const query = (overrides: Partial<TailQuery> = {}): TailQuery => ({ table, window, filters: { status: 'all' }, limit: 20, payloads: 'none', fetchChars: 500, ...overrides });
const where = (sql: string) => / WHERE (.*) ORDER BY /.exec(sql)?.[1]?.split(' AND ');
const select = (sql: string) => /^SELECT (.*) FROM /.exec(sql)?.[1];
const BASE = 'databricks_request_id, client_request_id, CAST(request_time AS STRING) AS request_time_key, status_code, requester, served_entity_id, execution_duration_ms, logging_error_codes';
const WINDOW = ['request_date >= :since_date', 'request_time >= :since', 'request_date <= :until_date', 'request_time < :until'];

describe('tailStatement', () => {
  it('reads the newest rows of the window first, one past the limit, without payloads', () => {
    const { sql, params } = tailStatement(query());
    expect(select(sql)).toBe(BASE);
    expect(sql).toContain(' FROM `cat`.`ops`.`gw_payload` WHERE ');
    expect(where(sql)).toEqual(WINDOW);
    expect(sql).toMatch(/ ORDER BY request_time DESC, databricks_request_id DESC LIMIT :row_limit$/);
    expect(params).toEqual({
      since_date: { type: 'DATE', value: '2026-11-20' },
      since: { type: 'TIMESTAMP', value: '2026-11-20 06:00:00.000' },
      until_date: { type: 'DATE', value: '2026-11-27' },
      until: { type: 'TIMESTAMP', value: '2026-11-27 00:00:00.000' },
      row_limit: { type: 'INTEGER', value: 21 },
    });
  });

  it.each([
    ['request', `, length(request) AS request_chars, substring(request, 1, :payload_chars) AS request`],
    ['response', `, length(response) AS response_chars, substring(response, 1, :payload_chars) AS response`],
    ['both', `, length(request) AS request_chars, substring(request, 1, :payload_chars) AS request, length(response) AS response_chars, substring(response, 1, :payload_chars) AS response`],
  ] as const)('cuts the %s payload in the warehouse and says how long it was', (payloads, extra) => {
    const { sql, params } = tailStatement(query({ payloads }));
    expect(select(sql)).toBe(BASE + extra);
    expect(params.payload_chars).toEqual({ type: 'INTEGER', value: 500 });
  });

  it.each<[TailQuery['filters']['status'], string[], Record<string, unknown>]>([
    ['errors', ['status_code >= 400'], {}],
    ['ok', ['status_code < 400'], {}],
    [[429, 503], ['status_code IN (:status, :status_1)'], { status: { type: 'INTEGER', value: 429 }, status_1: { type: 'INTEGER', value: 503 } }],
    [[], [], {}],
  ])('filters status %j', (status, clauses, params) => {
    const statement = tailStatement(query({ filters: { status } }));
    expect(where(statement.sql)).toEqual([...WINDOW, ...clauses]);
    expect(statement.params).toMatchObject(params);
  });

  it('filters on each id and the requester, values bound as strings', () => {
    const statement = tailStatement(query({ filters: { status: 'all', requester: 'a@b.c', databricks_request_id: 'd1', client_request_id: 'c1', served_entity_id: 's1' } }));
    expect(where(statement.sql)).toEqual([...WINDOW, 'requester = :requester', 'databricks_request_id = :databricks_request_id', 'client_request_id = :client_request_id', 'served_entity_id = :served_entity_id']);
    expect(statement.params).toMatchObject({
      requester: { type: 'STRING', value: 'a@b.c' },
      databricks_request_id: { type: 'STRING', value: 'd1' },
      client_request_id: { type: 'STRING', value: 'c1' },
      served_entity_id: { type: 'STRING', value: 's1' },
    });
  });

  const cursor = (direction: CursorPosition['direction']): CursorPosition => ({ direction, time: '2026-11-25 10:00:00.123456', requestId: 'r-9', fingerprint: 'f' });

  it('reads strictly below an older cursor, newest first, within the window', () => {
    const statement = tailStatement(query({ cursor: cursor('older') }));
    expect(statement.sql).toContain(
      ` WHERE ${WINDOW.join(' AND ')} AND request_date <= :cursor_date AND (request_time < :cursor_time OR (request_time = :cursor_time AND databricks_request_id < :cursor_request_id)) ORDER BY request_time DESC, databricks_request_id DESC LIMIT :row_limit`,
    );
    expect(statement.params).toMatchObject({
      cursor_time: { type: 'TIMESTAMP', value: '2026-11-25 10:00:00.123456' },
      cursor_request_id: { type: 'STRING', value: 'r-9' },
      cursor_date: { type: 'DATE', value: '2026-11-25' },
    });
  });

  it('reads strictly above a newer cursor, oldest first, up to now whatever the window start', () => {
    const statement = tailStatement(query({ cursor: cursor('newer') }));
    expect(statement.sql).toContain(
      ' WHERE request_date <= :until_date AND request_time < :until AND request_date >= :cursor_date AND (request_time > :cursor_time OR (request_time = :cursor_time AND databricks_request_id > :cursor_request_id)) ORDER BY request_time ASC, databricks_request_id ASC LIMIT :row_limit',
    );
    expect(statement.params).not.toHaveProperty('since');
  });

  it('bounds the newest-row lookup on request_date', () => {
    expect(newestRowStatement(table, new Date('2026-11-01T23:00:00Z'))).toEqual({
      sql: 'SELECT CAST(MAX(request_time) AS STRING) AS newest, COUNT(*) AS recent_rows FROM `cat`.`ops`.`gw_payload` WHERE request_date >= :since_date',
      params: { since_date: { type: 'DATE', value: '2026-11-01' } },
    });
  });
});

describe('the paging cursor', () => {
  const key = Buffer.from('k'.repeat(32));
  const position: CursorPosition = { direction: 'newer', time: '2026-11-25 10:00:00.1', requestId: 'r-1', fingerprint: fingerprintOf(['t', { status: 'all' }]) };
  const refused = (why: string) =>
    expect.objectContaining({ code: 'CURSOR_INVALID', what: 'The cursor cannot be used', why, next: 'Call again without cursor (keeping the same filters) to start from the newest rows' });
  const sealed = (content: object) => {
    const body = Buffer.from(JSON.stringify(content));
    return `${body.toString('base64url')}.${createHmac('sha256', key).update(body).digest().subarray(0, 16).toString('base64url')}`;
  };

  it('round-trips a position in either direction', () => {
    expect(decodeCursor(encodeCursor(position, key), key, position.fingerprint)).toEqual(position);
    const older = { ...position, direction: 'older' as const };
    expect(decodeCursor(encodeCursor(older, key), key, position.fingerprint)).toEqual(older);
  });

  it('fingerprints the table and filters in 16 characters, differently for different filters', () => {
    expect(fingerprintOf(['t', { status: 'all' }])).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(fingerprintOf(['t', { status: 'errors' }])).not.toBe(position.fingerprint);
  });

  it.each([
    ['not a cursor', 'abc', 'it is not a cursor this tool returned'],
    ['in three pieces', 'a.b.c', 'it is not a cursor this tool returned'],
    ['without a body', '.abc', 'it is not a cursor this tool returned'],
  ])('refuses a token %s', (_name, token, why) => {
    expect(() => decodeCursor(token, key, position.fingerprint)).toThrow(refused(why));
  });

  it('refuses an edited or foreign cursor, and one for other filters', () => {
    const token = encodeCursor(position, key);
    const [body, tag] = token.split('.') as [string, string];
    const seal = 'its seal does not match: it was edited, or it comes from an earlier run of the server';
    expect(() => decodeCursor(`${body}x.${tag}`, key, position.fingerprint)).toThrow(refused(seal));
    expect(() => decodeCursor(`${body}.${tag.slice(0, -2)}`, key, position.fingerprint)).toThrow(refused(seal));
    expect(() => decodeCursor(token, Buffer.from('x'.repeat(32)), position.fingerprint)).toThrow(refused(seal));
    expect(() => decodeCursor(token, key, 'other')).toThrow(refused('it belongs to another table or other filters than this call'));
  });

  it.each([
    ['another version', { v: 2, d: 'older', t: 't', i: 'i', f: 'f' }],
    ['an unknown direction', { v: 1, d: 'sideways', t: 't', i: 'i', f: 'f' }],
    ['no time', { v: 1, d: 'older', i: 'i', f: 'f' }],
    ['no request id', { v: 1, d: 'newer', t: 't', i: 7, f: 'f' }],
  ])('refuses sealed content with %s', (_name, content) => {
    expect(() => decodeCursor(sealed(content), key, 'f')).toThrow(refused('its content is not understood'));
  });
});

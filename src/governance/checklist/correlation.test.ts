import { describe, expect, it } from 'vitest';
import { correlationItem, correlationStatement } from './correlation.js';

const window = { since: new Date('2026-11-24T12:00:00Z'), until: new Date('2026-12-01T12:00:00Z') };
const TABLE = 'workshop.ops.gw_payload';

/** Rows as the correlation statement returns them: one per caller, window totals on every row. */
function rows(callers: Array<[requester: string | null, requests: number, withId: number]>) {
  const total = callers.reduce((n, [, r]) => n + r, 0);
  const totalWithId = callers.reduce((n, [, , w]) => n + w, 0);
  return callers.map(([requester, requests, withId]) => ({ requester, requests, with_request_id: withId, request_id_share: withId / requests, total_requests: total, total_with_request_id: totalWithId }));
}

describe('the request-id correlation item', () => {
  it('passes when the share and every caller reach the threshold', () => {
    const entry = correlationItem(TABLE, rows([['agent', 100, 99], ['batch', 50, 50]]), 0.95, window);
    expect(entry).toMatchObject({ item: 'request-id-correlation', status: 'pass', fix: 'Nothing to do' });
    expect(entry.evidence).toBe(`99.3 % of 150 requests in ${TABLE} over the last 7 days carry client_request_id (threshold 95.0 %)`);
    expect(entry.details).toMatchObject({ requests: 150, with_request_id: 149, min_share: 0.95, since: '2026-11-24T12:00:00.000Z', until: '2026-12-01T12:00:00.000Z' });
  });

  it('fails naming each caller below the threshold, even when the overall share reaches it', () => {
    const entry = correlationItem(TABLE, rows([[null, 10, 5], ['agent', 1000, 1000]]), 0.95, window);
    expect(entry.status).toBe('fail');
    expect(entry.evidence).toMatch(/; callers below it: \(unknown\) 50\.0 % of 10$/);
    expect(entry.fix).toMatch(/client_request_id in the request body/);
  });

  it('fails when the share is below the threshold, listing at most ten callers', () => {
    const many = Array.from({ length: 12 }, (_, i) => [`user-${i}`, 10, 0] as [string, number, number]);
    const entry = correlationItem(TABLE, rows(many), 0.5, window);
    expect(entry.status).toBe('fail');
    expect(entry.evidence).toContain('user-9 0.0 % of 10, …');
    expect(entry.evidence).not.toContain('user-10 ');
    expect(correlationItem(TABLE, rows([['a', 10, 9]]), 0.95, window).status).toBe('fail');
    expect(correlationItem(TABLE, rows([['a', 100, 95]]), 0.95, window).status).toBe('pass');
  });

  it('is unknown when the table holds no requests in the window', () => {
    const entry = correlationItem(TABLE, [], 0.95, window);
    expect(entry).toMatchObject({ status: 'unknown', evidence: `${TABLE} holds no requests from the last 7 days, so there is nothing to measure` });
    expect(entry).not.toHaveProperty('details');
  });
});

describe('the correlation statement', () => {
  it('binds the window and the caller limit as parameters', () => {
    const { sql, params } = correlationStatement({ catalog: 'workshop', schema: 'ops', table: 'gw_payload' }, window);
    expect(sql).toContain('FROM `workshop`.`ops`.`gw_payload` WHERE request_date >= :since_date AND request_time >= :since AND request_time < :until');
    expect(params).toEqual({
      since_date: { type: 'DATE', value: '2026-11-24' },
      since: { type: 'TIMESTAMP', value: '2026-11-24 12:00:00.000' },
      until: { type: 'TIMESTAMP', value: '2026-12-01 12:00:00.000' },
      row_limit: { type: 'INTEGER', value: 50 },
    });
  });
});

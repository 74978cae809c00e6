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
    expect(entry).toMatchObject({
      status: 'unknown',
      evidence: `${TABLE} holds no requests from the last 7 days, so there is nothing to measure`,
      fix: 'Send traffic through the gateway, then check again (payload rows can take up to an hour to land)',
    });
    expect(entry).not.toHaveProperty('details');
  });
});

describe('the request-id correlation item, exactly', () => {
  it('says who is below the threshold, with the figures and the fix', () => {
    const entry = correlationItem(TABLE, rows([['bob', 20, 10], [null, 10, 5], ['agent', 1000, 1000]]), 0.95, window);
    expect(entry).toMatchObject({
      status: 'fail',
      evidence: `98.5 % of 1030 requests in ${TABLE} over the last 7 days carry client_request_id (threshold 95.0 %); callers below it: bob 50.0 % of 20, (unknown) 50.0 % of 10`,
      fix: 'Have these callers send the active MLflow trace id as client_request_id in the request body (the wire_consumer prompt writes the snippet), so payload rows join to traces exactly',
    });
    expect(entry.details).toEqual({
      table: TABLE,
      since: '2026-11-24T12:00:00.000Z',
      until: '2026-12-01T12:00:00.000Z',
      requests: 1030,
      with_request_id: 1015,
      share: 1015 / 1030,
      min_share: 0.95,
      callers: [
        { requester: 'bob', requests: 20, with_request_id: 10, share: 0.5 },
        { requester: '(unknown)', requests: 10, with_request_id: 5, share: 0.5 },
        { requester: 'agent', requests: 1000, with_request_id: 1000, share: 1 },
      ],
    });
  });

  it('lists ten callers below the threshold without a cut mark, and reads missing figures as zero', () => {
    const ten = Array.from({ length: 10 }, (_, i) => [`user-${i}`, 10, 0] as [string, number, number]);
    expect(correlationItem(TABLE, rows(ten), 0.5, window).evidence).toMatch(/user-9 0\.0 % of 10$/);
    const sparse = { requester: 'a', requests: 4, with_request_id: null, request_id_share: null, total_requests: 4, total_with_request_id: null };
    expect(correlationItem(TABLE, [sparse], 0.5, window)).toMatchObject({ status: 'fail', details: { with_request_id: 0, share: 0, callers: [{ requester: 'a', requests: 4, with_request_id: 0, share: 0 }] } });
  });
});

describe('the correlation statement', () => {
  it('counts, per caller, the requests that carry a non-blank client_request_id, lowest share first', () => {
    const { sql } = correlationStatement({ catalog: 'workshop', schema: 'ops', table: 'gw_payload' }, window);
    expect(sql).toBe(
      'WITH callers AS (SELECT requester, COUNT(*) AS requests, ' +
        "SUM(CASE WHEN client_request_id IS NULL OR TRIM(client_request_id) = '' THEN 0 ELSE 1 END) AS with_request_id " +
        'FROM `workshop`.`ops`.`gw_payload` WHERE request_date >= :since_date AND request_time >= :since AND request_time < :until GROUP BY requester) ' +
        'SELECT callers.*, CAST(with_request_id AS DOUBLE) / requests AS request_id_share, ' +
        'COUNT(*) OVER () AS callers_count, SUM(requests) OVER () AS total_requests, SUM(with_request_id) OVER () AS total_with_request_id ' +
        'FROM callers ORDER BY request_id_share ASC, requests DESC, requester ASC LIMIT :row_limit',
    );
  });


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

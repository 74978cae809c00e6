import { describe, expect, it } from 'vitest';
import { niceScale } from './format.js';
import { chartOf, measuresOf, spikesByDay, type UsageResult } from './model.js';

function result(report: string, rows: UsageResult['rows']): UsageResult {
  return {
    report,
    source: 'system.serving.endpoint_usage',
    source_note: 'auto',
    workspace: 'sandbox',
    window: { since: '2026-11-01T00:00:00.000Z', until: '2026-11-04T00:00:00.000Z' },
    rows,
    totals: {},
    groups: rows.length,
    truncated: false,
    sql: 'SELECT 1',
    parameters: {},
    warnings: [],
  };
}

const day = (d: number, tokens: number, extra: Record<string, unknown> = {}) => ({
  day: `2026-11-0${d}T00:00:00.000Z`,
  requests: tokens / 1000,
  input_tokens: tokens * 0.75,
  output_tokens: tokens * 0.25,
  total_tokens: tokens,
  errors: 0,
  ...extra,
});

describe('chartOf', () => {
  it('draws by_day as a time series in day order, tokens stacked input then output', () => {
    const model = chartOf(result('by_day', [day(3, 4000), day(1, 8000), day(2, 2000)]));
    expect(model.shape).toBe('time');
    expect(model.data.map((d) => [d.key.slice(0, 10), d.value, d.parts])).toEqual([
      ['2026-11-01', 8000, [6000, 2000]],
      ['2026-11-02', 2000, [1500, 500]],
      ['2026-11-03', 4000, [3000, 1000]],
    ]);
  });

  it('draws by_day grouped further (several rows a day) as a ranking, labelled by every group key', () => {
    const model = chartOf(result('by_day', [day(1, 10, { requester: 'a@x' }), day(1, 5, { requester: null })]));
    expect(model.shape).toBe('ranking');
    expect(model.data.map((d) => d.label)).toEqual(['2026-11-01 · a@x', '2026-11-01 · (none)']);
  });

  it('stacks error rates by status and puts the other 4xx on top, so the bar is the whole error rate', () => {
    const row = {
      day: '2026-11-01T00:00:00.000Z',
      requests: 100,
      ...{ rate_limited: 5, server_errors: 2, guardrail_blocks: 1, errors: 10 },
      ...{ rate_limited_rate: 0.05, server_error_rate: 0.02, guardrail_block_rate: 0.01, error_rate: 0.1 },
    };
    const model = chartOf(result('errors', [row]));
    expect(model.kind).toBe('rate');
    expect(model.series.map((s) => s.id)).toEqual(['status-429', 'status-5xx', 'status-400', 'status-other']);
    expect(model.data[0]!.parts.reduce((a, b) => a + b)).toBeCloseTo(0.1);
    expect(model.data[0]!.parts[3]).toBeCloseTo(0.02);
  });

  it('shows no other 4xx where the rounded rates merely fail to add up', () => {
    const row = { day: '2026-11-01T00:00:00.000Z', requests: 3, rate_limited: 1, server_errors: 1, guardrail_blocks: 1, errors: 3 };
    const model = chartOf(result('errors', [{ ...row, rate_limited_rate: 0.3333, server_error_rate: 0.3333, guardrail_block_rate: 0.3333, error_rate: 1 }]));
    expect(model.data[0]!.parts[3]).toBe(0);
  });

  it('offers the measures the rows carry and leads chargeback with dollars when priced', () => {
    expect(measuresOf(result('by_user', [{ requester: 'a', requests: 1, total_tokens: 2 }]))).toEqual(['tokens', 'requests']);
    expect(measuresOf(result('chargeback', [{ context_value: 'x', requests: 1, total_tokens: 2, dollars: 0.5 }]))).toEqual(['dollars', 'tokens', 'requests']);
    const model = chartOf(result('chargeback', [{ context_value: 'x', requests: 1, total_tokens: 2, dollars: 0.5 }]));
    expect([model.measure, model.kind, model.data[0]!.value]).toEqual(['dollars', 'usd', 0.5]);
  });

  it('tags top users with their share of tokens and spikes with their ratio over the baseline', () => {
    const top = chartOf(result('top_users', [{ requester: 'a', requests: 1, total_tokens: 10, share_of_tokens: 0.4213 }]));
    expect(top.data[0]).toMatchObject({ tag: '42.1%', note: '42.1% of all tokens' });
    const spikes = chartOf(result('spikes', [{ requester: 'sp', day: '2026-11-02T00:00:00.000Z', requests: 9, total_tokens: 900, baseline_median_tokens: 10, ratio: 90 }]));
    expect(spikes.shape).toBe('ranking');
    expect(spikes.data[0]).toMatchObject({ label: 'sp · 2026-11-02', value: 900, baseline: 10, tag: '90×' });
  });

  it('draws no chart for the one-row summary', () => {
    expect(chartOf(result('summary', [{ requests: 1, total_tokens: 2 }])).shape).toBe('none');
  });
});

describe('spikesByDay', () => {
  it('groups spike rows by UTC day', () => {
    const byDay = spikesByDay([
      { requester: 'a', day: '2026-11-02T00:00:00.000Z', total_tokens: 5, ratio: 7 },
      { requester: 'b', day: '2026-11-02T00:00:00.000Z', total_tokens: 6, ratio: 8 },
    ]);
    expect([...byDay.keys()]).toEqual(['2026-11-02']);
    expect(byDay.get('2026-11-02')!.map((s) => s.requester)).toEqual(['a', 'b']);
  });
});

describe('niceScale', () => {
  it.each([
    [13_224_996, 15_000_000, 5_000_000],
    [0.111, 0.15, 0.05],
    [891, 1000, 250],
    [0, 1, 0.25],
  ])('max %d tops out at %d in steps of %d', (max, top, step) => {
    const scale = niceScale(max, 4);
    expect(scale.top).toBeCloseTo(top);
    expect(scale.step).toBeCloseTo(step);
  });
});

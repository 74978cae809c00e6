/** The parts of the page around the chart: heading, controls, totals, notes, the SQL and the data table. */
import { byId, html } from './dom.js';
import type { Formats, ValueKind } from './format.js';
import { measureLabel, REPORT_TITLES, REPORTS, type Measure, type UsageResult } from './model.js';

const DAY_MS = 86_400_000;
export const WINDOW_DAYS = [1, 7, 14, 30, 90];

const TOTAL_LABELS: Record<string, [string, ValueKind]> = {
  requests: ['Requests', 'count'],
  total_tokens: ['Tokens', 'count'],
  input_tokens: ['Input tokens', 'count'],
  output_tokens: ['Output tokens', 'count'],
  dollars: ['Dollars', 'usd'],
  unpriced_tokens: ['Unpriced tokens', 'count'],
  errors: ['Errors (≥ 400)', 'count'],
  users: ['Users', 'count'],
  rate_limited: ['429 rate limited', 'count'],
  server_errors: ['5xx server errors', 'count'],
  guardrail_blocks: ['400 guardrail blocks', 'count'],
  spike_days: ['Spike days', 'count'],
};

export function renderHeading(result: UsageResult, fmt: Formats): void {
  byId('title').textContent = `AI Gateway usage · ${REPORT_TITLES[result.report] ?? result.report}`;
  const { since, until } = result.window;
  byId('subtitle').textContent = `${since.slice(0, 16).replace('T', ' ')} → ${until.slice(0, 16).replace('T', ' ')} UTC · ${fmt.exact(result.groups, 'count')} ${result.groups === 1 ? 'row' : 'rows'} · ${result.source} · workspace ${result.workspace}`;
}

export function renderControls(result: UsageResult, measures: Measure[], measure: Measure, canCall: boolean, fmt: Formats): void {
  const report = byId<HTMLSelectElement>('report');
  report.replaceChildren(...REPORTS.map((r) => html('option', { value: r, selected: r === result.report }, REPORT_TITLES[r] ?? r)));
  const windowSelect = byId<HTMLSelectElement>('window');
  const days = windowDays(result);
  const options = WINDOW_DAYS.map((d) => html('option', { value: d, selected: d === days }, d === 1 ? 'Last day' : `Last ${d} days`));
  if (days === undefined) {
    options.unshift(html('option', { value: '', selected: true }, `${fmt.day(result.window.since)} – ${fmt.day(result.window.until)} (as asked)`));
  }
  windowSelect.replaceChildren(...options);
  for (const control of [report, windowSelect]) control.disabled = !canCall;
  byId('no-calls').hidden = canCall;

  const fieldset = byId<HTMLFieldSetElement>('measure');
  fieldset.hidden = measures.length < 2 || result.report === 'summary';
  fieldset.replaceChildren(
    html('legend', {}, 'Measure'),
    ...measures.map((m) => html('label', {}, html('input', { type: 'radio', name: 'measure', value: m, checked: m === measure }), measureLabel(m))),
  );
}

/** The preset the result's window equals (to the minute), if any. */
function windowDays(result: UsageResult): number | undefined {
  const span = Date.parse(result.window.until) - Date.parse(result.window.since);
  return WINDOW_DAYS.find((d) => Math.abs(span - d * DAY_MS) < 60_000);
}

export function windowOf(result: UsageResult, days: number): { since: string; until: string } {
  const until = Date.parse(result.window.until);
  return { since: new Date(until - days * DAY_MS).toISOString(), until: result.window.until };
}

export function renderTotals(result: UsageResult, fmt: Formats): void {
  const tile = (key: string, text: string) => html('div', { class: 'total' }, html('dt', {}, TOTAL_LABELS[key]?.[0] ?? key.replace(/_/g, ' ')), html('dd', { 'data-total': key }, text));
  const tiles = Object.entries(result.totals).map(([key, value]) => tile(key, fmt.exact(value, TOTAL_LABELS[key]?.[1] ?? 'count')));
  // The summary has no chart: what its one row adds to the totals (distinct users) shows beside them.
  const only = result.report === 'summary' ? result.rows[0] : undefined;
  if (only && typeof only.users === 'number') tiles.push(tile('users', fmt.exact(only.users, 'count')));
  byId('totals').replaceChildren(...tiles);
}

export function renderNotes(result: UsageResult, fmt: Formats): void {
  const notes: HTMLElement[] = result.warnings.map((w) => html('li', { class: 'warn' }, `Warning: ${w}`));
  if (result.narrow_hint) notes.push(html('li', { class: 'warn' }, `Truncated: ${result.narrow_hint}`));
  const b = result.budget;
  if (b) {
    notes.push(
      html(
        'li',
        { class: b.on_track ? '' : 'warn' },
        `Budget ${b.month}: spent ${fmt.exact(b.spent_usd, 'usd')}, projected ${fmt.exact(b.projected_month_end_usd, 'usd')} of ${fmt.exact(b.monthly_usd, 'usd')} (${b.on_track ? 'on track' : 'over budget'})`,
      ),
    );
  }
  notes.push(html('li', { class: 'muted' }, `Source: ${result.source_note}. Usage rows can lag requests by up to an hour.`));
  byId('notes').replaceChildren(...notes);
}

export function renderSql(result: UsageResult): void {
  byId('sql').textContent = result.sql;
  byId('parameters').textContent = Object.entries(result.parameters)
    .map(([name, value]) => `:${name} = ${JSON.stringify(value)}`)
    .join('\n');
}

/** Every number of the result, for screen readers (visually hidden). */
export function renderTable(result: UsageResult, fmt: Formats): void {
  const columns = [...new Set(result.rows.flatMap((row) => Object.keys(row)))];
  const table = byId<HTMLTableElement>('data');
  table.replaceChildren(
    html('caption', {}, `${REPORT_TITLES[result.report] ?? result.report}: ${result.rows.length} of ${result.groups} rows`),
    html('thead', {}, html('tr', {}, ...columns.map((c) => html('th', { scope: 'col' }, c)))),
    html(
      'tbody',
      {},
      ...result.rows.map((row) =>
        html(
          'tr',
          {},
          ...columns.map((c) => {
            const v = row[c];
            return html('td', {}, typeof v === 'number' ? fmt.exact(v, c === 'dollars' ? 'usd' : c.endsWith('_rate') || c.startsWith('share_') ? 'rate' : 'count') : v === null || v === undefined ? '(none)' : String(v));
          }),
        ),
      ),
    ),
  );
}

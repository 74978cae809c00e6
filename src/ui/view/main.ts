/**
 * The usage view: draws the query_usage result the host hands over, and re-asks query_usage through the host
 * when the reader switches report or window. A by_day series also asks for the spikes report over the same
 * window and filters, to mark the days a principal ran away.
 */
import { describeDatum, drawChart } from './charts.js';
import { byId, html } from './dom.js';
import { formats, type Formats } from './format.js';
import { HostBridge, type ToolResult } from './host-bridge.js';
import { chartOf, isUsageResult, measuresOf, REPORT_TITLES, spikesByDay, type ChartModel, type Measure, type Spike, type UsageResult } from './model.js';
import { renderControls, renderHeading, renderNotes, renderSql, renderTable, renderTotals, windowOf } from './page.js';
import { followTheme } from './theme.js';

declare const VIEW_VERSION: string;

type Args = Record<string, unknown>;

interface ViewState {
  /** The arguments of the call whose result is shown: a switch re-asks with these, changed. */
  args: Args;
  result?: UsageResult;
  measure?: Measure;
  model?: ChartModel;
  spikes: Map<string, Spike[]>;
  selected: number;
  canCall: boolean;
  /** Bumped by every new result or request, so a late answer to an older request is dropped. */
  generation: number;
  fmt: Formats;
}

const state: ViewState = { args: {}, spikes: new Map(), selected: -1, canCall: false, generation: 0, fmt: formats(undefined) };
const theme = followTheme(document.documentElement);

const bridge = new HostBridge(window.parent, {
  toolInput(args) {
    state.args = args;
  },
  toolResult(result) {
    state.generation++;
    show(result, state.args);
  },
  toolCancelled(reason) {
    setStatus(`The query_usage call was cancelled${reason ? `: ${reason}` : ''}.`);
  },
  hostContextChanged(change) {
    theme.apply(change);
    if (change.locale) state.fmt = formats(change.locale);
    if (state.result) render();
  },
});

function show(result: ToolResult, args: Args): void {
  if (result.isError) {
    showError((result.content ?? []).map((c) => c.text ?? '').join('\n') || 'query_usage failed without a message');
    return;
  }
  if (!isUsageResult(result.structuredContent)) {
    showError('The result carries no usage report to draw (structuredContent is missing).');
    return;
  }
  state.args = args;
  state.result = result.structuredContent;
  state.spikes = new Map();
  state.selected = -1;
  showError(undefined);
  setStatus('');
  render();
  if (state.result.report === 'by_day' && state.canCall) void markSpikes(state.result, state.generation);
}

function render(): void {
  const result = state.result;
  if (!result) return;
  const measures = measuresOf(result);
  const measure = state.measure && measures.includes(state.measure) ? state.measure : measures[0];
  renderHeading(result, state.fmt);
  renderControls(result, measures, measure ?? 'tokens', state.canCall, state.fmt);
  renderTotals(result, state.fmt);
  renderNotes(result, state.fmt);
  renderSql(result);
  renderTable(result, state.fmt);
  state.model = chartOf(result, measure);
  drawChartArea();
  byId('app').setAttribute('aria-busy', 'false');
}

function drawChartArea(): void {
  const model = state.model;
  const area = byId('chart');
  const figure = byId('figure');
  if (!model || model.shape === 'none') {
    figure.hidden = true;
    area.replaceChildren();
    return;
  }
  figure.hidden = false;
  const title = `${REPORT_TITLES[state.result!.report] ?? ''}: ${model.measureLabel.toLowerCase()}`;
  const chart = drawChart(model, { width: Math.max(320, area.clientWidth), fmt: state.fmt, spikes: state.spikes, title });
  chart.dataset.chart = state.result!.report;
  chart.addEventListener('keydown', onChartKey);
  chart.addEventListener('focus', () => select(state.selected < 0 ? 0 : state.selected));
  chart.addEventListener('pointerover', (event) => {
    const mark = (event.target as Element).closest('.mark');
    if (mark) select(Number(mark.getAttribute('data-index')));
  });
  // A redraw (new width, spike marks arriving) must not drop a keyboard reader's focus.
  const hadFocus = area.contains(document.activeElement);
  area.replaceChildren(chart);
  if (hadFocus) chart.focus();
  renderLegend(model);
  select(state.selected);
}

function renderLegend(model: ChartModel): void {
  // A series that is zero everywhere (say, no other 4xx in the window) has nothing to name.
  const drawn = model.series.filter((_, i) => model.data.some((d) => (d.parts[i] ?? 0) > 0));
  const items = drawn.length > 1 ? drawn.map((s) => html('li', {}, html('span', { class: `swatch s-${s.id}`, 'aria-hidden': 'true' }), s.label)) : [];
  if (model.shape === 'time' && state.spikes.size) items.push(html('li', {}, html('span', { class: 'swatch spike', 'aria-hidden': 'true' }), 'Spike: a principal over its trailing 7-day median'));
  if (model.data.some((d) => d.baseline !== undefined)) items.push(html('li', {}, html('span', { class: 'swatch baseline', 'aria-hidden': 'true' }), 'Trailing 7-day median'));
  byId('legend').replaceChildren(...items);
}

function select(index: number): void {
  const model = state.model;
  const readout = byId('readout');
  if (!model || index < 0 || index >= model.data.length) {
    readout.textContent = model?.data.length ? 'Point at a mark, or focus the chart and use the arrow keys, to read its numbers.' : '';
    return;
  }
  state.selected = index;
  for (const mark of byId('chart').querySelectorAll('.mark')) mark.classList.toggle('selected', Number(mark.getAttribute('data-index')) === index);
  readout.textContent = describeDatum(model, model.data[index]!, { fmt: state.fmt, spikes: state.spikes });
}

function onChartKey(event: KeyboardEvent): void {
  const n = state.model?.data.length ?? 0;
  const moves: Record<string, number> = { ArrowRight: state.selected + 1, ArrowDown: state.selected + 1, ArrowLeft: state.selected - 1, ArrowUp: state.selected - 1, Home: 0, End: n - 1 };
  const next = moves[event.key];
  if (next === undefined || n === 0) return;
  event.preventDefault();
  select(Math.min(n - 1, Math.max(0, next)));
}

/** Marks the days where the spikes report, over the same window and filters, found a runaway principal. */
async function markSpikes(result: UsageResult, generation: number): Promise<void> {
  const { group_by: _ignored, ...filters } = state.args;
  try {
    const answer = await bridge.callTool('query_usage', { ...filters, ...result.window, report: 'spikes', limit: 500 });
    if (generation !== state.generation || answer.isError || !isUsageResult(answer.structuredContent)) return;
    state.spikes = spikesByDay(answer.structuredContent.rows);
    drawChartArea();
  } catch {
    // Spike marks are an addition: the series stands without them.
  }
}

/** Re-asks query_usage through the host with some arguments changed; the current window stays explicit. */
async function ask(change: Args): Promise<void> {
  const result = state.result;
  if (!result) return;
  const { group_by: groupBy, ...rest } = state.args;
  // A group_by fits the report it was given for; another report gets its own grouping.
  const keepGrouping = groupBy !== undefined && (change.report === undefined || change.report === result.report);
  const args: Args = { ...rest, ...result.window, ...(keepGrouping ? { group_by: groupBy } : {}), ...change };
  const generation = ++state.generation;
  setStatus(`Loading ${REPORT_TITLES[String(args.report ?? result.report)] ?? 'report'}…`);
  byId('app').setAttribute('aria-busy', 'true');
  try {
    const answer = await bridge.callTool('query_usage', args);
    if (generation !== state.generation) return;
    show(answer, args);
    setStatus('');
  } catch (error) {
    if (generation !== state.generation) return;
    setStatus('');
    showError(`The host could not run query_usage: ${(error as Error).message}`);
  } finally {
    if (generation === state.generation) byId('app').setAttribute('aria-busy', 'false');
  }
}

function setStatus(text: string): void {
  byId('status').textContent = text;
}

function showError(text: string | undefined): void {
  const error = byId('error');
  error.hidden = text === undefined;
  error.textContent = text ?? '';
}

/** Hosts with flexible frames size them to the content the view reports. */
function reportSize(): void {
  let queued = false;
  let last = '';
  const measure = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      const width = Math.ceil(window.innerWidth);
      const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (`${width}x${height}` === last) return;
      last = `${width}x${height}`;
      bridge.reportSize(width, height);
    });
  };
  new ResizeObserver(measure).observe(document.documentElement);
  measure();
}

function redrawOnResize(): void {
  let width = 0;
  new ResizeObserver(([entry]) => {
    const now = Math.round(entry?.contentRect.width ?? 0);
    if (now === width) return;
    width = now;
    if (state.model) drawChartArea();
  }).observe(byId('chart'));
}

byId('report').addEventListener('change', (event) => void ask({ report: (event.target as HTMLSelectElement).value }));
byId('window').addEventListener('change', (event) => {
  const days = Number((event.target as HTMLSelectElement).value);
  if (state.result && days > 0) void ask(windowOf(state.result, days));
});
byId('measure').addEventListener('change', (event) => {
  if (!state.result) return;
  // Only the chart changes: the radio the reader is on stays where it is.
  state.measure = (event.target as HTMLInputElement).value as Measure;
  state.model = chartOf(state.result, state.measure);
  drawChartArea();
});
byId('controls').addEventListener('submit', (event) => event.preventDefault());

async function start(): Promise<void> {
  setStatus('Waiting for the query_usage result from the host…');
  const host = await bridge.connect({ name: 'ai-gateway-mcp usage view', version: VIEW_VERSION });
  state.canCall = Boolean(host.hostCapabilities?.serverTools);
  theme.apply(host.hostContext ?? {});
  state.fmt = formats(host.hostContext?.locale);
  reportSize();
  redrawOnResize();
}

start().catch((error: Error) => showError(`The view could not connect to its host: ${error.message}`));

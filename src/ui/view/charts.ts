/**
 * Hand-written SVG charts: a column series over days and a ranking of horizontal bars, both stacked by the
 * model's series. Each mark is a <g class="mark"> carrying its key and value, with a <title> for pointer users;
 * the <svg> has a <title> and <desc> for screen readers (the page adds a hidden data table with every number).
 */
import { svg } from './dom.js';
import type { Formats } from './format.js';
import { niceScale } from './format.js';
import type { ChartModel, Datum, Spike } from './model.js';

export interface ChartContext {
  width: number;
  fmt: Formats;
  /** Spikes by UTC day, marked on a time series. */
  spikes: Map<string, Spike[]>;
  title: string;
}

const TIME = { height: 240, top: 30, right: 12, bottom: 26, left: 58 };
const RANK = { row: 26, top: 6, bottom: 6, valueWidth: 112, gap: 8 };

export function drawChart(model: ChartModel, ctx: ChartContext): SVGSVGElement {
  return model.shape === 'time' ? drawTime(model, ctx) : drawRanking(model, ctx);
}

/** What one mark says, in words: the readout under the chart and the mark's tooltip. */
export function describeDatum(model: ChartModel, datum: Datum, ctx: Pick<ChartContext, 'fmt' | 'spikes'>): string {
  const label = model.shape === 'time' ? ctx.fmt.day(datum.key) : datum.label;
  const parts =
    model.series.length > 1
      ? ` (${model.series
          .map((s, i) => [s, datum.parts[i] ?? 0] as const)
          .filter(([, v]) => v > 0)
          .map(([s, v]) => `${s.label} ${ctx.fmt.exact(v, model.kind)}`)
          .join(', ')})`
      : '';
  const spikes = model.shape === 'time' ? (ctx.spikes.get(datum.key.slice(0, 10)) ?? []) : [];
  const spikeText = spikes.map((s) => `; spike: ${s.requester} used ${ctx.fmt.exact(s.tokens, 'count')} tokens, ${s.ratio}× its 7-day median`).join('');
  const note = datum.note ? `; ${datum.note}` : '';
  return `${label}: ${ctx.fmt.exact(datum.value, model.kind)} ${unitOf(model)}${parts}${note}${spikeText}`;
}

function unitOf(model: ChartModel): string {
  return model.measure === 'requests' ? 'requests' : model.measure === 'error_rate' ? 'of requests failed' : model.kind === 'usd' ? '' : 'tokens';
}

function frame(ctx: ChartContext, height: number, summary: string): SVGSVGElement {
  return svg(
    'svg',
    {
      class: 'chart-svg',
      width: ctx.width,
      height,
      viewBox: `0 0 ${ctx.width} ${height}`,
      role: 'img',
      tabindex: 0,
      'aria-labelledby': 'chart-title chart-desc',
    },
    svg('title', { id: 'chart-title' }, ctx.title),
    svg('desc', { id: 'chart-desc' }, `${summary} Left and right arrow keys (or up and down) read each mark; Home and End jump to the first and last.`),
  );
}

function drawTime(model: ChartModel, ctx: ChartContext): SVGSVGElement {
  const { height, top, right, bottom, left } = TIME;
  const innerW = Math.max(40, ctx.width - left - right);
  const innerH = height - top - bottom;
  const max = Math.max(...model.data.map(stackTop), 0);
  const scale = niceScale(max);
  const y = (v: number) => top + innerH - (v / scale.top) * innerH;
  const band = innerW / model.data.length;
  const barW = Math.max(1, band * 0.74);
  const root = frame(ctx, height, summarize(model, ctx));

  const axis = svg('g', { class: 'axis', 'aria-hidden': 'true' });
  for (let t = 0; t <= scale.top + scale.step / 2; t += scale.step) {
    axis.append(
      svg('line', { class: 'grid', x1: left, x2: left + innerW, y1: y(t), y2: y(t) }),
      svg('text', { class: 'tick', x: left - 6, y: y(t), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, ctx.fmt.short(t, model.kind)),
    );
  }
  const every = Math.max(1, Math.ceil(model.data.length / Math.max(1, Math.floor(innerW / 52))));
  model.data.forEach((d, i) => {
    if (i % every === 0) axis.append(svg('text', { class: 'tick', x: left + (i + 0.5) * band, y: height - 8, 'text-anchor': 'middle' }, ctx.fmt.day(d.key)));
  });
  root.append(axis);

  const marks = svg('g', { class: 'marks' });
  model.data.forEach((d, i) => {
    const x = left + i * band + (band - barW) / 2;
    const mark = markGroup(model, d, i, ctx);
    mark.append(svg('rect', { class: 'band', x: left + i * band, y: top, width: band, height: innerH }));
    let base = 0;
    d.parts.forEach((part, s) => {
      if (part <= 0) return;
      mark.append(svg('rect', { class: `part s-${model.series[s]?.id}`, x, y: y(base + part), width: barW, height: y(base) - y(base + part) }));
      base += part;
    });
    const spikes = ctx.spikes.get(d.key.slice(0, 10));
    if (spikes?.length) {
      const tip = y(stackTop(d)) - 4;
      const cx = x + barW / 2;
      const worst = Math.max(...spikes.map((s) => s.ratio));
      mark.append(
        svg(
          'g',
          { class: 'spike-mark', 'data-key': d.key },
          svg('path', { d: `M${cx - 5},${tip - 8} L${cx + 5},${tip - 8} L${cx},${tip} Z` }),
          svg('text', { x: cx, y: tip - 11, 'text-anchor': 'middle' }, `spike ×${Math.round(worst)}`),
        ),
      );
    }
    marks.append(mark);
  });
  root.append(marks);
  return root;
}

function drawRanking(model: ChartModel, ctx: ChartContext): SVGSVGElement {
  const { row, top, bottom, valueWidth, gap } = RANK;
  const height = top + model.data.length * row + bottom;
  const labelW = Math.min(240, Math.round(ctx.width * 0.36));
  const x0 = labelW + gap;
  const barMax = Math.max(20, ctx.width - x0 - valueWidth);
  const max = Math.max(...model.data.map((d) => Math.max(stackTop(d), d.baseline ?? 0)), 0) || 1;
  const x = (v: number) => x0 + (v / max) * barMax;
  const root = frame(ctx, height, summarize(model, ctx));
  const marks = svg('g', { class: 'marks' });
  const maxChars = Math.max(6, Math.floor(labelW / 6.8));
  model.data.forEach((d, i) => {
    const y = top + i * row;
    const mark = markGroup(model, d, i, ctx);
    mark.append(
      svg('rect', { class: 'band', x: 0, y, width: ctx.width, height: row }),
      svg('text', { class: 'label', x: labelW, y: y + row / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, clip(d.label, maxChars)),
    );
    let base = 0;
    d.parts.forEach((part, s) => {
      if (part <= 0) return;
      mark.append(svg('rect', { class: `part s-${model.series[s]?.id}`, x: x(base), y: y + 5, width: x(base + part) - x(base), height: row - 10 }));
      base += part;
    });
    if (d.baseline !== undefined) mark.append(svg('line', { class: 'baseline', x1: x(d.baseline), x2: x(d.baseline), y1: y + 2, y2: y + row - 2 }));
    const tag = d.tag ? ` · ${d.tag}` : '';
    mark.append(svg('text', { class: 'value', x: x(stackTop(d)) + 6, y: y + row / 2, 'dominant-baseline': 'middle' }, `${ctx.fmt.short(d.value, model.kind)}${tag}`));
    marks.append(mark);
  });
  root.append(marks);
  return root;
}

function markGroup(model: ChartModel, d: Datum, index: number, ctx: ChartContext): SVGGElement {
  return svg('g', { class: 'mark', 'data-index': index, 'data-key': d.key, 'data-value': d.value }, svg('title', {}, describeDatum(model, d, ctx)));
}

/** The drawn height of a mark: its stacked parts (equal to its value for every measure the model builds). */
function stackTop(d: Datum): number {
  return d.parts.reduce((a, b) => a + b, 0);
}

function summarize(model: ChartModel, ctx: ChartContext): string {
  const n = model.data.length;
  if (n === 0) return 'No rows.';
  const top = model.data.reduce((a, b) => (b.value > a.value ? b : a));
  const name = (d: Datum) => (model.shape === 'time' ? ctx.fmt.day(d.key) : d.label);
  const span = model.shape === 'time' ? `${n} days from ${name(model.data[0]!)} to ${name(model.data[n - 1]!)}` : `${n} groups`;
  const spikeDays = model.shape === 'time' ? model.data.filter((d) => ctx.spikes.has(d.key.slice(0, 10))).map(name) : [];
  const spikes = spikeDays.length ? ` Spikes marked on ${spikeDays.join(', ')}.` : '';
  return `${model.measureLabel}, ${span}. Highest: ${name(top)} with ${ctx.fmt.exact(top.value, model.kind)}.${spikes}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

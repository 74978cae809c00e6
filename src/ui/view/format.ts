/** Number and date formats of the view: compact on axes and marks, exact in the data table. */

export type ValueKind = 'count' | 'usd' | 'rate';

export interface Formats {
  /** Short form for axes and bar ends: 12.1M, $4.2K, 1.8%. */
  short(value: number, kind: ValueKind): string;
  /** Exact form for the readout and the data table. */
  exact(value: number, kind: ValueKind): string;
  /** A UTC calendar day, e.g. "Nov 28". */
  day(iso: string): string;
}

export function formats(locale: string | undefined): Formats {
  const lang = supported(locale);
  const compact = new Intl.NumberFormat(lang, { notation: 'compact', maximumFractionDigits: 1 });
  const compactUsd = new Intl.NumberFormat(lang, { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });
  const integer = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  const usd = new Intl.NumberFormat(lang, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
  const percentExact = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 2 });
  const day = new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  return {
    short(value, kind) {
      if (kind === 'rate') return percent.format(value);
      if (kind === 'usd') return Math.abs(value) < 1000 ? usd.format(value) : compactUsd.format(value);
      return Math.abs(value) < 1000 ? integer.format(value) : compact.format(value);
    },
    exact(value, kind) {
      if (kind === 'rate') return percentExact.format(value);
      if (kind === 'usd') return usd.format(value);
      return Number.isInteger(value) ? integer.format(value) : new Intl.NumberFormat(lang, { maximumFractionDigits: 4 }).format(value);
    },
    day(iso) {
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? iso : day.format(date);
    },
  };
}

/** A host may send any BCP 47 tag; fall back rather than throw on one Intl does not know. */
function supported(locale: string | undefined): string {
  if (!locale) return 'en-US';
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale]).length ? locale : 'en-US';
  } catch {
    return 'en-US';
  }
}

/** The first tick step ≥ max/ticks among 1, 2, 2.5, 5 × 10^n, so axis labels read as round numbers. */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.25 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  return { top: step * Math.ceil(max / step - 1e-9), step };
}

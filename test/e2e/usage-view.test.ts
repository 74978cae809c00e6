/**
 * The query_usage MCP App end to end: the built server on the sandbox serves the view over MCP; headless
 * Chromium runs it inside a minimal host (the official ext-apps AppBridge, test/support/app-host); the view
 * draws real query_usage results and re-asks query_usage through the host, which forwards to the same server.
 * Screenshots land in .bench-out/usage-view/ (gitignored) for a person to look at.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium, openViewHost, type ViewHost } from '../support/app-host/index.js';
import { callOk, connect, REPO, type Connected } from '../support/mcp.js';

const VIEW_URI = 'ui://ai-gateway/usage';
const MIME = 'text/html;profile=mcp-app';
const SHOTS = path.join(REPO, '.bench-out', 'usage-view');
const DAY = 86_400_000;
const midnight = new Date(new Date().toISOString().slice(0, 10)).getTime();
// The sandbox seeds the 30 UTC days ending now: this window holds exactly those days.
const WINDOW = { since: new Date(midnight - 29 * DAY).toISOString(), until: new Date(midnight + DAY).toISOString() };

interface Usage {
  report: string;
  window: { since: string; until: string };
  rows: Array<Record<string, unknown>>;
}

interface Mark {
  key: string;
  value: number;
  height: number;
  width: number;
}

const chromiumPath = findChromium();
if (!chromiumPath && !process.env.CI) {
  process.stderr.write('usage-view tests SKIPPED: no Chromium (apt-get install chromium, or set CHROMIUM_PATH); CI fails instead\n');
}

/** The marks of the chart on screen: key and value from the mark, size from the bars actually drawn. */
function marks(host: ViewHost, report: string): Promise<Mark[]> {
  return host.view.$$eval(`svg[data-chart="${report}"] .mark`, (groups) =>
    groups.map((g) => {
      const parts = [...g.querySelectorAll<SVGRectElement>('rect.part')].map((r) => r.getBBox());
      return {
        key: g.getAttribute('data-key')!,
        value: Number(g.getAttribute('data-value')),
        height: parts.reduce((sum, b) => sum + b.height, 0),
        width: parts.reduce((sum, b) => sum + b.width, 0),
      };
    }),
  );
}

/** Every mark's size is its value times one scale factor. */
function expectToScale(drawn: Mark[], size: 'height' | 'width') {
  const top = drawn.reduce((a, b) => (b.value > a.value ? b : a));
  const perUnit = top[size] / top.value;
  for (const mark of drawn) expect(Math.abs(mark[size] - mark.value * perUnit), mark.key).toBeLessThan(0.5);
}

function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** Background, text and first-series colours as the browser computed them. */
function colours(host: ViewHost) {
  return host.view.evaluate(() => {
    const body = getComputedStyle(document.body);
    const bar = document.querySelector('rect.part');
    return { background: body.backgroundColor, text: body.color, bar: bar ? getComputedStyle(bar).fill : '', theme: document.documentElement.dataset.theme };
  });
}

describe.skipIf(!chromiumPath && !process.env.CI)('query_usage as an MCP App', () => {
  let server: Connected;
  let browser: Browser;
  let html: string;

  beforeAll(async () => {
    server = await connect({ args: ['--sandbox'] });
    if (chromiumPath) browser = await launchChromium(chromiumPath);
    const resource = await server.client.readResource({ uri: VIEW_URI });
    html = (resource.contents[0] as { text: string }).text;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function usage(args: Record<string, unknown>) {
    const result = await server.client.callTool({ name: 'query_usage', arguments: args });
    if (result.isError) throw new Error(`query_usage failed: ${JSON.stringify(result.content)}`);
    return result;
  }

  // In CI a missing browser fails here, by name, and every test that renders fails too (no silent skip).
  it('finds Chromium to render the view in', () => {
    expect(chromiumPath, 'Chromium is missing: .ci/run installs the Debian package (apt-get install chromium); elsewhere set CHROMIUM_PATH').toBeDefined();
  });

  it('links query_usage to a self-contained ui:// view that allows no network', async () => {
    const { tools } = await server.client.listTools();
    expect(tools.find((t) => t.name === 'query_usage')?._meta).toMatchObject({ ui: { resourceUri: VIEW_URI } });
    const { resources } = await server.client.listResources();
    expect(resources.find((r) => r.uri === VIEW_URI)?.mimeType).toBe(MIME);
    const { contents } = await server.client.readResource({ uri: VIEW_URI });
    expect(contents[0]).toMatchObject({ uri: VIEW_URI, mimeType: MIME });
    expect(Buffer.byteLength(html)).toBeLessThan(300 * 1024);
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    // Inline script and style are allowed by their hash only: no 'unsafe-inline', no host, no scheme.
    for (const name of ['script-src', 'style-src']) expect(directives.get(name)).toEqual([expect.stringMatching(/^'sha256-[A-Za-z0-9+/=]+'$/)]);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
  });

  it('draws by_day from the sandbox: a bar per day to scale, the runaway agent’s spike day tallest and marked', async () => {
    const args = { report: 'by_day', ...WINDOW };
    const byDay = await usage(args);
    const rows = (byDay.structuredContent as unknown as Usage).rows;
    const spikes = await callOk<Usage>(server.client, 'query_usage', { report: 'spikes', ...WINDOW });
    expect(spikes.rows).toHaveLength(1);
    const spikeDay = String(spikes.rows[0]!.day);

    const host = await openViewHost(browser, { client: server.client, html, hostContext: { theme: 'light' } });
    try {
      await host.deliver(args, byDay);
      // The view asks for the spikes of the same window through the host, then marks them.
      await host.view.waitForSelector('svg[data-chart="by_day"] .spike-mark');
      expect(host.calls.map((c) => c.arguments)).toEqual([expect.objectContaining({ report: 'spikes', ...(byDay.structuredContent as unknown as Usage).window })]);

      const drawn = await marks(host, 'by_day');
      expect(drawn.map(({ key, value }) => ({ key, value }))).toEqual(rows.map((r) => ({ key: r.day, value: r.total_tokens })));
      expectToScale(drawn, 'height');
      const tallest = drawn.reduce((a, b) => (b.height > a.height ? b : a));
      expect(tallest.key).toBe(spikeDay);
      expect(await host.view.$$eval('.spike-mark', (m) => m.map((e) => e.getAttribute('data-key')))).toEqual([spikeDay]);

      // Text alternatives: the chart names itself and its spike; a hidden table holds every row.
      const chart = host.view.locator('svg[data-chart="by_day"]');
      expect(await chart.getAttribute('role')).toBe('img');
      expect(await host.view.locator('#chart-desc').textContent()).toMatch(/Spikes marked on/);
      expect(await host.view.locator('#data tbody tr').count()).toBe(rows.length);
      expect(await host.view.locator('#sql').textContent()).toBe((byDay.structuredContent as { sql: string }).sql);

      // Keyboard: the chart is in the tab order; End and Home read the last and the first day.
      expect(await chart.getAttribute('tabindex')).toBe('0');
      await chart.focus();
      await host.page.keyboard.press('End');
      expect(await host.view.locator('.mark.selected').getAttribute('data-key')).toBe(rows.at(-1)!.day);
      await host.page.keyboard.press('Home');
      expect(await host.view.locator('.mark.selected').getAttribute('data-key')).toBe(rows[0]!.day);
      expect(await host.view.locator('#readout').textContent()).toContain(new Intl.NumberFormat('en-US').format(Number(rows[0]!.total_tokens)));

      const light = await colours(host);
      expect(light.theme).toBe('light');
      expect(luminance(light.background)).toBeGreaterThan(0.8);
      expect(contrast(light.text, light.background)).toBeGreaterThan(7);
      expect(contrast(light.bar, light.background)).toBeGreaterThan(3);
      expect(host.requests).toEqual([]);
      // For the screenshot: the spike day read out, as a pointer user sees it.
      await chart.blur();
      await host.view.locator('.mark').nth(rows.findIndex((r) => r.day === spikeDay)).hover();
      await host.screenshot(path.join(SHOTS, 'usage-view-light.png'));
    } finally {
      await host.close();
    }
  });

  it('switches report and window through the host bridge: each choice is a query_usage call the server answers', async () => {
    const args = { report: 'by_day', ...WINDOW };
    const byDay = await usage(args);
    const window = (byDay.structuredContent as unknown as Usage).window;
    const host = await openViewHost(browser, { client: server.client, html, hostContext: { theme: 'light' } });
    try {
      await host.deliver(args, byDay);
      // The view's own spikes call settles first, so each later call is the one a choice made.
      await host.view.waitForSelector('svg[data-chart="by_day"] .spike-mark');

      await host.view.locator('#report').selectOption('by_user');
      await host.view.waitForSelector('svg[data-chart="by_user"]');
      expect(host.calls).toHaveLength(2);
      const byUserCall = host.calls[1]!;
      expect(byUserCall).toMatchObject({ name: 'query_usage', arguments: { report: 'by_user', ...window } });
      const byUser = await callOk<Usage>(server.client, 'query_usage', byUserCall.arguments);
      const users = await marks(host, 'by_user');
      expect(users.map(({ value }) => value)).toEqual(byUser.rows.map((r) => r.total_tokens));
      expect(users.map(({ key }) => key)).toEqual(byUser.rows.map((r) => r.requester));
      expectToScale(users, 'width');

      const asked = host.calls.length;
      await host.view.locator('#window').selectOption('7');
      await expect.poll(() => host.calls.length).toBe(asked + 1);
      const weekCall = host.calls.at(-1)!;
      const weekSince = new Date(Date.parse(window.until) - 7 * DAY).toISOString();
      expect(weekCall.arguments).toMatchObject({ report: 'by_user', since: weekSince, until: window.until });
      await host.view.waitForFunction((since) => document.getElementById('subtitle')?.textContent?.startsWith(since.slice(0, 16).replace('T', ' ')), weekSince);
      const week = await callOk<Usage>(server.client, 'query_usage', weekCall.arguments);
      expect((await marks(host, 'by_user')).map(({ value }) => value)).toEqual(week.rows.map((r) => r.total_tokens));

      await host.view.locator('#report').selectOption('errors');
      await host.view.waitForSelector('svg[data-chart="errors"]');
      const errors = (host.calls.at(-1)!.result.structuredContent as unknown as Usage).rows;
      const rates = await marks(host, 'errors');
      expect(rates.map(({ key, value }) => ({ key, value }))).toEqual(errors.map((r) => ({ key: r.day, value: r.error_rate })));
      expectToScale(rates, 'height');
      const legend = await host.view.locator('#legend').textContent();
      expect(legend).toMatch(/429 rate limited.*5xx server errors.*400 guardrail blocks/);
      const n = (v: unknown) => Number(v ?? 0);
      expect(legend?.includes('Other 4xx')).toBe(errors.some((r) => n(r.errors) > n(r.rate_limited) + n(r.server_errors) + n(r.guardrail_blocks)));
      expect(host.requests).toEqual([]);
      await host.screenshot(path.join(SHOTS, 'usage-view-errors.png'));
    } finally {
      await host.close();
    }
  });

  it('renders in the host’s dark theme and takes the host’s colour variables', async () => {
    const args = { report: 'by_day', ...WINDOW, prices: { 'claude-sonnet-46': { input_per_million: 3, output_per_million: 15 } } };
    const byDay = await usage(args);
    const host = await openViewHost(browser, { client: server.client, html, hostContext: { theme: 'dark' }, background: '#0d0e10' });
    try {
      await host.deliver(args, byDay);
      await host.view.waitForSelector('svg[data-chart="by_day"] .spike-mark');
      const dark = await colours(host);
      expect(dark.theme).toBe('dark');
      expect(luminance(dark.background)).toBeLessThan(0.05);
      expect(contrast(dark.text, dark.background)).toBeGreaterThan(7);
      expect(contrast(dark.bar, dark.background)).toBeGreaterThan(3);
      await host.screenshot(path.join(SHOTS, 'usage-view-dark.png'));

      await host.setHostContext({ theme: 'dark', styles: { variables: { '--color-background-primary': 'rgb(30, 32, 48)', '--color-text-primary': 'rgb(250, 250, 240)' } } });
      await host.view.waitForFunction(() => getComputedStyle(document.body).backgroundColor === 'rgb(30, 32, 48)');
      expect((await colours(host)).text).toBe('rgb(250, 250, 240)');
    } finally {
      await host.close();
    }
  });
});

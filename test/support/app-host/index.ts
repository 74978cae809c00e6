/**
 * A minimal MCP Apps host for end-to-end tests of a view: headless Chromium (the Debian package, driven by
 * playwright-core) loads a page running the official host-side AppBridge (./page.ts), which frames the view
 * and forwards the view's tools/call to a real MCP client. Every call the view makes is recorded.
 */
import type { Client } from '@modelcontextprotocol/client';
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** CHROMIUM_PATH if set, else a system Chromium or Chrome; undefined when that file is not there. */
export function findChromium(): string | undefined {
  const wanted = process.env.CHROMIUM_PATH;
  return wanted ? (existsSync(wanted) ? wanted : undefined) : CANDIDATES.find((candidate) => existsSync(candidate));
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true });
}

export interface HostContext {
  theme?: 'light' | 'dark';
  styles?: { variables?: Record<string, string> };
  locale?: string;
}

export interface ToolCallRecord {
  name: string;
  arguments: Record<string, unknown>;
  result: { structuredContent?: Record<string, unknown>; isError?: boolean };
}

export interface ViewHost {
  page: Page;
  /** The view's frame. */
  view: Frame;
  /** The tools/call requests the view sent through the host, with the server's answers, in order. */
  calls: ToolCallRecord[];
  /** Every network request the page or the view made. */
  requests: string[];
  deliver(args: Record<string, unknown>, result: unknown): Promise<void>;
  setHostContext(context: HostContext): Promise<void>;
  screenshot(file: string): Promise<void>;
  close(): Promise<void>;
}

let harnessScript: Promise<string> | undefined;

function harness(): Promise<string> {
  harnessScript ??= build({ entryPoints: [path.join(HERE, 'page.ts')], bundle: true, write: false, format: 'iife', platform: 'browser', logLevel: 'warning' }).then(
    (out) => out.outputFiles[0]!.text,
  );
  return harnessScript;
}

export async function openViewHost(browser: Browser, options: { client: Client; html: string; hostContext: HostContext; width?: number; background?: string }): Promise<ViewHost> {
  const page = await browser.newPage({ viewport: { width: (options.width ?? 760) + 40, height: 900 } });
  const calls: ToolCallRecord[] = [];
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.exposeFunction('hostCallTool', async (params: { name: string; arguments?: Record<string, unknown> }) => {
    const result = await options.client.callTool({ name: params.name, arguments: params.arguments ?? {} });
    calls.push({ name: params.name, arguments: params.arguments ?? {}, result: result as ToolCallRecord['result'] });
    return result;
  });
  await page.setContent(`<!doctype html><html><body style="margin:20px;background:${options.background ?? '#e9ebef'}"></body></html>`);
  await page.addScriptTag({ content: await harness() });
  await page.evaluate(({ html, hostContext, width }) => window.harness.mount(html, hostContext, width), { html: options.html, hostContext: options.hostContext, width: options.width ?? 760 });
  const view = await (await page.$('iframe'))!.contentFrame();
  if (!view) throw new Error('the view frame did not load');
  return {
    page,
    view,
    calls,
    requests,
    deliver: (args, result) => page.evaluate(({ args, result }) => window.harness.deliver(args, result), { args, result }),
    setHostContext: (context) => page.evaluate((c) => window.harness.setHostContext(c), context),
    async screenshot(file) {
      mkdirSync(path.dirname(file), { recursive: true });
      // The host sizes the frame from the view's size-changed notifications: wait until it fits the content.
      const content = await view.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
      await page.waitForFunction((height) => Math.abs(document.querySelector('iframe')!.getBoundingClientRect().height - height) < 1, content);
      await page.locator('iframe').screenshot({ path: file });
    },
    close: () => page.close(),
  };
}

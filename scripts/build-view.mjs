/**
 * Builds the query_usage view (src/ui/view, an MCP App) into one self-contained HTML file: the bundled script
 * and the stylesheet inline, nothing fetched, and a Content-Security-Policy that allows exactly those two
 * (by hash) and no network at all. The server bundle embeds the file as a string (the USAGE_VIEW_HTML define
 * in scripts/build-bin.mjs), so the executable serves `ui://ai-gateway/usage` with nothing beside it;
 * `npm run build` also writes it to dist/ui/usage-view.html to look at.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync, transformSync } from 'esbuild';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VIEW = path.join(REPO, 'src', 'ui', 'view');

/** Hosts load the view into every conversation that shows a usage result: keep it small. */
const VIEW_MAX_BYTES = 300 * 1024;

let built;

/** The view's HTML; built once per process (the server bundle and dist/ui both want it). */
export function buildUsageView() {
  built ??= compose();
  return built;
}

function compose() {
  const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const bundled = buildSync({
    entryPoints: [path.join(VIEW, 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    minify: true,
    legalComments: 'none',
    define: { VIEW_VERSION: JSON.stringify(version) },
    logLevel: 'warning',
  });
  const script = bundled.outputFiles[0].text.trim();
  const style = transformSync(readFileSync(path.join(VIEW, 'styles.css'), 'utf8'), { loader: 'css', minify: true }).code.trim();
  if (/<\/(script|style)/i.test(script + style)) throw new Error('usage view: the inlined script or style contains a closing tag');
  const csp = ["default-src 'none'", `script-src '${sha256(script)}'`, `style-src '${sha256(style)}'`, "base-uri 'none'", "form-action 'none'"].join('; ');
  const html = readFileSync(path.join(VIEW, 'index.html'), 'utf8')
    .replace('__CSP__', () => csp)
    .replace('__STYLE__', () => style)
    .replace('__SCRIPT__', () => script);
  const bytes = Buffer.byteLength(html);
  if (bytes > VIEW_MAX_BYTES) throw new Error(`usage view: ${bytes} bytes, over its ${VIEW_MAX_BYTES}-byte budget`);
  return html;
}

function sha256(text) {
  return `sha256-${createHash('sha256').update(text).digest('base64')}`;
}

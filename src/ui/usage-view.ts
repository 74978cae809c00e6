/**
 * The query_usage view as an MCP Apps resource (`ui://`, `text/html;profile=mcp-app`). Hosts that render MCP
 * Apps show it in a sandboxed frame beside the result; the view asks for no network, so its resource declares
 * no CSP domains (hosts then apply their most restrictive default) and its own CSP allows none either.
 */
import { registerAppResource, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import type { McpServer } from '@modelcontextprotocol/server';
import { USAGE_VIEW_URI } from './uris.js';

/** The built view (scripts/build-view.mjs), put in by the bundler (scripts/build-bin.mjs). */
declare const USAGE_VIEW_HTML: string;

const UI_META = { ui: { prefersBorder: true } };

export function registerUsageView(server: McpServer): void {
  registerAppResource(
    server,
    'usage_view',
    USAGE_VIEW_URI,
    {
      title: 'AI Gateway usage view',
      description: 'Interactive chart of a query_usage result: tokens, requests and dollars by day with spikes marked, rankings, error rates by status; switches report and window through query_usage',
      _meta: UI_META,
    },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: RESOURCE_MIME_TYPE, text: USAGE_VIEW_HTML, _meta: UI_META }] }),
  );
}

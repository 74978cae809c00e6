/**
 * What a browser sees at `/`: a small page saying what this server is, its MCP URL and how to add it to Genie
 * Code. Opening a Databricks App's URL lands here; MCP clients use `/mcp`. The page holds no data and no
 * secret, and the only thing it echoes (the host the browser addressed) is escaped.
 */
import { VERSION } from '../runtime/version.js';

export function landingPage(host: string, forwardedHost: string | undefined, mcpPath: string): Response {
  const viaApps = forwardedHost !== undefined;
  const url = `${viaApps ? 'https' : 'http'}://${forwardedHost ?? host}${mcpPath}`;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>ai-gateway-mcp</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}code{background:#f2f2f2;padding:.1rem .3rem;border-radius:3px}</style></head>
<body>
<h1>ai-gateway-mcp ${escapeHtml(VERSION)}</h1>
<p>An MCP server that governs Databricks AI Gateway endpoints by chat: read the endpoint audit, lint a gateway config, create or update the gateway (or export it as a bundle), query token usage, tail the inference table.</p>
<p>MCP URL: <code>${escapeHtml(url)}</code></p>
<h2>Add it in Genie Code</h2>
<ol>
<li>Open Genie Code and switch to <strong>Agent</strong> mode.</li>
<li>Add an MCP server, choose this Databricks App (or paste the MCP URL above).</li>
<li>Ask, for example: “read the gateway audit of my state file”. Each call runs with your own Databricks rights.</li>
</ol>
<p>Other MCP clients connect to the same URL over Streamable HTTP.</p>
</body>
</html>
`;
  return new Response(html, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

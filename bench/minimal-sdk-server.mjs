#!/usr/bin/env node
/**
 * The smallest server the official SDK makes, as its documentation writes it: one tool, served on stdio by
 * serveStdio. bench/startup.mjs starts it exactly as it starts ai-gateway-mcp, as the yardstick for start-up.
 */
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';

serveStdio(() => {
  const server = new McpServer({ name: 'minimal-sdk-server', version: '1.0.0' });
  server.registerTool('echo', { description: 'Returns the text it is given', inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  return server;
});

/** Prompts (slash commands in clients). */
import type { McpServer } from '@modelcontextprotocol/server';
import type { Runtime } from '../runtime.js';

export function registerPrompts(_server: McpServer, _runtime: Runtime): void {}

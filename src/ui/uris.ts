/** MCP Apps views this server declares, by the tools that link them (kept apart from the HTML they serve). */
export const USAGE_VIEW_URI = 'ui://ai-gateway/usage';

import { describe, expect, it } from 'vitest';
import { APPS_DEFAULT_PORT, appsHostingOf, isAppHostname } from './apps-hosting.js';

describe('Databricks Apps hosting', () => {
  it('is on when DATABRICKS_APP_NAME is set, listening on DATABRICKS_APP_PORT (8000 by default)', () => {
    expect(appsHostingOf({})).toBeUndefined();
    expect(appsHostingOf({ DATABRICKS_APP_NAME: 'mcp-ai-gateway', DATABRICKS_APP_PORT: '8080', DATABRICKS_WORKSPACE_ID: '42' })).toEqual({ appName: 'mcp-ai-gateway', workspaceId: '42', port: 8080 });
    expect(appsHostingOf({ DATABRICKS_APP_NAME: 'mcp-ai-gateway' })?.port).toBe(APPS_DEFAULT_PORT);
  });

  it('recognises the app’s own host in any region, and nothing else', () => {
    const hosting = { appName: 'mcp-ai-gateway', workspaceId: '1234', port: 8000 };
    expect(isAppHostname(hosting, 'mcp-ai-gateway-1234.aws.databricksapps.com')).toBe(true);
    expect(isAppHostname(hosting, 'MCP-AI-GATEWAY-1234.azure.databricksapps.com')).toBe(true);
    expect(isAppHostname(hosting, 'mcp-ai-gateway-1234.aws.databricksapps.com.attacker.example')).toBe(false);
    expect(isAppHostname(hosting, 'mcp-ai-gateway-12345.aws.databricksapps.com')).toBe(false);
    expect(isAppHostname(hosting, 'other-mcp-ai-gateway-1234.aws.databricksapps.com')).toBe(false);
    expect(isAppHostname({ ...hosting, workspaceId: undefined }, 'mcp-ai-gateway-.aws.databricksapps.com')).toBe(false);
  });
});

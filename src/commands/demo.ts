/** `ai-gateway-mcp demo` (issue 6). */
export async function runDemoCommand(_argv: string[]): Promise<number> {
  process.stderr.write('demo is not available yet\n');
  return 2;
}

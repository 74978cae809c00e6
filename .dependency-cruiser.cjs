/**
 * The layers, enforced: every entry point (tools, resources, prompts, commands, transports) → use cases → domain (governance) and clients; the domain does no I/O; only the
 * sandbox command, --sandbox and the demo reach the sandbox. `npm run lint:layers` runs it; CI fails on a breach.
 */
const IO_MODULES = '^(node:)?(fs|fs/promises|net|http|https|http2|tls|child_process|dgram|readline)$|^(undici|@databricks/sql|@duckdb/node-api|proper-lockfile|thrift|selfsigned|proxy-from-env|ini)$';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'governance/ is the pure domain: no I/O, no workspace clients, no files, no MCP, no knowledge of tools or use cases',
      severity: 'error',
      from: { path: '^src/governance/', pathNot: '\\.test\\.ts$' },
      to: { path: ['^src/(databricks|state|files|use-cases|tools|sandbox|commands|resources|prompts|transports|runtime)/', '^src/(server|cli)\\.ts$', '@modelcontextprotocol', IO_MODULES] },
    },
    {
      name: 'entry-points-go-through-use-cases',
      comment:
        'every entry point (tools, resources, prompts, the MCP App, the validate command) keeps schema, argument mapping and rendering; ' +
        'workspace, files and state are reached through a use case. The sandbox and demo commands run the sandbox itself',
      severity: 'error',
      from: { path: '^src/(tools|resources|prompts|ui|commands)/', pathNot: ['\\.test\\.ts$', '^src/commands/(sandbox|demo)-command\\.ts$'] },
      to: { path: ['^src/(databricks|state|files|sandbox)/', IO_MODULES] },
    },
    {
      name: 'transports-go-through-use-cases',
      comment:
        'transports (stdio, Streamable HTTP, Databricks Apps hosting) carry requests to the MCP server; what they ask of the ' +
        'workspace or the state file (who a forwarded token belongs to, the start-up note) goes through a use case',
      severity: 'error',
      from: { path: '^src/transports/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(databricks|state|files|governance)/' },
    },
    {
      name: 'use-cases-know-no-protocol',
      comment: 'use cases serve any caller (MCP tools, the CLI, the demo): no MCP SDK, no tool modules',
      severity: 'error',
      from: { path: '^src/use-cases/', pathNot: '\\.test\\.ts$' },
      to: { path: ['^src/(tools|resources|prompts|commands)/', '@modelcontextprotocol'] },
    },
    {
      name: 'clients-know-no-domain',
      comment: 'the Databricks clients and the state files serve the use cases; they do not reach up',
      severity: 'error',
      from: { path: '^src/(databricks|state|files)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(use-cases|tools|resources|prompts|commands)/' },
    },
    {
      name: 'sandbox-only-where-asked-for',
      comment: 'the product never reaches the embedded workspace except through the sandbox command, --sandbox (cli.ts) and the demo',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/sandbox/', '^src/commands/(sandbox|demo)-command\\.ts$', '^src/cli\\.ts$', '\\.test\\.ts$'] },
      to: { path: '^src/sandbox/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs'] },
  },
};

/**
 * Generated code and SQL run nothing a value says. Every consumer snippet (create_gateway's `consumer`, the
 * wire_consumer prompt) is parsed by its language's own parser for hosts WHATWG URL accepts and names a workspace
 * could return, carrying `"`, `'`, `$()`, back quotes and braces: the syntax tree has the same shape as for a
 * benign value (nothing added, nothing run) and the value is there as one literal, intact. The SQL suggested for
 * grants keeps each name one identifier.
 */
import { describe, expect, it } from 'vitest';
import { grantStatements } from '../src/databricks/grants.api.js';
import { consumerWiring, type ConsumerWiring } from '../src/governance/consumer.js';
import { fenced, shellWord } from '../src/shared/code-literals.js';
import { parsePython, parseTypeScript, runShell } from './support/code-parsers.js';

/** Hosts as the product holds them (`https://` + what WHATWG URL keeps of the authority). */
const HOSTILE_HOSTS = [
  `a"b$(id)'c\`id\`d.example.com`,
  `x";__import__("os").system("id");"`,
  `x'+require('child_process').execSync('id')+'`,
  `x\${process.exit(3)}y.example.com`,
  `x"};exec("id");{".example.com`,
  `x$(IFS=,;cmd=touch,pwned;$cmd)`,
].map((raw) => `https://${new URL(`https://${raw}`).host}`);

const HOSTILE_NAMES = [`gw"; $(touch pwned) \`id\` ' \\ {x} \${y}`, `cat.sch.svc'$(id)'`, 'line\nbreak"""\'\'\'', `x\u2028y\u2029z`];

const BENIGN = { host: 'https://dbc-1.cloud.databricks.com', name: 'gw' };
const TARGETS = ['serving_endpoint', 'model_service'] as const;

const wiring = (host: string, name: string, target: (typeof TARGETS)[number]) => consumerWiring({ host, endpoint: name, target, servesClaude: true });

function expectSameShape(benign: ConsumerWiring, hostile: ConsumerWiring): void {
  const { snippets: b } = benign;
  const { snippets: h } = hostile;
  const keys = ['openai_python', 'anthropic_python', 'langchain_python'] as const;
  const parsed = parsePython([...keys.map((k) => b[k]), ...keys.map((k) => h[k])]);
  for (const [i, key] of keys.entries()) {
    const [pb, ph] = [parsed[i]!, parsed[i + keys.length]!];
    expect(ph.shape, key).toBe(pb.shape);
    expect(ph.strings, key).toContain(key === 'anthropic_python' ? hostile.anthropic_base_url : hostile.base_url);
    expect(ph.strings, key).toContain(hostile.model);
  }
  const [tb, th] = [parseTypeScript(b.openai_typescript), parseTypeScript(h.openai_typescript)];
  expect(th.shape).toBe(tb.shape);
  expect(th.strings).toContain(hostile.base_url);
  expect(th.strings).toContain(hostile.model);

  const vars = ['ANTHROPIC_BASE_URL', 'ANTHROPIC_MODEL'];
  const [sb, sh] = [runShell(b.claude_code_env, vars), runShell(h.claude_code_env, vars)];
  expect(sh.commands).toEqual(sb.commands);
  expect(sh.filesCreated).toEqual([]);
  expect(sh.values).toEqual({ ANTHROPIC_BASE_URL: hostile.anthropic_base_url, ANTHROPIC_MODEL: hostile.model });
}

describe('consumer snippets with hostile hosts and names', () => {
  it('the shell check itself sees a command that runs (so its silence means something)', () => {
    const run = runShell(`export A="$(touch made-by-snippet)x"\n`, ['A']);
    expect(run.commands).toEqual(['export', 'touch']);
  });

  for (const target of TARGETS) {
    const benign = wiring(BENIGN.host, target === 'model_service' ? 'cat.sch.svc' : BENIGN.name, target);
    it(`${target}: a hostile host is one literal in every snippet and runs nothing`, () => {
      for (const host of HOSTILE_HOSTS) expectSameShape(benign, wiring(host, benign.model, target));
    });
    it(`${target}: a hostile gateway or model name is one literal in every snippet and runs nothing`, () => {
      for (const name of HOSTILE_NAMES) expectSameShape(benign, wiring(BENIGN.host, name, target));
    });
  }

  it('a Markdown fence around a snippet is longer than any run of back quotes inside it', () => {
    const code = 'x = "```"\ny = "````"';
    const block = fenced('python', code);
    expect(block.startsWith('`````python\n')).toBe(true);
    expect(block.endsWith('\n`````')).toBe(true);
  });

  it('a shell word holds its exact value, quotes included', () => {
    expect(runShell(`export V=${shellWord("it's $(id) `id` \\ \"q\"")}\n`, ['V']).values.V).toBe("it's $(id) `id` \\ \"q\"");
  });
});

/** The identifiers of a statement: back-quoted names with doubled back quotes inside, and what is left between them. */
function lex(sql: string): { identifiers: string[]; rest: string } {
  const identifiers: string[] = [];
  const rest = sql.replace(/`((?:[^`]|``)*)`/g, (_m, body: string) => {
    identifiers.push(body.replaceAll('``', '`'));
    return '<id>';
  });
  return { identifiers, rest };
}

describe('the GRANT statement suggested when the permissions API refuses a service grant', () => {
  it('keeps a hostile principal and service name as single identifiers, in one statement', () => {
    const principal = 'evil`; DROP SCHEMA workshop.team CASCADE; --';
    const sql = grantStatements('model_service', 'workshop.te`am.svc', [{ principal, add: ['EXECUTE'] }]);
    const { identifiers, rest } = lex(sql);
    expect(identifiers).toEqual(['workshop', 'te`am', 'svc', principal]);
    expect(rest).toBe('GRANT EXECUTE ON MODEL SERVICE <id>.<id>.<id> TO <id>');
  });

  it('writes one statement per principal, privileges in SQL spelling', () => {
    const sql = grantStatements('mcp_service', 'c.s.m', [{ principal: 'a', add: ['EXECUTE'] }, { principal: 'b', add: ['USE_CONNECTION'] }]);
    expect(lex(sql).rest).toBe('GRANT EXECUTE ON MCP SERVICE <id>.<id>.<id> TO <id>; GRANT USE CONNECTION ON MCP SERVICE <id>.<id>.<id> TO <id>');
  });

  it('refuses a privilege that is not a privilege name', () => {
    expect(() => grantStatements('model_service', 'c.s.m', [{ principal: 'a', add: ['EXECUTE TO x; DROP'] }])).toThrow(/not a privilege/);
  });
});

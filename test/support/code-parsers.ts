/**
 * Generated code read by each language's own parser, to prove a value entered it only as a literal: the shape of
 * the syntax tree with every string literal blanked (equal for a benign and a hostile value means the value ran
 * nothing and added no code), and the string literals themselves (the value must be among them, intact).
 * TypeScript through its compiler API, Python through `ast`, POSIX shell through bash itself: `bash -n` for the
 * syntax, then the snippet run with an empty PATH in an empty folder under a DEBUG trap that lists every simple
 * command bash runs, so an extra command shows up by name and nothing outside bash's builtins can run at all.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';

export interface ParsedCode {
  /** The syntax tree's shape with string literals blanked. */
  shape: string;
  /** Every string literal's value, in order. */
  strings: string[];
}

export function parseTypeScript(code: string): ParsedCode {
  const file = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const diagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  if (diagnostics.length) throw new Error(`TypeScript syntax errors: ${diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('; ')}`);
  const kinds: string[] = [];
  const strings: string[] = [];
  const visit = (node: ts.Node): void => {
    kinds.push(ts.SyntaxKind[node.kind]);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) strings.push(node.text);
    if (ts.isIdentifier(node)) kinds.push(node.text);
    node.forEachChild(visit);
  };
  visit(file);
  return { shape: kinds.join(' '), strings };
}

/** Reads a JSON list of sources on stdin and prints one {shape, strings} per source (one process for many). */
const PYTHON_SHAPE = `
import ast, json, sys
def shape_of(code):
    strings = []
    class Blank(ast.NodeTransformer):
        def visit_Constant(self, node):
            if isinstance(node.value, str):
                strings.append(node.value)
                return ast.copy_location(ast.Constant(value="<str>"), node)
            return node
    return {"shape": ast.dump(Blank().visit(ast.parse(code)), include_attributes=False), "strings": strings}
print(json.dumps([shape_of(code) for code in json.load(sys.stdin)]))
`;

let python: string | undefined;

/** Each source through Python's own parser; a syntax error in any fails the call. */
export function parsePython(codes: string[]): ParsedCode[] {
  // The interpreter itself, not a version manager's shim script, which costs a second per call.
  python ??= execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  const out = execFileSync(python, ['-c', PYTHON_SHAPE], { input: JSON.stringify(codes), encoding: 'utf8' });
  return JSON.parse(out) as ParsedCode[];
}

export interface ShellRun {
  /** The first word of every simple command bash ran, in order. */
  commands: string[];
  /** The value of each named variable after the snippet ran. */
  values: Record<string, string>;
  /** Files the snippet left in its (empty) working folder. */
  filesCreated: string[];
}

/** Syntax check (`bash -n`), then the traced run described above. */
export function runShell(code: string, variables: string[]): ShellRun {
  const syntax = spawnSync('bash', ['-n'], { input: code, encoding: 'utf8' });
  if (syntax.status !== 0) throw new Error(`bash -n: ${syntax.stderr}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'aigw-shell-'));
  try {
    // The trace goes to fd 3 (a pipe this process reads), the values after a NUL-separated marker on stdout.
    const script = `set -T
trap 'printf "%s\\n" "\${BASH_COMMAND%% *}" >&3' DEBUG
eval "$SNIPPET"
trap - DEBUG
printf '%s\\0' ${variables.map((v) => `"$${v}"`).join(' ')}`;
    const run = spawnSync('/bin/bash', ['--noprofile', '--norc', '-c', script], {
      cwd: dir,
      env: { PATH: path.join(dir, 'no-such-folder'), SNIPPET: code, DATABRICKS_TOKEN: 'token' },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    const trace = String(run.output[3] ?? '');
    const commands = trace.split('\n').filter((line) => line && line !== 'eval' && line !== 'trap');
    const parts = String(run.stdout).split('\0');
    return { commands, values: Object.fromEntries(variables.map((v, i) => [v, parts[i] ?? ''])), filesCreated: readdirSync(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

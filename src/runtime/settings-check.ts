/**
 * Settings that reach the process broken. A client that launches the server from a bundle manifest fills
 * `${user_config.…}` placeholders into its environment; an optional setting left empty can arrive as the
 * literal placeholder, and a secret the client failed to decrypt arrives as `__encrypted__:…`. Either would
 * fail much later as a baffling 401 or "invalid host", so they are found at start, reported plainly (by name,
 * never by value) and kept out of the settings the server uses.
 */
import { ToolError } from '../shared/tool-error.js';

export interface SettingProblem {
  /** The environment variable, e.g. DATABRICKS_TOKEN. */
  name: string;
  kind: 'unsubstituted' | 'encrypted';
  /** For an unsubstituted setting, the placeholder it still holds (a key name, never a secret). */
  placeholder?: string;
}

export interface SettingsCheck {
  /** The environment with broken settings removed (AIGW_READ_ONLY forced on: unknown must mean safe). */
  env: NodeJS.ProcessEnv;
  problems: SettingProblem[];
}

const OWN_SETTING = /^(DATABRICKS_|AIGW_)/;
const PLACEHOLDER = /\$\{user_config\.[A-Za-z0-9_.-]{1,64}\}/;
const ENCRYPTED_PREFIX = '__encrypted__:';

export function checkSettings(env: NodeJS.ProcessEnv): SettingsCheck {
  const clean: NodeJS.ProcessEnv = { ...env };
  const problems: SettingProblem[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!OWN_SETTING.test(name) || value === undefined) continue;
    const placeholder = PLACEHOLDER.exec(value)?.[0];
    if (placeholder) problems.push({ name, kind: 'unsubstituted', placeholder });
    else if (value.trim().startsWith(ENCRYPTED_PREFIX)) problems.push({ name, kind: 'encrypted' });
    else continue;
    delete clean[name];
  }
  if (problems.some((p) => p.name === 'AIGW_READ_ONLY')) clean.AIGW_READ_ONLY = '1';
  return { env: clean, problems };
}

export function describeProblem(problem: SettingProblem): string {
  if (problem.kind === 'encrypted') {
    return (
      `${problem.name} arrived still encrypted (its value starts with ${ENCRYPTED_PREFIX}): the client could not decrypt the stored secret, so it is not used. ` +
      `Enter it again in the extension's settings and restart the extension`
    );
  }
  const effect = problem.name === 'AIGW_READ_ONLY' ? 'so read-only mode is ON to be safe' : 'so it is treated as unset';
  return (
    `${problem.name} arrived as the literal text ${problem.placeholder}: the client did not fill in that setting, ${effect}. ` +
    `Fill it in the extension's settings (or in the client's MCP config) if you need it`
  );
}

/**
 * Workspace settings are resolved through here: an encrypted Databricks setting stops the call (the operator
 * set a value that cannot be read, so silently using other credentials would surprise them); an
 * unsubstituted one is named when the workspace then turns out not to be configured.
 */
export function resolveWithSettingsCheck<T>(problems: readonly SettingProblem[], resolve: () => T): T {
  const workspace = problems.filter((p) => p.name.startsWith('DATABRICKS_'));
  const encrypted = workspace.filter((p) => p.kind === 'encrypted');
  if (encrypted.length > 0) {
    throw new ToolError(
      `The Databricks setting${encrypted.length > 1 ? 's' : ''} ${encrypted.map((p) => p.name).join(', ')} could not be read`,
      encrypted.map(describeProblem).join('; '),
      'Then call the tool again',
      'SETTINGS_ENCRYPTED',
    );
  }
  try {
    return resolve();
  } catch (error) {
    if (!(error instanceof ToolError) || workspace.length === 0) throw error;
    throw new ToolError(error.what, `${error.why}; note: ${workspace.map(describeProblem).join('; ')}`, error.next, error.code);
  }
}

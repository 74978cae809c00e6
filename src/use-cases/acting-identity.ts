/**
 * Under Databricks Apps the server acts as the caller (user authorization forwards their token) or as the app's
 * service principal. Agents and operators must know which: tools/list says it in a line of each workspace
 * tool's description, each result's `workspace` says it again (databricks/workspace-clients.ts), and an error says
 * whose rights fell short.
 */
import { actingIdentity, workspaceConfigOf } from '../databricks/workspace-clients.js';
import { ToolError } from '../shared/tool-error.js';
import type { Runtime } from '../runtime/process-runtime.js';

/** The description line for the identity `runtime` acts as; undefined outside Databricks Apps. */
export function workspaceLine(runtime: Runtime): string | undefined {
  if (!runtime.hosting) return undefined;
  let config;
  try {
    config = workspaceConfigOf(runtime.base);
  } catch (error) {
    return `Workspace: not configured (${error instanceof ToolError ? error.why : 'the settings do not resolve'}).`;
  }
  const identity = actingIdentity(runtime, config);
  const rights = runtime.caller?.workspaceToken
    ? 'calls run with your own Unity Catalog rights (the app forwards your token)'
    : 'the app has no user authorization, so every caller acts with that principal\'s rights';
  return `Workspace: ${runtime.workspaceLabel ?? config.host}, ${identity}: ${rights}.`;
}

/** For error results under Databricks Apps: whose rights the call used, so a missing grant goes to the right principal. */
export function identityNote(runtime: Runtime): string | undefined {
  if (!runtime.hosting) return undefined;
  const user = runtime.caller?.workspaceToken ? runtime.caller.user : undefined;
  if (user) return `This call ran as ${user}, with that user's own rights`;
  try {
    return `This call ran ${actingIdentity(runtime, workspaceConfigOf(runtime.base))}`;
  } catch {
    return undefined;
  }
}

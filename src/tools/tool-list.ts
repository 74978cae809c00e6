/**
 * The tools, in the order an agent meets them in the F4 step. Each module loads on the tool's first call: the
 * bundle carries their listings (tool-listing.ts), written by the build from these same modules.
 */
import type { AnyToolSpec } from './define-tool.js';
import { entryOf, type ToolEntry, type ToolListing } from './tool-listing.js';

/** Defined by scripts/build-bin.mjs in the bundle; absent when the TypeScript output or the tests run. */
declare const BUILT_TOOL_LISTINGS: readonly ToolListing[] | undefined;

const MODULES: readonly (() => Promise<AnyToolSpec>)[] = [
  async () => (await import('./read-audit.tool.js')).readAuditTool,
  async () => (await import('./validate-config.tool.js')).validateConfigTool,
  async () => (await import('./create-gateway.tool.js')).createGatewayTool,
  async () => (await import('./query-usage.tool.js')).queryUsageTool,
  async () => (await import('./tail-inference.tool.js')).tailInferenceTool,
];

export async function loadToolSpecs(): Promise<AnyToolSpec[]> {
  return Promise.all(MODULES.map((load) => load()));
}

/** The server's tools: from the build's listings in the bundle, else from the loaded modules. */
export async function toolEntries(): Promise<ToolEntry<AnyToolSpec>[]> {
  if (typeof BUILT_TOOL_LISTINGS !== 'undefined') {
    if (BUILT_TOOL_LISTINGS.length !== MODULES.length) throw new Error('the bundle\'s tool listings do not match its tool modules: rebuild');
    return BUILT_TOOL_LISTINGS.map((listing, index) => ({ listing, load: once(() => moduleOf(listing, index)) }));
  }
  return (await loadToolSpecs()).map(entryOf);
}

async function moduleOf(listing: ToolListing, index: number): Promise<AnyToolSpec> {
  const spec = await (MODULES[index] as () => Promise<AnyToolSpec>)();
  if (spec.name !== listing.name) throw new Error(`the bundle lists ${listing.name} where its module holds ${spec.name}: rebuild`);
  return spec;
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

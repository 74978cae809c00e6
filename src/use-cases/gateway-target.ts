/**
 * The gateway-target seam: what a kind of gateway (a serving endpoint today; a Unity AI Gateway model service
 * next) must do for the provisioning use case. Provisioning owns the order of the steps, the halt rule, the
 * plan id, locking, grants and the state record; a target owns what its API looks like. Adding a target
 * means one new module under `targets/` implementing this interface.
 */
import type { Workspace } from '../databricks/workspace-clients.js';
import type { DesiredGrant, GatewayRequest } from '../governance/desired-endpoint.js';
import type { LiveSnapshot, Plan } from '../governance/plan-diff.js';
import type { Finding } from '../governance/rules/rule-types.js';
import type { DesiredAlert } from '../governance/error-alert.js';
import type { ExportedFile } from '../governance/gateway-export.js';
import type { StateData } from '../shared/records.js';

export type TargetKind = 'serving_endpoint' | 'model_service';

/** What every target's desired gateway carries besides its own body. */
export interface TargetDesired {
  /** The gateway's name in its API (endpoint name, service id). */
  name: string;
  /** Explicit grants of the F2 pattern the gateway needs. */
  grants: DesiredGrant[];
  /** The record F4 keeps in `Foundation.f4_gateway` (without its timestamp). */
  record: Record<string, unknown>;
}

/** What a caller is shown of a live gateway. */
export interface GatewaySummary {
  name: string;
  state: { ready?: string; config_update?: string };
  served_entities: Array<{ name?: string; entity_name?: string; external_model?: string; traffic_percentage?: number }>;
  invocation_url: string;
  /** model_service: the base URLs clients call it at, and the model id to pass. */
  client?: { openai_base_url: string; anthropic_base_url: string; model: string };
  /** model_service: the MCP services registered with it and their URLs. */
  mcp_services?: Array<{ name: string; url: string }>;
}

export interface ApplyProgress {
  signal: AbortSignal;
  /** Longest to wait for a rollout to finish. */
  waitBudgetMs: number;
  progress(message: string, fraction?: number): Promise<void>;
}

/** `still-updating` and `aborted`: the rollout goes on without us (out of time, or cancelled). */
export interface WaitResult<Live> {
  outcome: 'ready' | 'still-updating' | 'aborted';
  live: Live | undefined;
}

export interface GatewayTarget<Desired extends TargetDesired = TargetDesired, Live = unknown, Facts = unknown> {
  readonly kind: TargetKind;
  /**
   * True when the API itself refuses a write made against a stale read (an etag). Otherwise the last writer
   * wins, and provisioning re-reads the gateway right before writing and right after, so a caller whose change
   * is not what is live is told so rather than told it was applied.
   */
  readonly refusesStaleWrites: boolean;
  /**
   * Reads what the gateway depends on besides its own live state (the audited endpoints, secrets, models),
   * so that nothing the workspace can answer is assumed. Runs only after the halt rule passed.
   */
  inspect(workspace: Workspace, state: StateData, request: GatewayRequest, signal: AbortSignal): Promise<Facts>;
  /** The gateway the F4 rules ask for (pure). */
  desired(state: StateData, request: GatewayRequest, facts: Facts): Desired;
  /** API-shape, F4 and form findings on the desired gateway (pure). */
  validate(desired: Desired, state: StateData, request: GatewayRequest, facts: Facts): Finding[];
  /** Findings only the live gateway can reveal (an immutable field asked to change); errors block the plan (pure). */
  liveFindings?(desired: Desired, live: Live | undefined): Finding[];
  /** The gateway as the workspace holds it now; undefined when it does not exist. */
  readLive(workspace: Workspace, desired: Desired, signal: AbortSignal): Promise<Live | undefined>;
  /** Desired vs live (gateway, grants, state record): every change, the warnings, the apply steps (pure). */
  diff(desired: Desired, live: LiveSnapshot<Live>): Plan;
  /** Digests binding a plan id to what it makes true and to the live side it was made against (pure). */
  planDigest(desired: Desired): string;
  liveDigest(live: LiveSnapshot<Live>): string;
  /** Whether a gateway that exists already (another process, a create whose answer was lost) is this plan's (pure). */
  matchesPlan(desired: Desired, live: Live): boolean;
  /** Makes the target's API calls of the plan. Returns true when a rollout started that `wait` must follow. */
  apply(workspace: Workspace, desired: Desired, live: Live | undefined, plan: Plan, options: ApplyProgress): Promise<boolean>;
  /** Follows a rollout until it is ready, fails (a ToolError), runs out of budget or is cancelled. */
  wait(workspace: Workspace, desired: Desired, options: ApplyProgress): Promise<WaitResult<Live>>;
  /** Reads the gateway again after apply. */
  reread(workspace: Workspace, desired: Desired, signal: AbortSignal): Promise<Live | undefined>;
  /** What the caller is shown of the gateway; `desired` names it when it does not exist yet (a plan to create it). */
  summarise(live: Live, host: string, desired: Desired): GatewaySummary;
  /** The files a team commits instead of applying: what apply would send, as bundle resources or REST bodies (pure). */
  exportFiles(desired: Desired, alert: DesiredAlert | undefined): ExportedFile[];
}

/** A rule is data (id, severity, title, fix) plus one pure check over the create body. */
import type { StateData } from '../../shared/records.js';

export type Severity = 'error' | 'warning' | 'info';

export interface RuleContext {
  /** The create body as given: `{ name, config: { served_entities }, ai_gateway }`. */
  body: Record<string, unknown>;
  /** The workshop state, when the caller gave one (needed by the audited-entities and OTel-prefix rules). */
  state?: StateData;
  /** Registered model (lower-case) → the pay-per-token endpoint the workspace said it stands behind. */
  registeredModels?: Record<string, string>;
}

/** One violation: where (a JSON pointer into the body) and what, in words specific to this body. */
export interface RuleHit {
  path: string;
  message: string;
  /** Overrides the rule's severity for this hit (e.g. a check that could not run is only info). */
  severity?: Severity;
}

/** What the catalog says of a rule: its id, default severity, what it requires and how to fix it. */
export interface RuleInfo {
  id: string;
  severity: Severity;
  /** What the rule requires, in one line (the catalog's description). */
  title: string;
  /** How to fix a violation. */
  fix: string;
}

export interface Rule extends RuleInfo {
  check(context: RuleContext): RuleHit[];
}

export interface Finding {
  rule: string;
  severity: Severity;
  path: string;
  message: string;
  fix: string;
}

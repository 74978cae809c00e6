/** The rule catalog: every check a gateway config is validated against, in the order findings are reported. */
import { advisoryRules } from './advisories.js';
import { deprecatedRules } from './deprecated.js';
import { f4Rules } from './f4.js';
import { liveRules } from './live.js';
import { servedEntityRules } from './served-entities.js';
import { bodyRule, shapeRules } from './shape.js';
import type { Rule, RuleInfo } from './types.js';

export const RULES: readonly Rule[] = [...shapeRules, ...servedEntityRules, ...f4Rules, ...deprecatedRules, ...advisoryRules];

export type { Finding, Rule, RuleInfo } from './types.js';

/** The catalog as data (for rules://catalog and SARIF rule metadata): every rule a finding can name. */
export function catalog(): RuleInfo[] {
  return [bodyRule, ...RULES, ...liveRules].map(({ id, severity, title, fix }) => ({ id, severity, title, fix }));
}

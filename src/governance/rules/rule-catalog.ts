/** The rule catalog: every check a gateway config is validated against, in the order findings are reported. */
import { advisoryRules } from './advisory.rules.js';
import { deprecatedRules } from './deprecated.rules.js';
import { f4Rules } from './f4.rules.js';
import { liveRules } from './live.rules.js';
import { servedEntityRules } from './served-entity.rules.js';
import { bodyRule, shapeRules } from './shape.rules.js';
import type { Rule, RuleInfo } from './rule-types.js';

export const RULES: readonly Rule[] = [...shapeRules, ...servedEntityRules, ...f4Rules, ...deprecatedRules, ...advisoryRules];

export type { Finding, Rule, RuleInfo } from './rule-types.js';

/** The catalog as data (for rules://catalog and SARIF rule metadata): every rule a finding can name. */
export function catalog(): RuleInfo[] {
  return [bodyRule, ...RULES, ...liveRules].map(({ id, severity, title, fix }) => ({ id, severity, title, fix }));
}

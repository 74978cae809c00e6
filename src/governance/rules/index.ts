/** The rule catalog: every check a gateway config is validated against, in the order findings are reported. */
import { advisoryRules } from './advisories.js';
import { deprecatedRules } from './deprecated.js';
import { f4Rules } from './f4.js';
import { shapeRules } from './shape.js';
import type { Rule } from './types.js';

export const RULES: readonly Rule[] = [...shapeRules, ...f4Rules, ...deprecatedRules, ...advisoryRules];

export type { Finding, Rule } from './types.js';

/** The catalog as data (for rules://catalog and SARIF rule metadata). */
export function catalog() {
  return RULES.map(({ id, severity, title, fix }) => ({ id, severity, title, fix }));
}

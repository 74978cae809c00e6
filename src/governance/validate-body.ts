/** Lints a serving-endpoint create body against the rule catalog. Pure. */
import { type StateData, isRecord } from '../shared/records.js';
import { RULES, type Finding } from './rules/rule-catalog.js';
import { bodyRule } from './rules/shape.rules.js';

export interface Validation {
  valid: boolean;
  findings: Finding[];
}

const ORDER = { error: 0, warning: 1, info: 2 } as const;

export function validateCreateBody(body: unknown, options: { state?: StateData; registeredModels?: Record<string, string> } = {}): Validation {
  if (!isRecord(body)) {
    return { valid: false, findings: [{ rule: bodyRule.id, severity: bodyRule.severity, path: '', message: 'the create body is not a JSON object', fix: bodyRule.fix }] };
  }
  const findings: Finding[] = [];
  for (const rule of RULES) {
    for (const hit of rule.check({ body, state: options.state, registeredModels: options.registeredModels })) {
      findings.push({ rule: rule.id, severity: hit.severity ?? rule.severity, path: hit.path, message: hit.message, fix: rule.fix });
    }
  }
  findings.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return { valid: !findings.some((f) => f.severity === 'error'), findings };
}

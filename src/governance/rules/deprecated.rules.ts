/** Fields the API still accepts but has replaced: warnings, with the field that replaces each. */
import { asRecord, config, guardrails, pointer } from './body-access.js';
import type { Rule } from './rule-types.js';

export const deprecatedRules: Rule[] = [
  {
    id: 'deprecated.top-level-rate-limits',
    severity: 'warning',
    title: 'Top-level rate_limits is deprecated; use ai_gateway.rate_limits',
    fix: 'Move the limits into ai_gateway.rate_limits (GET no longer returns the top-level field)',
    check: ({ body }) => (body.rate_limits !== undefined ? [{ path: pointer('rate_limits'), message: 'top-level rate_limits is deprecated' }] : []),
  },
  {
    id: 'deprecated.served-models',
    severity: 'warning',
    title: 'config.served_models is deprecated; use config.served_entities',
    fix: 'Rename served_models to served_entities and model_name/model_version to entity_name/entity_version',
    check: ({ body }) => (config(body)?.served_models !== undefined ? [{ path: pointer('config', 'served_models'), message: 'config.served_models is deprecated' }] : []),
  },
  {
    id: 'deprecated.auto-capture-config',
    severity: 'warning',
    title: 'config.auto_capture_config (legacy inference tables) is deprecated; use ai_gateway.inference_table_config',
    fix: 'Remove auto_capture_config and enable ai_gateway.inference_table_config instead',
    check: ({ body }) => (config(body)?.auto_capture_config !== undefined ? [{ path: pointer('config', 'auto_capture_config'), message: 'legacy inference tables (auto_capture_config) can no longer be enabled' }] : []),
  },
  ...(['invalid_keywords', 'valid_topics'] as const).map(
    (field): Rule => ({
      id: `deprecated.${field.replace('_', '-')}`,
      severity: 'warning',
      title: `guardrails ${field} is deprecated; use pii and safety`,
      fix: `Remove ${field}; rely on the pii and safety guardrails (and in-code rules for domain topics)`,
      check: ({ body }) =>
        (['input', 'output'] as const)
          .filter((side) => asRecord(guardrails(body)?.[side])?.[field] !== undefined)
          .map((side) => ({ path: pointer('ai_gateway', 'guardrails', side, field), message: `guardrails.${side}.${field} is deprecated` })),
    }),
  ),
];

/**
 * Rules only a live endpoint can answer: its rollout state, the grants on its inference tables, and whether
 * the state file records what it serves. governance/live-compliance.ts checks them against what the workspace
 * returns (validate_config with `endpoint`); they are listed here so the catalog names every rule a finding
 * can carry.
 */
import type { RuleInfo } from './rule-types.js';

export const liveRules: RuleInfo[] = [
  {
    id: 'live.config-update',
    severity: 'error',
    title: 'The endpoint serves the config that was asked for: its last config update did not fail or get cancelled (IN_PROGRESS is a warning)',
    fix: "Read the endpoint's events in the Serving UI, fix the cause, and apply the config again (create_gateway); while IN_PROGRESS, check again once it is NOT_UPDATING",
  },
  {
    id: 'live.ops-grants',
    severity: 'error',
    title: "The ops group can read the inference tables: USE_CATALOG on their catalog, USE_SCHEMA and SELECT on their schema",
    fix: 'Grant the ops group USE_CATALOG on the catalog and USE_SCHEMA, SELECT on the schema (create_gateway with grants.ops_group does it); never ALL_PRIVILEGES',
  },
  {
    id: 'live.explicit-grants',
    severity: 'warning',
    title: 'No principal holds ALL_PRIVILEGES on the inference tables\' catalog or schema: F4 grants are explicit',
    fix: 'Replace ALL_PRIVILEGES with the specific privileges the principal needs',
  },
  {
    id: 'live.state-record',
    severity: 'warning',
    title: 'Foundation.f4_gateway in the state file records the inference-table prefix the endpoint uses',
    fix: 'Run create_gateway for this endpoint so Foundation.f4_gateway matches the workspace',
  },
];

/**
 * A gateway request as create_gateway maps it, for the unit tests of the desired gateway and its plan: one role on
 * the dedicated form, the default rate limits and guardrails, no grants. Each test overrides what it is about.
 */
import { DEFAULT_GUARDRAILS, DEFAULT_RATE_LIMITS, type GatewayRequest } from '../../src/governance/desired-endpoint.js';

export function gatewayRequest(overrides: Partial<GatewayRequest> = {}): GatewayRequest {
  return {
    name: 'gw',
    form: 'dedicated',
    provisionedUnits: 1,
    roles: ['agent_chat'],
    fallback: false,
    catalog: 'cat',
    schema: 'ops',
    tableNamePrefix: 'gw',
    rateLimits: DEFAULT_RATE_LIMITS,
    guardrails: DEFAULT_GUARDRAILS,
    grants: {},
    ...overrides,
  };
}

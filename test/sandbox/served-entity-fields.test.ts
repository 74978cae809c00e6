/**
 * The product rebuilds a live endpoint's create body from the served-entity fields it knows; the sandbox refuses
 * fields it does not know. Each keeps its own list (the sandbox models the workspace, not the product): a field
 * one side lacks would be dropped from what validate_config checks, or refused by the sandbox alone.
 */
import { describe, expect, it } from 'vitest';
import { SERVED_ENTITY_INPUT_FIELDS } from '../../src/governance/live-gateway-rules.js';
import { SERVED_ENTITY_FIELDS } from '../../src/sandbox/rest/endpoint-body-validation.js';

/** Fields only one side lists, each with why. None today. */
const DIFFERENCES: Record<string, string> = {};

describe('served-entity field lists', () => {
  it('of the product and the sandbox agree, but for the differences listed with their reason', () => {
    const product = new Set<string>(SERVED_ENTITY_INPUT_FIELDS);
    const sandbox = new Set<string>(SERVED_ENTITY_FIELDS);
    const onlyOneSide = [...product, ...sandbox].filter((field) => product.has(field) !== sandbox.has(field)).sort();
    expect(onlyOneSide).toEqual(Object.keys(DIFFERENCES).sort());
    for (const reason of Object.values(DIFFERENCES)) expect(reason.length).toBeGreaterThan(20);
  });
});

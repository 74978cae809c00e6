/** plan_id refusals as an agent reads them: the code to branch on, why, and what to do next. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkPlanAuthor, checkPlanMatches, planKey, signPlan, verifyPlanId, type PlanClaims } from './plan-id.js';

const key = Buffer.from('k'.repeat(32));
const claims: PlanClaims = { endpoint: 'gw', planDigest: 'p', liveDigest: 'l', expiresAt: 2_000 };
const NEXT = 'Plan again, review the plan, and apply with the plan_id it returns';
/** A payload signed with the right key, as only this installation could make it. */
const signed = (content: unknown) => {
  const payload = Buffer.from(typeof content === 'string' ? content : JSON.stringify(content)).toString('base64url');
  return `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
};

describe('planKey', () => {
  it('takes a secret of 32 characters or more, and none when unset or empty', () => {
    expect(planKey('s'.repeat(32))).toEqual(Buffer.from('s'.repeat(32)));
    expect(planKey(undefined)).toBeUndefined();
    expect(planKey('')).toBeUndefined();
  });

  it('refuses a short secret, saying how to make one', () => {
    expect(() => planKey('s'.repeat(31))).toThrow(
      expect.objectContaining({
        code: 'PLAN_SECRET_WEAK',
        what: 'AIGW_PLAN_SECRET is too short',
        why: 'a plan signing key needs at least 32 characters to resist guessing',
        next: 'Set AIGW_PLAN_SECRET to a random value of 32 or more characters (e.g. `openssl rand -hex 32`), or unset it',
      }),
    );
  });
});

describe('verifyPlanId', () => {
  it('is valid until the second it expires', () => {
    const id = signPlan(key, claims);
    expect(verifyPlanId(key, id, 1_999.999)).toEqual(claims);
    expect(() => verifyPlanId(key, id, 2_000)).toThrow(
      expect.objectContaining({
        code: 'PLAN_ID_EXPIRED',
        what: 'The plan_id was refused (expired)',
        why: 'it expired at 1970-01-01T00:33:20.000Z; a plan is only valid for a short time because the endpoint may change',
        next: NEXT,
      }),
    );
  });

  it('refuses an id signed elsewhere, altered, or in pieces', () => {
    const id = signPlan(key, claims);
    const unknown = expect.objectContaining({
      code: 'PLAN_ID_UNKNOWN',
      what: 'The plan_id was refused (not issued here)',
      why: 'it was not issued by this installation of the server, or it was altered (its signature does not match)',
      next: NEXT,
    });
    for (const bad of [signPlan(Buffer.from('x'.repeat(32)), claims), `${id}.x`, id.split('.')[0]!, `.${id.split('.')[1]}`, '']) {
      expect(() => verifyPlanId(key, bad, 1_000)).toThrow(unknown);
    }
  });

  it.each<[string, unknown, string]>([
    ['not JSON', 'not json', 'its content is not readable'],
    ['an object', { endpoint: 'gw' }, 'its content has the wrong shape'],
    ['another version', ['p1', 'gw', 'p', 'l', 2000, null], 'its content has the wrong shape'],
    ['too few fields', ['p2', 'gw', 'p', 'l', 2000], 'its content has the wrong shape'],
  ])('refuses a signed payload that is %s', (_name, content, why) => {
    expect(() => verifyPlanId(key, signed(content), 1_000)).toThrow(expect.objectContaining({ code: 'PLAN_ID_UNKNOWN', what: 'The plan_id was refused (not issued here)', why }));
  });

  it('checks expiry against the clock when no time is given', () => {
    const inAnHour = Date.now() / 1000 + 3600;
    expect(verifyPlanId(key, signPlan(key, { ...claims, expiresAt: inAnHour }))).toEqual({ ...claims, expiresAt: inAnHour });
    expect(() => verifyPlanId(key, signPlan(key, claims))).toThrow(expect.objectContaining({ code: 'PLAN_ID_EXPIRED' }));
  });

  it('reads the author back, and none when the plan had none', () => {
    expect(verifyPlanId(key, signPlan(key, { ...claims, author: 'a@b.c' }), 1_000)).toEqual({ ...claims, author: 'a@b.c' });
    expect(verifyPlanId(key, signPlan(key, claims), 1_000)).not.toHaveProperty('author');
  });
});

describe('checkPlanAuthor and checkPlanMatches', () => {
  it('lets the author apply, and tells anyone else who may', () => {
    expect(() => checkPlanAuthor({ ...claims, author: 'a' }, 'a')).not.toThrow();
    expect(() => checkPlanAuthor({ ...claims, author: 'a' }, 'b')).toThrow(
      expect.objectContaining({
        code: 'PLAN_ID_NOT_YOURS',
        what: 'The plan_id was refused (not yours)',
        why: 'it belongs to a, who made the plan, and only they may apply it; you are b',
        next: 'Ask a to apply it, or plan again yourself and apply with the plan_id it returns',
      }),
    );
    expect(() => checkPlanAuthor({ ...claims, author: 'a' }, undefined)).toThrow(expect.objectContaining({ why: 'it belongs to a, who made the plan, and only they may apply it' }));
    expect(() => checkPlanAuthor(claims, 'b')).toThrow(
      expect.objectContaining({
        code: 'PLAN_ID_NOT_YOURS',
        why: "it was made by a caller this server does not name (over stdio or with the server's own token), and b is applying it",
        next: 'Plan again yourself, review the plan, and apply with the plan_id it returns',
      }),
    );
  });

  it('says which part of a stale plan changed', () => {
    const stale = (why: string) => expect.objectContaining({ code: 'PLAN_ID_STALE', what: 'The plan_id is stale', why, next: 'Plan again to see the current differences, then apply with the new plan_id' });
    expect(() => checkPlanMatches(claims, { endpoint: 'other', planDigest: 'p', liveDigest: 'l' })).toThrow(stale('it was issued for endpoint gw, not other'));
    expect(() => checkPlanMatches(claims, { endpoint: 'gw', planDigest: 'q', liveDigest: 'l' })).toThrow(stale('it was issued for different arguments or a different state file (the desired gateway differs)'));
    expect(() => checkPlanMatches(claims, { endpoint: 'gw', planDigest: 'p', liveDigest: 'm' })).toThrow(stale('the endpoint, its grants or the state file changed since the plan was made'));
    expect(() => checkPlanMatches(claims, { endpoint: 'gw', planDigest: 'p', liveDigest: 'l' })).not.toThrow();
  });
});

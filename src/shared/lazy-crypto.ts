/**
 * The few node:crypto functions the product uses, loaded on their first call. Loading node:crypto costs every
 * start ~20 M instructions (sixteen internal modules), and nothing needed to answer initialize and tools/list uses
 * it: plan ids, digests, cursor tags and temp-file names come later. Same names and signatures as node:crypto.
 */
import type * as Crypto from 'node:crypto';

const crypto = (): typeof Crypto => process.getBuiltinModule('node:crypto');

export const createHash: typeof Crypto.createHash = (algorithm, options) => crypto().createHash(algorithm, options);
export const createHmac: typeof Crypto.createHmac = (algorithm, key, options) => crypto().createHmac(algorithm, key, options);
export const timingSafeEqual: typeof Crypto.timingSafeEqual = (a, b) => crypto().timingSafeEqual(a, b);
/** The synchronous form only. */
export const randomBytes = (size: number): Buffer => crypto().randomBytes(size);

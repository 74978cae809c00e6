/**
 * Grants in F4 are explicit (the F2 pattern: USE_CATALOG, USE_SCHEMA, SELECT, MODIFY), never the blanket
 * privilege that also grants future ones. One definition for the validator, the live check and the grants client.
 */
export function isBroadPrivilege(privilege: string): boolean {
  return /^ALL[_ ]PRIVILEGES$/i.test(privilege.trim());
}

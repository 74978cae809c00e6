/**
 * SCIM identity reads (`/api/2.0/preview/scim/v2`): who the caller is (`GET …/Me`), and service principals by
 * application id (`GET …/ServicePrincipals?filter=applicationId eq "<id>"`). Paths and shapes: databricks-sdk-py
 * databricks/sdk/service/iam.py CurrentUserAPI.me (User: userName, id, active) and ServicePrincipalsAPI.list
 * (ListServicePrincipalResponse: Resources, totalResults, startIndex, itemsPerPage). What /Me answers for a
 * service principal's token is not settled by those sources; the sandbox answers its application id as userName.
 * Only the `applicationId eq "…"` filter is modelled; any other filter is refused rather than misread.
 */
import { createHash } from 'node:crypto';
import type { Identities } from '../sandbox-identity.js';
import { SERVICE_PRINCIPALS } from '../seed/seed-catalog.js';
import { invalid } from './error-replies.js';
import { ok, type Reply, type RestRequest } from './rest-handler.js';

export const SCIM_ME_PATH = '/api/2.0/preview/scim/v2/Me';
export const SCIM_SERVICE_PRINCIPALS_PATH = '/api/2.0/preview/scim/v2/ServicePrincipals';

const scimId = (name: string) => BigInt(`0x${createHash('sha256').update(name).digest('hex').slice(0, 13)}`).toString();
const isServicePrincipal = (principal: string) => (SERVICE_PRINCIPALS as readonly string[]).includes(principal);

export function me(req: RestRequest): Reply {
  return ok({ id: scimId(req.principal), userName: req.principal, active: true, ...(isServicePrincipal(req.principal) ? {} : { emails: [{ value: req.principal, primary: true }] }) });
}

export function servicePrincipals(req: RestRequest, identities: Identities): Reply {
  const filter = req.query.get('filter');
  const wanted = filter === null ? undefined : /^applicationId eq "([^"]*)"$/.exec(filter.trim());
  if (filter !== null && !wanted) throw invalid(`Unsupported filter '${filter}': the sandbox models only applicationId eq "<application id>".`);
  const matches = SERVICE_PRINCIPALS.filter((sp) => identities.knows(sp) && (wanted ? sp === wanted[1] : true));
  return ok({
    totalResults: matches.length,
    startIndex: 1,
    itemsPerPage: matches.length,
    Resources: matches.map((sp) => ({ id: scimId(sp), applicationId: sp, displayName: `service principal ${sp.slice(0, 8)}`, active: true })),
  });
}

/**
 * Unity Catalog list paging: `max_results` asks for a page length that the server caps at its own maximum,
 * and `page_token` is an opaque token for where the next page starts (here an offset, base64url-encoded).
 */
import { invalid } from './error-replies.js';
import type { RestRequest } from './rest-handler.js';

export interface PageLimits {
  /** Page length when max_results is absent or 0. */
  defaultLength: number;
  /** The server's cap on any page. */
  maxLength: number;
}

/** One page of `items` for the request's max_results and page_token, with the token of the next page if any. */
export function pageOf<T>(req: RestRequest, items: readonly T[], limits: PageLimits): { page: T[]; nextPageToken?: string } {
  const raw = req.query.get('max_results');
  if (raw !== null && !/^-?\d+$/.test(raw)) throw invalid(`Invalid max_results '${raw}': expected an integer.`);
  const asked = raw === null ? 0 : Number(raw);
  if (asked < 0) throw invalid(`Invalid max_results ${asked}: it must not be negative.`);
  const length = asked === 0 ? limits.defaultLength : Math.min(asked, limits.maxLength);
  const token = req.query.get('page_token');
  const offset = token === null || token === '' ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0 || offset > items.length) throw invalid(`Invalid page_token '${token}': pass a next_page_token from a previous page.`);
  const end = offset + length;
  return {
    page: items.slice(offset, end),
    ...(end < items.length ? { nextPageToken: Buffer.from(String(end)).toString('base64url') } : {}),
  };
}

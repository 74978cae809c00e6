/**
 * SQL alerts, Alerts v2 (`/api/2.0/alerts`): the alert object travels at the top level of the body; lists come
 * in pages of `page_size` with `next_page_token`.
 */
import { ToolError } from '../shared/tool-error.js';
import type { RestClient } from './rest-client.js';

export interface Alert {
  id?: string;
  display_name?: string;
  query_text?: string;
  warehouse_id?: string;
  lifecycle_state?: string;
  evaluation?: { state?: string; last_evaluated_at?: string; [key: string]: unknown };
  schedule?: { quartz_cron_schedule?: string; timezone_id?: string; pause_status?: string };
  [key: string]: unknown;
}

const PAGE_SIZE = 100;
/** A guard against a server that never stops paging: 100 pages are 10,000 alerts. */
const MAX_PAGES = 100;
const WHO_CAN_GRANT = 'Ask a workspace admin for the Databricks SQL access entitlement for this principal (alerts are part of Databricks SQL)';

export class AlertsApi {
  constructor(private readonly rest: RestClient) {}

  /** Every alert the caller may see, all pages. */
  async list(signal?: AbortSignal): Promise<Alert[]> {
    const alerts: Alert[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { data } = await this.rest.call<{ alerts?: Alert[]; next_page_token?: string }>({
        method: 'GET',
        path: '/api/2.0/alerts',
        query: { page_size: PAGE_SIZE, page_token: pageToken },
        signal,
        operation: 'Listing SQL alerts',
        whoCanGrant: WHO_CAN_GRANT,
      });
      alerts.push(...(data.alerts ?? []));
      pageToken = data.next_page_token || undefined;
      if (!pageToken) return alerts;
    }
    throw new ToolError(`The SQL alerts span more than ${MAX_PAGES} pages`, 'the workspace kept answering with another page token', 'Report this with the workspace host', 'ALERTS_TOO_MANY_PAGES');
  }

  /** The first page of alerts, at most `pageSize`: proves the API answers without reading every alert. */
  async firstPage(pageSize: number, signal?: AbortSignal): Promise<{ alerts: Alert[]; more: boolean }> {
    const { data } = await this.rest.call<{ alerts?: Alert[]; next_page_token?: string }>({
      method: 'GET',
      path: '/api/2.0/alerts',
      query: { page_size: pageSize },
      signal,
      operation: 'Listing SQL alerts',
      whoCanGrant: WHO_CAN_GRANT,
    });
    return { alerts: data.alerts ?? [], more: Boolean(data.next_page_token) };
  }

  /**
   * Creates an alert. A create is not idempotent: when its answer is lost the caller looks for the alert by its
   * display name before trying again (the transport never retries a POST).
   */
  async create(alert: Record<string, unknown>, signal?: AbortSignal): Promise<Alert> {
    const { data } = await this.rest.call<Alert>({ method: 'POST', path: '/api/2.0/alerts', body: alert, signal, operation: `Creating the SQL alert "${String(alert.display_name)}"`, whoCanGrant: WHO_CAN_GRANT });
    return data;
  }

  /** Changes the fields `updateMask` names (top-level field names), and only those. */
  async update(id: string, alert: Record<string, unknown>, updateMask: readonly string[], signal?: AbortSignal): Promise<Alert> {
    const { data } = await this.rest.call<Alert>({
      method: 'PATCH',
      path: `/api/2.0/alerts/${encodeURIComponent(id)}`,
      query: { update_mask: updateMask.join(',') },
      body: alert,
      signal,
      idempotent: true,
      operation: `Updating the SQL alert ${id}`,
      whoCanGrant: 'Ask the alert\'s owner or a workspace admin for CAN_MANAGE on it',
    });
    return data;
  }
}

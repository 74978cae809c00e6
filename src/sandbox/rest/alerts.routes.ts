/**
 * SQL alerts (Alerts v2, `/api/2.0/alerts`): create with the alert object at the top level, get, list in pages,
 * PATCH with an `update_mask`, DELETE to the trash (`?purge=true` deletes for good). Required fields and enums
 * are checked as the API checks them, with Databricks error bodies. Each ACTIVE, unpaused alert runs its query on
 * the warehouse as its run-as principal whenever its Quartz schedule fires, and its `evaluation.state` becomes OK,
 * TRIGGERED or ERROR from the rows that came back.
 */
import { randomUUID } from 'node:crypto';
import type { Identities } from '../sandbox-identity.js';
import { ApiError, invalid, notFound } from './error-replies.js';
import { array, boolean, count, object, oneOf, onlyFields, string, type Json } from './rest-fields.js';
import { jsonBody, ok, type Reply, type RestRequest } from './rest-handler.js';
import { firesAt, parseCron, type CronSchedule } from './quartz.js';

export const ALERTS_PATH = '/api/2.0/alerts';

// Exported with the field lists for the contract check (test/contracts), which compares each with the SDK's types.
export const COMPARISON_OPERATORS = ['EQUAL', 'NOT_EQUAL', 'GREATER_THAN', 'GREATER_THAN_OR_EQUAL', 'LESS_THAN', 'LESS_THAN_OR_EQUAL', 'IS_NULL', 'IS_NOT_NULL'] as const;
export const AGGREGATIONS = ['SUM', 'COUNT', 'COUNT_DISTINCT', 'AVG', 'MEDIAN', 'MIN', 'MAX', 'STDDEV'] as const;
export const EVALUATION_STATES = ['UNKNOWN', 'OK', 'TRIGGERED', 'ERROR'] as const;
export const PAUSE_STATUSES = ['UNPAUSED', 'PAUSED'] as const;
/** Fields a create may carry; the output-only ones (id, state, times, owner) are refused, as the API does. */
// `parameters`: PY `AlertV2.parameters` (static named scalars, `:name` in the query text).
export const INPUT_FIELDS = ['display_name', 'query_text', 'warehouse_id', 'evaluation', 'schedule', 'parent_path', 'run_as', 'run_as_user_name', 'custom_summary', 'custom_description', 'parameters'] as const;
export const SCHEDULE_FIELDS = ['quartz_cron_schedule', 'timezone_id', 'pause_status'] as const;
export const RUN_AS_FIELDS = ['user_name', 'service_principal_name'] as const;
export const EVALUATION_FIELDS = ['source', 'comparison_operator', 'threshold', 'empty_result_state', 'notification'] as const;
export const OPERAND_COLUMN_FIELDS = ['name', 'aggregation', 'display'] as const;
export const OPERAND_FIELDS = ['value', 'column'] as const;
export const OPERAND_VALUE_FIELDS = ['double_value', 'string_value', 'bool_value'] as const;
export const NOTIFICATION_FIELDS = ['subscriptions', 'notify_on_ok', 'retrigger_seconds'] as const;
export const SUBSCRIPTION_FIELDS = ['user_email', 'destination_id'] as const;
/** What `update_mask` may name: every input field but parent_path, which is fixed at create. */
const UPDATABLE: readonly string[] = INPUT_FIELDS.filter((f) => f !== 'parent_path');
const PAGE = { defaultLength: 20, maxLength: 100 };

export type EvaluationState = 'UNKNOWN' | 'OK' | 'TRIGGERED' | 'ERROR';

interface StoredAlert {
  id: string;
  /** The alert as given (input fields only), after validation. */
  body: Json;
  owner: string;
  runAs: { user_name: string } | { service_principal_name: string };
  schedule: CronSchedule;
  createdAt: string;
  updatedAt: string;
  lifecycle: 'ACTIVE' | 'DELETED';
  state: EvaluationState;
  lastEvaluatedAt?: string;
  /** Why the last evaluation errored, for the sandbox's own diagnostics (the API shows only the state). */
  lastError?: string;
}

export interface AlertsOptions {
  identities: Identities;
  warehouseId: string;
  /** Runs the alert's query on the warehouse as `principal`, through its usual privilege checks. */
  runQuery(principal: string, sql: string): Promise<Record<string, unknown>[]>;
}

/** The Quartz clock is checked this often; schedules fire at whole seconds, so none is missed. */
const TICK_MS = 1000;

export class Alerts {
  private readonly alerts = new Map<string, StoredAlert>();
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private stopped = false;

  constructor(private readonly opts: AlertsOptions) {}

  /** Ends the scheduler and waits for evaluations under way; nothing is scheduled afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.running.values());
  }

  /** The Quartz clock runs only while some alert is scheduled, so an idle sandbox holds no timer. */
  private schedule(): void {
    if (this.stopped || this.timer || !this.anyScheduled()) return;
    this.lastTick = Math.floor(Date.now() / 1000) * 1000;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  private anyScheduled(): boolean {
    return [...this.alerts.values()].some((a) => a.lifecycle === 'ACTIVE' && (a.body.schedule as Json).pause_status !== 'PAUSED');
  }

  /** Evaluates every ACTIVE alert now, whatever its schedule (the test hook), and waits for the results. */
  async evaluateNow(): Promise<void> {
    await Promise.all([...this.alerts.values()].filter((a) => a.lifecycle === 'ACTIVE').map((a) => this.evaluate(a)));
  }

  create(req: RestRequest): Reply {
    const body = object(jsonBody(req), 'request body');
    if ('alert' in body && !('display_name' in body)) {
      throw invalid("Unknown field 'alert' in request body. Send the alert object itself at the top level: {\"display_name\": …, \"query_text\": …}.");
    }
    const checked = this.check(body, 'alert');
    const runAs = this.resolveRunAs(checked, req.principal);
    const now = new Date().toISOString();
    const alert: StoredAlert = {
      id: randomUUID(),
      body: checked,
      owner: req.principal,
      runAs,
      schedule: this.scheduleOf(checked),
      createdAt: now,
      updatedAt: now,
      lifecycle: 'ACTIVE',
      state: 'UNKNOWN',
    };
    this.alerts.set(alert.id, alert);
    this.schedule();
    return ok(alertView(alert));
  }

  get(req: RestRequest, id: string): Reply {
    return ok(alertView(this.visible(req, id)));
  }

  /** ACTIVE alerts the caller may see, oldest first, `page_size` at a time. */
  list(req: RestRequest): Reply {
    const raw = req.query.get('page_size');
    if (raw !== null && !/^\d+$/.test(raw)) throw invalid(`Invalid page_size '${raw}': expected a non-negative integer.`);
    const size = raw === null || raw === '0' ? PAGE.defaultLength : Math.min(Number(raw), PAGE.maxLength);
    const visible = [...this.alerts.values()].filter((a) => a.lifecycle === 'ACTIVE' && this.canSee(a, req.principal));
    const token = req.query.get('page_token');
    const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(offset) || offset < 0 || offset > visible.length) throw invalid(`Invalid page_token '${token}': pass a next_page_token from a previous page.`);
    const end = offset + size;
    return ok({
      alerts: visible.slice(offset, end).map(alertView),
      ...(end < visible.length ? { next_page_token: Buffer.from(String(end)).toString('base64url') } : {}),
    });
  }

  update(req: RestRequest, id: string): Reply {
    const alert = this.visible(req, id);
    this.requireOwner(alert, req.principal, 'update');
    if (alert.lifecycle !== 'ACTIVE') throw invalid(`Alert ${id} is in the trash: restore it before updating it.`);
    const mask = req.query.get('update_mask');
    if (!mask) throw invalid('Missing update_mask: name the fields to change, comma-separated (e.g. update_mask=display_name,evaluation).');
    const body = object(jsonBody(req), 'request body');
    const paths = mask === '*' ? UPDATABLE : mask.split(',');
    const next: Json = structuredClone(alert.body);
    for (const path of paths) {
      const [top = '', ...rest] = path.split('.');
      if (!UPDATABLE.includes(top)) {
        throw invalid(`Invalid update_mask '${mask}': '${path}' is not an updatable field of an alert (${UPDATABLE.join(', ')}).`);
      }
      if (rest.length === 0) {
        if (body[top] === undefined) delete next[top];
        else next[top] = body[top];
        continue;
      }
      const from = lookup(body, [top, ...rest]);
      const parent = lookup(next, [top, ...rest.slice(0, -1)], true) as Json;
      if (from === undefined) delete parent[rest.at(-1)!];
      else parent[rest.at(-1)!] = from;
    }
    const checked = this.check(next, 'alert');
    alert.runAs = this.resolveRunAs(checked, req.principal, alert.runAs);
    alert.schedule = this.scheduleOf(checked);
    alert.body = checked;
    alert.updatedAt = new Date().toISOString();
    this.schedule();
    return ok(alertView(alert));
  }

  delete(req: RestRequest, id: string): Reply {
    const alert = this.visible(req, id);
    this.requireOwner(alert, req.principal, 'delete');
    if (req.query.get('purge') === 'true') this.alerts.delete(id);
    else alert.lifecycle = 'DELETED';
    return ok({});
  }

  private tick(): void {
    if (!this.anyScheduled()) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = Math.floor(Date.now() / 1000) * 1000;
    for (let second = this.lastTick + 1000; second <= now; second += 1000) {
      for (const alert of this.alerts.values()) {
        const paused = (alert.body.schedule as Json).pause_status === 'PAUSED';
        if (alert.lifecycle === 'ACTIVE' && !paused && firesAt(alert.schedule, second)) void this.evaluate(alert);
      }
    }
    this.lastTick = now;
  }

  /** One evaluation at a time per alert: a schedule firing while the query still runs joins that run. */
  private evaluate(alert: StoredAlert): Promise<void> {
    const under = this.running.get(alert.id);
    if (under) return under;
    const run = this.runEvaluation(alert).finally(() => this.running.delete(alert.id));
    this.running.set(alert.id, run);
    return run;
  }

  private async runEvaluation(alert: StoredAlert): Promise<void> {
    const principal = 'user_name' in alert.runAs ? alert.runAs.user_name : alert.runAs.service_principal_name;
    const evaluation = alert.body.evaluation as Json;
    try {
      const rows = await this.opts.runQuery(principal, alert.body.query_text as string);
      alert.state = rows.length === 0 ? ((evaluation.empty_result_state as EvaluationState | undefined) ?? 'UNKNOWN') : judge(evaluation, rows);
      alert.lastError = undefined;
    } catch (error) {
      alert.state = 'ERROR';
      alert.lastError = error instanceof Error ? error.message : String(error);
    }
    alert.lastEvaluatedAt = new Date().toISOString();
  }

  private visible(req: RestRequest, id: string): StoredAlert {
    const alert = this.alerts.get(id);
    if (!alert || !this.canSee(alert, req.principal)) {
      throw notFound(`Alert ${id} does not exist, or you do not have permission to view it. List alerts to see the ids you can use.`);
    }
    return alert;
  }

  /** Workspace admins, the owner and the principal it runs as see an alert; others need it shared (not modelled). */
  private canSee(alert: StoredAlert, principal: string): boolean {
    const runAs = 'user_name' in alert.runAs ? alert.runAs.user_name : alert.runAs.service_principal_name;
    return this.opts.identities.canManage(principal) || alert.owner === principal || runAs === principal;
  }

  private requireOwner(alert: StoredAlert, principal: string, action: string): void {
    if (alert.owner !== principal && !this.opts.identities.canManage(principal)) {
      throw new ApiError('PERMISSION_DENIED', `'${principal}' may not ${action} alert ${alert.id}: it needs CAN_MANAGE, which its owner ${alert.owner} holds.`);
    }
  }

  /**
   * run_as: a user may name only themselves; a service principal needs the servicePrincipal/user role on it,
   * which the sandbox grants to workspace admins. Without run_as the alert runs as whoever created it.
   */
  private resolveRunAs(body: Json, principal: string, current?: StoredAlert['runAs']): StoredAlert['runAs'] {
    const runAs = body.run_as as Json | undefined;
    const legacy = body.run_as_user_name as string | undefined;
    if (runAs?.user_name !== undefined) {
      if (runAs.user_name !== principal) throw invalid(`Invalid run_as.user_name '${String(runAs.user_name)}': a user may only set their own e-mail. Use run_as.service_principal_name to run as a service principal.`);
      return { user_name: principal };
    }
    const sp = (runAs?.service_principal_name as string | undefined) ?? legacy;
    if (sp !== undefined) {
      if (!this.opts.identities.knows(sp)) throw invalid(`Invalid run_as.service_principal_name '${sp}': no active service principal has that application id.`);
      if (sp !== principal && !this.opts.identities.canManage(principal)) {
        throw new ApiError('PERMISSION_DENIED', `'${principal}' may not run alerts as service principal ${sp}: that takes the servicePrincipal/user role on it. Ask a workspace admin for it, or leave run_as out.`);
      }
      return { service_principal_name: sp };
    }
    return current ?? { user_name: principal };
  }

  private scheduleOf(body: Json): CronSchedule {
    const schedule = body.schedule as Json;
    return parseCron(schedule.quartz_cron_schedule as string, schedule.timezone_id as string);
  }


  /** The API's own checks: required fields, enums, one threshold kind, a schedule Quartz accepts, this warehouse. */
  private check(body: Json, at: string): Json {
    onlyFields(body, INPUT_FIELDS, at, {
      id: 'It is output-only.',
      lifecycle_state: 'It is output-only: delete the alert to move it to the trash.',
      owner_user_name: 'It is output-only.',
    });
    for (const field of ['display_name', 'query_text', 'warehouse_id', 'evaluation', 'schedule']) {
      if (body[field] === undefined) throw invalid(`Missing required field: ${at}.${field}.`);
    }
    for (const field of ['display_name', 'query_text', 'warehouse_id']) {
      if (string(body[field], `${at}.${field}`).trim() === '') throw invalid(`Invalid ${at}.${field}: it must not be empty.`);
    }
    if (body.warehouse_id !== this.opts.warehouseId) {
      throw new ApiError('RESOURCE_DOES_NOT_EXIST', `SQL warehouse ${String(body.warehouse_id)} does not exist. This workspace's warehouse is ${this.opts.warehouseId}.`);
    }
    for (const field of ['parent_path', 'run_as_user_name', 'custom_summary', 'custom_description']) {
      if (body[field] !== undefined) string(body[field], `${at}.${field}`);
    }
    if (body.run_as !== undefined) {
      const runAs = object(body.run_as, `${at}.run_as`);
      onlyFields(runAs, RUN_AS_FIELDS, `${at}.run_as`);
      const set = ['user_name', 'service_principal_name'].filter((f) => runAs[f] !== undefined);
      if (set.length !== 1) throw invalid(`Invalid ${at}.run_as: set exactly one of user_name and service_principal_name.`);
      string(runAs[set[0]!], `${at}.run_as.${set[0]}`);
      if (body.run_as_user_name !== undefined) throw invalid(`Invalid ${at}: set run_as or the deprecated run_as_user_name, not both.`);
    }
    if (body.parameters !== undefined) {
      array(body.parameters, `${at}.parameters`).forEach((p, i) => {
        const parameter = object(p, `${at}.parameters[${i}]`);
        onlyFields(parameter, ['name', 'type', 'value'], `${at}.parameters[${i}]`);
        string(parameter.name, `${at}.parameters[${i}].name`);
      });
    }
    checkEvaluation(object(body.evaluation, `${at}.evaluation`), `${at}.evaluation`);
    const schedule = object(body.schedule, `${at}.schedule`);
    onlyFields(schedule, SCHEDULE_FIELDS, `${at}.schedule`);
    for (const field of ['quartz_cron_schedule', 'timezone_id']) {
      if (schedule[field] === undefined) throw invalid(`Missing required field: ${at}.schedule.${field}.`);
      string(schedule[field], `${at}.schedule.${field}`);
    }
    if (schedule.pause_status !== undefined) oneOf(schedule.pause_status, PAUSE_STATUSES, `${at}.schedule.pause_status`);
    parseCron(schedule.quartz_cron_schedule as string, schedule.timezone_id as string, `${at}.schedule.quartz_cron_schedule`);
    return body;
  }
}

function checkColumn(value: unknown, path: string): void {
  const column = object(value, path);
  onlyFields(column, OPERAND_COLUMN_FIELDS, path);
  if (column.name === undefined) throw invalid(`Missing required field: ${path}.name.`);
  string(column.name, `${path}.name`);
  if (column.aggregation !== undefined) oneOf(column.aggregation, AGGREGATIONS, `${path}.aggregation`);
  if (column.display !== undefined) string(column.display, `${path}.display`);
}

function checkEvaluation(evaluation: Json, path: string): void {
  onlyFields(evaluation, EVALUATION_FIELDS, path, {
    state: 'It is output-only.',
    last_evaluated_at: 'It is output-only.',
  });
  if (evaluation.source === undefined) throw invalid(`Missing required field: ${path}.source.`);
  checkColumn(evaluation.source, `${path}.source`);
  if (evaluation.comparison_operator === undefined) throw invalid(`Missing required field: ${path}.comparison_operator.`);
  const operator = oneOf(evaluation.comparison_operator, COMPARISON_OPERATORS, `${path}.comparison_operator`);
  if (evaluation.empty_result_state !== undefined) oneOf(evaluation.empty_result_state, EVALUATION_STATES, `${path}.empty_result_state`);
  if (evaluation.threshold === undefined) {
    if (operator !== 'IS_NULL' && operator !== 'IS_NOT_NULL') throw invalid(`Missing required field: ${path}.threshold (comparison_operator ${operator} compares against it).`);
  } else {
    const threshold = object(evaluation.threshold, `${path}.threshold`);
    onlyFields(threshold, OPERAND_FIELDS, `${path}.threshold`);
    if ((threshold.value === undefined) === (threshold.column === undefined)) throw invalid(`Invalid ${path}.threshold: set exactly one of value and column.`);
    if (threshold.column !== undefined) checkColumn(threshold.column, `${path}.threshold.column`);
    else {
      const value = object(threshold.value, `${path}.threshold.value`);
      onlyFields(value, OPERAND_VALUE_FIELDS, `${path}.threshold.value`);
      const kinds = Object.keys(value);
      if (kinds.length !== 1) throw invalid(`Invalid ${path}.threshold.value: set exactly one of double_value, string_value and bool_value.`);
      if (value.double_value !== undefined && (typeof value.double_value !== 'number' || !Number.isFinite(value.double_value))) {
        throw invalid(`Invalid ${path}.threshold.value.double_value: expected a number, got ${JSON.stringify(value.double_value)}.`);
      }
      if (value.string_value !== undefined) string(value.string_value, `${path}.threshold.value.string_value`);
      if (value.bool_value !== undefined) boolean(value.bool_value, `${path}.threshold.value.bool_value`);
    }
  }
  if (evaluation.notification !== undefined) {
    const notification = object(evaluation.notification, `${path}.notification`);
    onlyFields(notification, NOTIFICATION_FIELDS, `${path}.notification`);
    if (notification.notify_on_ok !== undefined) boolean(notification.notify_on_ok, `${path}.notification.notify_on_ok`);
    if (notification.retrigger_seconds !== undefined) count(notification.retrigger_seconds, `${path}.notification.retrigger_seconds`);
    if (notification.subscriptions !== undefined) {
      array(notification.subscriptions, `${path}.notification.subscriptions`).forEach((s, i) => {
        const at = `${path}.notification.subscriptions[${i}]`;
        const subscription = object(s, at);
        onlyFields(subscription, SUBSCRIPTION_FIELDS, at);
        const set = Object.keys(subscription);
        if (set.length !== 1) throw invalid(`Invalid ${at}: set exactly one of user_email and destination_id.`);
        string(subscription[set[0]!], `${at}.${set[0]}`);
      });
    }
  }
}

/** A value in the result by path, creating intermediate objects when `create` (for update_mask sub-fields). */
function lookup(root: Json, path: string[], create = false): unknown {
  let at: unknown = root;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    const next = (at as Json)[key];
    if (next === undefined && create) (at as Json)[key] = {};
    at = (at as Json)[key];
  }
  return at;
}

/** The value a column operand stands for: its aggregation over all rows, or the first row's value. */
function operandValue(column: Json, rows: Record<string, unknown>[]): unknown {
  const name = column.name as string;
  const key = Object.keys(rows[0]!).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) throw new Error(`the query result has no column '${name}' (columns: ${Object.keys(rows[0]!).join(', ')})`);
  const values = rows.map((r) => r[key]);
  const numbers = () => values.filter((v) => v !== null && v !== undefined).map(Number);
  switch (column.aggregation as string | undefined) {
    case undefined:
      return values[0];
    case 'COUNT':
      return values.filter((v) => v !== null && v !== undefined).length;
    case 'COUNT_DISTINCT':
      return new Set(values.filter((v) => v !== null && v !== undefined).map(String)).size;
    case 'SUM':
      return numbers().reduce((a, b) => a + b, 0);
    case 'AVG':
      return numbers().length ? numbers().reduce((a, b) => a + b, 0) / numbers().length : null;
    case 'MIN':
      return numbers().length ? Math.min(...numbers()) : null;
    case 'MAX':
      return numbers().length ? Math.max(...numbers()) : null;
    case 'MEDIAN': {
      const sorted = numbers().sort((a, b) => a - b);
      if (sorted.length === 0) return null;
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
    }
    case 'STDDEV': {
      const xs = numbers();
      if (xs.length < 2) return null;
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
    }
    default:
      throw new Error(`unknown aggregation ${String(column.aggregation)}`);
  }
}

/** TRIGGERED when `source <operator> threshold` holds, else OK; a value that cannot be compared is an ERROR. */
function judge(evaluation: Json, rows: Record<string, unknown>[]): EvaluationState {
  const source = operandValue(evaluation.source as Json, rows);
  const operator = evaluation.comparison_operator as string;
  if (operator === 'IS_NULL') return source === null || source === undefined ? 'TRIGGERED' : 'OK';
  if (operator === 'IS_NOT_NULL') return source === null || source === undefined ? 'OK' : 'TRIGGERED';
  const threshold = evaluation.threshold as Json;
  const value = threshold.column ? operandValue(threshold.column as Json, rows) : Object.values(threshold.value as Json)[0];
  if (source === null || source === undefined || value === null || value === undefined) return 'ERROR';
  const numeric = typeof value === 'number' || typeof source === 'number' || typeof source === 'bigint';
  const [a, b] = numeric ? [Number(source), Number(value)] : [String(source), String(value)];
  if (numeric && (Number.isNaN(a) || Number.isNaN(b))) return 'ERROR';
  const holds = {
    EQUAL: a === b,
    NOT_EQUAL: a !== b,
    GREATER_THAN: a > b,
    GREATER_THAN_OR_EQUAL: a >= b,
    LESS_THAN: a < b,
    LESS_THAN_OR_EQUAL: a <= b,
  }[operator];
  return holds ? 'TRIGGERED' : 'OK';
}

/** The alert as the API returns it (AlertV2): input fields plus id, lifecycle, owner, run-as, evaluation state and times. */
export function alertView(alert: StoredAlert) {
  const evaluation = alert.body.evaluation as Json;
  return {
    ...alert.body,
    id: alert.id,
    lifecycle_state: alert.lifecycle,
    owner_user_name: alert.owner,
    effective_run_as: alert.runAs,
    create_time: alert.createdAt,
    update_time: alert.updatedAt,
    evaluation: { ...evaluation, state: alert.state, ...(alert.lastEvaluatedAt ? { last_evaluated_at: alert.lastEvaluatedAt } : {}) },
  };
}

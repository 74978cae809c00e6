/** Reading the endpoint audit: every role's bound endpoint against its role probe, and the halt rule. */
import { evaluateAudit, type AuditReport } from '../governance/role-probe.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { loadState } from '../state/read-state.js';

export interface AuditRequest {
  stateFile?: string;
  roles: string[];
  maxAuditAgeDays: number;
}

export async function auditReport(runtime: Runtime, request: AuditRequest): Promise<AuditReport & { state_file: string }> {
  const state = await loadState(runtime, request.stateFile);
  const report = evaluateAudit(state.data, { roles: request.roles, maxAuditAgeDays: request.maxAuditAgeDays });
  return { state_file: state.path, ...report };
}

import type { ActionTriggerId, ExecutionResult } from '../../actions/types.js';
import { createSortableIdGenerator } from '../../domain/ids.js';
import { NotFoundError } from '../../errors/errors.js';
import type { ActionExecutionRow } from '../../store/repositories/actions.js';
import type { ServiceDeps } from '../context.js';
import type { Tenant } from '../tenants.js';

/**
 * One record per run of an action (`GET /api/v2/actions/executions/{id}`): Auth0's shape plus what Guardline keeps
 * for delivery visibility — the captured console output (already masked by the sandbox), the requests made, and
 * the notification decision. Kept for `ACTION_EXECUTION_RETENTION_MS`, pruned as new ones are written.
 */
export const ACTION_EXECUTION_RETENTION_MS = 10 * 24 * 60 * 60 * 1000;

export interface ExecutionView {
  id: string;
  trigger_id: ActionTriggerId;
  status: 'final' | 'failed';
  results: Array<{ action_name: string; error: { id: string; msg: string; url: string } | null; started_at: string; ended_at: string }>;
  created_at: string;
  updated_at: string;
  // Guardline extensions
  logs: string[];
  logs_truncated: boolean;
  fetches: ExecutionResult['fetches'];
  notification: { action: 'drop' | 'retry'; reason: string } | null;
}

export function createActionExecutions({ store, clock, random }: ServiceDeps) {
  const ids = createSortableIdGenerator(random);
  let lastPrune = 0;
  return {
    async record(tenant: Tenant, trigger: ActionTriggerId, action: { actionId: string; actionName: string; versionId: string }, result: ExecutionResult): Promise<string> {
      const now = clock.now();
      const row: ActionExecutionRow = {
        id: ids(now),
        tenant_id: tenant.id,
        trigger_id: trigger,
        action_id: action.actionId,
        action_name: action.actionName,
        version_id: action.versionId,
        status: result.ok ? 'final' : 'failed',
        error: result.error ? JSON.stringify(result.error) : null,
        logs: JSON.stringify(result.logs),
        logs_truncated: result.logsTruncated ? 1 : 0,
        fetches: JSON.stringify(result.fetches),
        notification: result.notification ? JSON.stringify(result.notification) : null,
        started_at: result.startedAt.toISOString(),
        ended_at: new Date(result.startedAt.getTime() + result.durationMs).toISOString(),
      };
      await store.actions.insertExecution(row);
      // At most one prune per tenant-agnostic minute: old records go without a job.
      if (now.getTime() - lastPrune > 60_000) {
        lastPrune = now.getTime();
        await store.actions.pruneExecutions(tenant.id, new Date(now.getTime() - ACTION_EXECUTION_RETENTION_MS).toISOString());
      }
      return row.id;
    },

    async get(tenant: Tenant, id: string): Promise<ExecutionView> {
      const row = await store.actions.findExecution(tenant.id, id);
      if (!row) throw new NotFoundError('action_execution', 'The execution does not exist.');
      const error = row.error ? (JSON.parse(row.error) as { kind: string; message: string }) : null;
      return {
        id: row.id,
        trigger_id: row.trigger_id as ActionTriggerId,
        status: row.status as 'final' | 'failed',
        results: [
          {
            action_name: row.action_name,
            error: error ? { id: error.kind, msg: error.message, url: 'https://github.com/guardline/guardline/blob/main/docs/actions.md#limits' } : null,
            started_at: row.started_at,
            ended_at: row.ended_at,
          },
        ],
        created_at: row.started_at,
        updated_at: row.ended_at,
        logs: JSON.parse(row.logs) as string[],
        logs_truncated: row.logs_truncated === 1,
        fetches: JSON.parse(row.fetches) as ExecutionResult['fetches'],
        notification: row.notification ? (JSON.parse(row.notification) as { action: 'drop' | 'retry'; reason: string }) : null,
      };
    },
  };
}

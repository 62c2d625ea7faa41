import { ACTION_TRIGGERS, type ActionTriggerId } from '../../actions/types.js';
import { newId } from '../../domain/ids.js';
import { ValidationError } from '../../errors/errors.js';
import type { ActionBindingRow } from '../../store/repositories/actions.js';
import type { ConfigCache } from '../config-cache.js';
import type { ServiceDeps } from '../context.js';
import type { BoundAction } from '../phone-actions/run.js';
import type { Tenant } from '../tenants.js';
import type { ActionCatalogueService } from './catalogue.js';
import type { ActionView } from './shape.js';

/**
 * Which action a trigger runs (`/api/v2/actions/triggers/{id}/bindings`): at most one per trigger (Auth0: one
 * action per custom provider), and only a deployed action that supports the trigger. `boundAction` is what a send
 * reads: served from the config cache, so a warm send reads nothing, and a rebind or a new deployment anywhere is
 * seen by the next request (the action tables bump the tenant's config_version).
 */

export interface BindingView {
  id: string;
  trigger_id: ActionTriggerId;
  display_name: string;
  action: ActionView;
  created_at: string;
  updated_at: string;
}

export type BindingRef = { ref: { type: 'action_id' | 'action_name'; value: string }; display_name?: string };

export const TRIGGER_CATALOGUE = ACTION_TRIGGERS;

export function createActionBindings({ store, clock, random }: ServiceDeps, { catalogue, cache }: { catalogue: ActionCatalogueService; cache: ConfigCache }) {
  async function views(tenant: Tenant, rows: readonly ActionBindingRow[]): Promise<BindingView[]> {
    return Promise.all(
      rows.map(async (row) => ({
        id: row.id,
        trigger_id: row.trigger_id as ActionTriggerId,
        display_name: row.display_name,
        action: await catalogue.get(tenant, row.action_id),
        created_at: row.created_at,
        updated_at: row.updated_at,
      })),
    );
  }

  return {
    list: async (tenant: Tenant, trigger: ActionTriggerId) => views(tenant, await store.actions.bindings(tenant.id, trigger)),

    async replace(tenant: Tenant, trigger: ActionTriggerId, refs: readonly BindingRef[]): Promise<BindingView[]> {
      if (refs.length > 1) throw new ValidationError(`bindings: the ${trigger} trigger runs one action at most`);
      const at = clock.now().toISOString();
      const rows: ActionBindingRow[] = [];
      for (const { ref, display_name } of refs) {
        const action = ref.type === 'action_id' ? await store.actions.find(tenant.id, ref.value) : await store.actions.findByName(tenant.id, ref.value);
        if (!action) throw new ValidationError(`bindings: no action with ${ref.type === 'action_id' ? 'id' : 'name'} "${ref.value}"`);
        if (!(JSON.parse(action.supported_triggers) as Array<{ id: string }>).some((t) => t.id === trigger)) throw new ValidationError(`bindings: the action "${action.name}" does not support the ${trigger} trigger`);
        if (!(await store.actions.deployedVersion(tenant.id, action.id))) throw new ValidationError(`bindings: the action "${action.name}" has no deployed version: deploy it first`);
        rows.push({ id: newId.opaqueToken(random).slice(0, 22), tenant_id: tenant.id, trigger_id: trigger, action_id: action.id, display_name: display_name ?? action.name, created_at: at, updated_at: at });
      }
      await store.transaction((tx) => tx.actions.replaceBindings(tenant.id, trigger, rows));
      return views(tenant, rows);
    },

    /** The deployed action bound to `trigger`, secrets opened; undefined when none is. */
    boundAction(tenant: Tenant, trigger: ActionTriggerId): Promise<BoundAction | undefined> {
      return cache.read(tenant, `action-binding:${trigger}`, async () => {
        const [binding] = await store.actions.bindings(tenant.id, trigger);
        if (!binding) return undefined;
        const [action, version] = await Promise.all([store.actions.find(tenant.id, binding.action_id), store.actions.deployedVersion(tenant.id, binding.action_id)]);
        if (!action || !version) return undefined;
        const secrets = Object.fromEntries(catalogue.openSecrets(version.secrets).map((s) => [s.name, s.value]));
        return { actionId: action.id, actionName: action.name, versionId: version.id, versionNumber: version.number, code: version.code, secrets };
      });
    },
  };
}

import type { ConfigCache } from '../config-cache.js';
import type { ServiceDeps } from '../context.js';
import { createActionBindings } from './bindings.js';
import { createActionCatalogue } from './catalogue.js';
import { createActionExecutions } from './executions.js';
import { createActionSettings } from './settings.js';

/**
 * Auth0's Actions for the two phone triggers (issue 11): the catalogue of actions and versions, trigger bindings,
 * execution records and the tenant's action settings. What a send needs (`boundAction`, `recordExecution`,
 * `networkPolicyHosts`) is the `ActionCatalogue` of services/phone-actions/run.ts.
 */
export function createActions(deps: ServiceDeps, { cache }: { cache: ConfigCache }) {
  const catalogue = createActionCatalogue(deps);
  const bindings = createActionBindings(deps, { catalogue, cache });
  const executions = createActionExecutions(deps);
  const settings = createActionSettings(deps, { cache });
  return {
    catalogue,
    bindings,
    executions,
    settings,
    boundAction: bindings.boundAction,
    recordExecution: executions.record,
    networkPolicyHosts: settings.networkPolicyHosts,
  };
}

export type Actions = ReturnType<typeof createActions>;

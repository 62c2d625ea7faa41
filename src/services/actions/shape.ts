import type { ActionTriggerId } from '../../actions/types.js';
import type { ActionRow, ActionVersionRow } from '../../store/repositories/actions.js';

/** Auth0's Action and ActionVersion objects (Management API), as the Actions service answers them. */

export interface TriggerRef {
  id: ActionTriggerId;
  version: string;
}

export interface Dependency {
  name: string;
  version: string;
}

/** A secret as stored (sealed as a whole) — the value never leaves the service except to run the action. */
export interface StoredSecret {
  name: string;
  value: string;
  updated_at: string;
}

export interface ActionVersionView {
  id: string;
  action_id: string;
  code: string;
  dependencies: Dependency[];
  deployed: boolean;
  number: number;
  runtime: string;
  secrets: Array<{ name: string; updated_at: string }>;
  status: 'built';
  supported_triggers: TriggerRef[];
  built_at: string;
  created_at: string;
  updated_at: string;
}

export interface ActionView {
  id: string;
  name: string;
  supported_triggers: TriggerRef[];
  code: string;
  dependencies: Dependency[];
  runtime: string;
  secrets: Array<{ name: string; updated_at: string }>;
  status: 'built';
  all_changes_deployed: boolean;
  built_at: string;
  created_at: string;
  updated_at: string;
  deployed_version?: ActionVersionView;
}

export const secretNames = (secrets: readonly StoredSecret[]) => secrets.map(({ name, updated_at }) => ({ name, updated_at }));

export function versionView(row: ActionVersionRow, secrets: readonly StoredSecret[]): ActionVersionView {
  return {
    id: row.id,
    action_id: row.action_id,
    code: row.code,
    dependencies: JSON.parse(row.dependencies) as Dependency[],
    deployed: row.deployed === 1,
    number: row.number,
    runtime: row.runtime,
    secrets: secretNames(secrets),
    status: 'built',
    supported_triggers: JSON.parse(row.supported_triggers) as TriggerRef[],
    built_at: row.created_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** `all_changes_deployed`: the deployed version has the draft's code, dependencies, runtime, triggers and secrets. */
export function actionView(row: ActionRow, secrets: readonly StoredSecret[], deployed: { row: ActionVersionRow; secrets: readonly StoredSecret[] } | undefined): ActionView {
  const same =
    deployed !== undefined &&
    deployed.row.code === row.code &&
    deployed.row.dependencies === row.dependencies &&
    deployed.row.runtime === row.runtime &&
    deployed.row.supported_triggers === row.supported_triggers &&
    JSON.stringify(deployed.secrets) === JSON.stringify(secrets);
  return {
    id: row.id,
    name: row.name,
    supported_triggers: JSON.parse(row.supported_triggers) as TriggerRef[],
    code: row.code,
    dependencies: JSON.parse(row.dependencies) as Dependency[],
    runtime: row.runtime,
    secrets: secretNames(secrets),
    status: 'built',
    all_changes_deployed: same,
    built_at: deployed?.row.created_at ?? row.updated_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    ...(deployed ? { deployed_version: versionView(deployed.row, deployed.secrets) } : {}),
  };
}

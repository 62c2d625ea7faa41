import { syntaxProblem } from '../../actions/syntax-check.js';
import { ACTION_TRIGGERS, VETTED_MODULES, type ActionTriggerId } from '../../actions/types.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/errors.js';
import type { ActionRow, ActionVersionRow } from '../../store/repositories/actions.js';
import { isUniqueViolation } from '../../store/database.js';
import type { Repositories } from '../../store/store.js';
import type { ServiceDeps } from '../context.js';
import type { Tenant } from '../tenants.js';
import { actionView, versionView, type ActionVersionView, type ActionView, type Dependency, type StoredSecret, type TriggerRef } from './shape.js';

/**
 * Auth0's Actions and their versions (`/api/v2/actions/actions`): create, list, read, update, delete, deploy (an
 * immutable version) and roll back. Secrets are sealed at rest as one JSON array per action and per version; no
 * response carries a value.
 */

/** The trigger versions Auth0 runs today. */
export const TRIGGER_VERSIONS: Record<ActionTriggerId, string> = { 'send-phone-message': 'v2', 'custom-phone-provider': 'v1' };
export const RUNTIMES = ['node18', 'node22'] as const;
export const DEFAULT_RUNTIME = 'node22';
export const CODE_MAX_BYTES = 100 * 1024;
export const SECRETS_MAX = 50;
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export interface ActionInput {
  name: string;
  /** checked here: one of the triggers Guardline runs, at its current version */
  supported_triggers: Array<{ id: string; version: string }>;
  code?: string;
  dependencies?: Array<Dependency & { registry_url?: string }>;
  runtime?: string;
  secrets?: Array<{ name: string; value?: string }>;
}

export type ActionPatch = Partial<ActionInput>;

export interface ActionFilter {
  triggerId?: string;
  actionName?: string;
  deployed?: boolean;
}

/** A UUID v4 from the injected random source (Auth0's action and version ids are UUIDs). */
function uuid(bytes: Buffer): string {
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function checkTriggers(triggers: ReadonlyArray<{ id: string; version: string }>): TriggerRef[] {
  if (triggers.length !== 1) throw new ValidationError('supported_triggers: exactly one trigger (send-phone-message or custom-phone-provider)');
  const [trigger] = triggers;
  if (!(ACTION_TRIGGERS as readonly string[]).includes(trigger!.id)) throw new ValidationError(`supported_triggers: Guardline runs the send-phone-message and custom-phone-provider triggers, not ${trigger!.id}`);
  const id = trigger!.id as ActionTriggerId;
  const version = TRIGGER_VERSIONS[id];
  if (trigger!.version !== version) throw new ValidationError(`supported_triggers: ${id} is version ${version}`);
  return [{ id, version }];
}

function checkDependencies(dependencies: readonly Dependency[]): Dependency[] {
  const unknown = dependencies.find((d) => !(VETTED_MODULES as readonly string[]).includes(d.name));
  if (unknown) {
    throw new ValidationError(
      `dependencies: Guardline cannot install npm packages at run time; "${unknown.name}" is not one of the modules it bundles (${VETTED_MODULES.join(', ')}). See docs/actions.md.`,
    );
  }
  const names = dependencies.map((d) => d.name);
  if (new Set(names).size !== names.length) throw new ValidationError('dependencies: a module is listed twice');
  return dependencies.map(({ name, version }) => ({ name, version }));
}

function checkCode(code: string): string {
  if (Buffer.byteLength(code) > CODE_MAX_BYTES) throw new ValidationError(`code: at most ${CODE_MAX_BYTES / 1024} KiB`);
  return code;
}

function checkRuntime(runtime: string | undefined): string {
  if (runtime === undefined) return DEFAULT_RUNTIME;
  if (!(RUNTIMES as readonly string[]).includes(runtime)) throw new ValidationError(`runtime: one of ${RUNTIMES.join(', ')}`);
  return runtime;
}

export function createActionCatalogue({ store, clock, random, secretBox }: ServiceDeps) {
  const nowIso = () => clock.now().toISOString();
  const sealSecrets = (secrets: readonly StoredSecret[]) => secretBox.seal(JSON.stringify(secrets));
  const openSecrets = (sealed: string) => JSON.parse(secretBox.open(sealed)) as StoredSecret[];

  /** The new secret set: entries with a value replace, entries without one keep the stored value of that name. */
  function mergeSecrets(input: ReadonlyArray<{ name: string; value?: string }>, stored: readonly StoredSecret[]): StoredSecret[] {
    if (input.length > SECRETS_MAX) throw new ValidationError(`secrets: at most ${SECRETS_MAX}`);
    const at = nowIso();
    const seen = new Set<string>();
    return input.map(({ name, value }) => {
      if (!SECRET_NAME.test(name)) throw new ValidationError(`secrets: "${name}" is not a valid name (letters, digits and _, not starting with a digit)`);
      if (seen.has(name)) throw new ValidationError(`secrets: "${name}" is given twice`);
      seen.add(name);
      const existing = stored.find((s) => s.name === name);
      if (value === undefined) {
        if (!existing) throw new ValidationError(`secrets: "${name}" has no value`);
        return existing;
      }
      return existing && existing.value === value ? existing : { name, value, updated_at: at };
    });
  }

  async function findRow(tenant: Tenant, id: string, repos: Pick<Repositories, 'actions'> = store): Promise<ActionRow> {
    const row = await repos.actions.find(tenant.id, id);
    if (!row) throw new NotFoundError('action', 'The action does not exist.');
    return row;
  }

  async function view(row: ActionRow): Promise<ActionView> {
    const deployed = await store.actions.deployedVersion(row.tenant_id, row.id);
    return actionView(row, openSecrets(row.secrets), deployed ? { row: deployed, secrets: openSecrets(deployed.secrets) } : undefined);
  }

  return {
    view,
    findRow,
    openSecrets,

    async create(tenant: Tenant, input: ActionInput): Promise<ActionView> {
      const at = nowIso();
      const row: ActionRow = {
        id: uuid(random.bytes(16)),
        tenant_id: tenant.id,
        name: input.name,
        supported_triggers: JSON.stringify(checkTriggers(input.supported_triggers)),
        code: checkCode(input.code ?? ''),
        dependencies: JSON.stringify(checkDependencies(input.dependencies ?? [])),
        runtime: checkRuntime(input.runtime),
        secrets: sealSecrets(mergeSecrets(input.secrets ?? [], [])),
        created_at: at,
        updated_at: at,
      };
      try {
        await store.actions.insert(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('action', `An action named "${input.name}" already exists.`);
        throw err;
      }
      return view(row);
    },

    async list(tenant: Tenant, filter: ActionFilter, page: { offset: number; limit: number }): Promise<{ actions: ActionView[]; total: number }> {
      const [rows, deployed] = await Promise.all([store.actions.list(tenant.id), store.actions.deployedVersions(tenant.id)]);
      const deployedOf = new Map(deployed.map((v) => [v.action_id, v]));
      const matching = rows.filter(
        (r) =>
          (filter.triggerId === undefined || (JSON.parse(r.supported_triggers) as TriggerRef[]).some((t) => t.id === filter.triggerId)) &&
          (filter.actionName === undefined || r.name === filter.actionName) &&
          (filter.deployed === undefined || deployedOf.has(r.id) === filter.deployed),
      );
      const actions = matching.slice(page.offset, page.offset + page.limit).map((r) => {
        const version = deployedOf.get(r.id);
        return actionView(r, openSecrets(r.secrets), version ? { row: version, secrets: openSecrets(version.secrets) } : undefined);
      });
      return { actions, total: matching.length };
    },

    get: async (tenant: Tenant, id: string) => view(await findRow(tenant, id)),

    async update(tenant: Tenant, id: string, patch: ActionPatch): Promise<ActionView> {
      const row = await findRow(tenant, id);
      const next: Partial<ActionRow> = { updated_at: nowIso() };
      if (patch.name !== undefined) next.name = patch.name;
      if (patch.supported_triggers !== undefined) next.supported_triggers = JSON.stringify(checkTriggers(patch.supported_triggers));
      if (patch.code !== undefined) next.code = checkCode(patch.code);
      if (patch.dependencies !== undefined) next.dependencies = JSON.stringify(checkDependencies(patch.dependencies));
      if (patch.runtime !== undefined) next.runtime = checkRuntime(patch.runtime);
      if (patch.secrets !== undefined) next.secrets = sealSecrets(mergeSecrets(patch.secrets, openSecrets(row.secrets)));
      if (next.supported_triggers !== undefined && next.supported_triggers !== row.supported_triggers && (await store.actions.bindingsOfAction(tenant.id, id)).length > 0) {
        throw new ValidationError('supported_triggers: the action is bound to its trigger; unbind it first');
      }
      try {
        await store.actions.update(tenant.id, id, next);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('action', `An action named "${patch.name}" already exists.`);
        throw err;
      }
      return view({ ...row, ...next });
    },

    /** Deletes an action; one that a trigger runs only with `force` (which unbinds it). */
    async remove(tenant: Tenant, id: string, force: boolean): Promise<void> {
      await findRow(tenant, id);
      await store.transaction(async (tx) => {
        const bound = await tx.actions.bindingsOfAction(tenant.id, id);
        if (bound.length > 0 && !force) throw new ConflictError('action_bound', `The action is bound to the ${bound[0]!.trigger_id} trigger: unbind it, or delete with force=true.`);
        await tx.actions.deleteBindingsOfAction(tenant.id, id);
        await tx.actions.delete(tenant.id, id);
      });
    },

    /** Snapshots the draft as a new version and deploys it; the code must compile. */
    async deploy(tenant: Tenant, id: string): Promise<ActionVersionView> {
      const row = await findRow(tenant, id);
      const problem = await syntaxProblem(row.code);
      if (problem) throw new ValidationError(`code: the action does not compile: ${problem}`);
      const at = nowIso();
      const version: ActionVersionRow = await store.transaction(async (tx) => {
        const created: ActionVersionRow = {
          id: uuid(random.bytes(16)),
          tenant_id: tenant.id,
          action_id: id,
          number: await tx.actions.nextVersionNumber(id),
          code: row.code,
          dependencies: row.dependencies,
          runtime: row.runtime,
          secrets: row.secrets,
          supported_triggers: row.supported_triggers,
          deployed: 0,
          created_at: at,
          updated_at: at,
        };
        await tx.actions.insertVersion(created);
        await tx.actions.markDeployed(tenant.id, id, created.id, at);
        return { ...created, deployed: 1 };
      });
      return versionView(version, openSecrets(version.secrets));
    },

    async versions(tenant: Tenant, actionId: string, page: { offset: number; limit: number }): Promise<{ versions: ActionVersionView[]; total: number }> {
      await findRow(tenant, actionId);
      const rows = await store.actions.versions(tenant.id, actionId);
      return { versions: rows.slice(page.offset, page.offset + page.limit).map((r) => versionView(r, openSecrets(r.secrets))), total: rows.length };
    },

    async version(tenant: Tenant, actionId: string, versionId: string): Promise<ActionVersionView> {
      await findRow(tenant, actionId);
      const row = await store.actions.findVersion(tenant.id, actionId, versionId);
      if (!row) throw new NotFoundError('action_version', 'The action version does not exist.');
      return versionView(row, openSecrets(row.secrets));
    },

    /** Deploys an earlier version again (Auth0's rollback): it becomes the one that runs; the draft is unchanged. */
    async rollback(tenant: Tenant, actionId: string, versionId: string): Promise<ActionVersionView> {
      await findRow(tenant, actionId);
      const row = await store.actions.findVersion(tenant.id, actionId, versionId);
      if (!row) throw new NotFoundError('action_version', 'The action version does not exist.');
      const at = nowIso();
      await store.actions.markDeployed(tenant.id, actionId, versionId, at);
      return versionView({ ...row, deployed: 1, updated_at: at }, openSecrets(row.secrets));
    },
  };
}

export type ActionCatalogueService = ReturnType<typeof createActionCatalogue>;

import { Type } from '@sinclair/typebox';
import { ACTION_TRIGGERS } from '../../../../actions/types.js';
import { StrictObject } from '../../../schemas.js';

/** Auth0's Actions API shapes (`/api/v2/actions/*`). */


export const TriggerId = Type.Union([Type.Literal(ACTION_TRIGGERS[0]), Type.Literal(ACTION_TRIGGERS[1])]);
const TriggerRef = StrictObject({ id: Type.String({ minLength: 1, maxLength: 64 }), version: Type.String({ minLength: 1, maxLength: 16 }) });
const Dependency = StrictObject({ name: Type.String({ minLength: 1, maxLength: 214 }), version: Type.String({ minLength: 1, maxLength: 64 }), registry_url: Type.Optional(Type.String({ maxLength: 2048 })) });
const SecretInput = StrictObject({ name: Type.String({ minLength: 1, maxLength: 128 }), value: Type.Optional(Type.String({ maxLength: 4096 })) });

export const ActionBody = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  supported_triggers: Type.Array(TriggerRef, { minItems: 1, maxItems: 1 }),
  code: Type.Optional(Type.String({ maxLength: 200_000 })),
  dependencies: Type.Optional(Type.Array(Dependency, { maxItems: 10 })),
  runtime: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
  secrets: Type.Optional(Type.Array(SecretInput, { maxItems: 100 })),
  deploy: Type.Optional(Type.Boolean({ description: 'Deploy right after creating (Auth0)' })),
});

export const ActionPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    supported_triggers: Type.Optional(Type.Array(TriggerRef, { minItems: 1, maxItems: 1 })),
    code: Type.Optional(Type.String({ maxLength: 200_000 })),
    dependencies: Type.Optional(Type.Array(Dependency, { maxItems: 10 })),
    runtime: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    secrets: Type.Optional(Type.Array(SecretInput, { maxItems: 100 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const SecretView = Type.Object({ name: Type.String(), updated_at: Type.String() });
const TriggerView = Type.Object({ id: Type.String(), version: Type.String() });
const DependencyView = Type.Object({ name: Type.String(), version: Type.String() });

export const ActionVersion = Type.Object({
  id: Type.String(),
  action_id: Type.String(),
  code: Type.String(),
  dependencies: Type.Array(DependencyView),
  deployed: Type.Boolean(),
  number: Type.Integer(),
  runtime: Type.String(),
  secrets: Type.Array(SecretView),
  status: Type.Literal('built'),
  supported_triggers: Type.Array(TriggerView),
  built_at: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const Action = Type.Object({
  id: Type.String(),
  name: Type.String(),
  supported_triggers: Type.Array(TriggerView),
  code: Type.String(),
  dependencies: Type.Array(DependencyView),
  runtime: Type.String(),
  secrets: Type.Array(SecretView),
  status: Type.Literal('built'),
  all_changes_deployed: Type.Boolean(),
  built_at: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
  deployed_version: Type.Optional(ActionVersion),
});

export const ActionIdParams = StrictObject({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const VersionParams = StrictObject({ actionId: Type.String({ minLength: 1, maxLength: 64 }), id: Type.String({ minLength: 1, maxLength: 64 }) });
export const VersionsParams = StrictObject({ actionId: Type.String({ minLength: 1, maxLength: 64 }) });
export const TriggerParams = StrictObject({ triggerId: TriggerId });

export const Paging = {
  page: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
};

export const Binding = Type.Object({
  id: Type.String(),
  trigger_id: Type.String(),
  display_name: Type.String(),
  action: Action,
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const BindingsBody = StrictObject({
  bindings: Type.Array(
    StrictObject({
      ref: StrictObject({ type: Type.Union([Type.Literal('action_id'), Type.Literal('action_name')]), value: Type.String({ minLength: 1, maxLength: 100 }) }),
      display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      secrets: Type.Optional(Type.Array(SecretInput, { maxItems: 0, description: 'Binding secrets are not supported: set secrets on the action' })),
    }),
    { maxItems: 10 },
  ),
});

export const Execution = Type.Object({
  id: Type.String(),
  trigger_id: Type.String(),
  status: Type.String(),
  results: Type.Array(
    Type.Object({
      action_name: Type.String(),
      error: Type.Union([Type.Object({ id: Type.String(), msg: Type.String(), url: Type.String() }), Type.Null()]),
      started_at: Type.String(),
      ended_at: Type.String(),
    }),
  ),
  created_at: Type.String(),
  updated_at: Type.String(),
  logs: Type.Array(Type.String()),
  logs_truncated: Type.Boolean(),
  fetches: Type.Array(Type.Object({ method: Type.String(), url: Type.String(), status: Type.Optional(Type.Integer()), error: Type.Optional(Type.String()), durationMs: Type.Number() })),
  notification: Type.Union([Type.Object({ action: Type.String(), reason: Type.String() }), Type.Null()]),
});

export const Settings = Type.Object({ fetch_allowed_hosts: Type.Union([Type.Array(Type.String()), Type.Null()]) });
export const SettingsBody = StrictObject({ fetch_allowed_hosts: Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100 }), Type.Null()]) });

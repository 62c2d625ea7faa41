import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ACTION_TRIGGERS } from '../../../../actions/types.js';
import { RUNTIMES, DEFAULT_RUNTIME, TRIGGER_VERSIONS } from '../../../../services/actions/catalogue.js';

const Trigger = Type.Object({
  id: Type.String(),
  version: Type.String(),
  status: Type.String(),
  runtimes: Type.Array(Type.String()),
  default_runtime: Type.String(),
  compatible_triggers: Type.Array(Type.Object({ id: Type.String(), version: Type.String() })),
  binding_policy: Type.String(),
});

/** GET /api/v2/actions/triggers — the triggers Guardline runs. */
export default function listActionTriggersRoute(app: App, _services: Services) {
  app.get('/actions/triggers', {
    config: { scopes: ['read:actions'] },
    schema: { summary: 'List the action triggers', querystring: StrictObject({}), response: { 200: Type.Object({ triggers: Type.Array(Trigger) }), '4xx': ManagementErrorBody } },
    handler: async () => ({
      triggers: ACTION_TRIGGERS.map((id) => ({ id, version: TRIGGER_VERSIONS[id], status: 'CURRENT', runtimes: [...RUNTIMES], default_runtime: DEFAULT_RUNTIME, compatible_triggers: [], binding_policy: 'trigger-bound' })),
    }),
  });
}

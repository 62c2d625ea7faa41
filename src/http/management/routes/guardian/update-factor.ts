import { ManagementError } from '../../../../errors/errors.js';
import { FACTOR_NAMES, type FactorName } from '../../../../services/guardian.js';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { FactorEnabled, FactorNameParams } from './schemas.js';

const isFactorName = (name: string): name is FactorName => (FACTOR_NAMES as readonly string[]).includes(name);

/** PUT /api/v2/guardian/factors/{name} — the phone factor (SMS and voice) is `sms`. */
export default function updateGuardianFactorRoute(app: App, services: Services) {
  app.put('/guardian/factors/:name', {
    config: { scopes: ['update:guardian_factors'], operation: 'Update a Multi-factor Authentication Factor' },
    schema: {
      summary: 'Enable or disable an MFA factor',
      params: FactorNameParams,
      body: FactorEnabled,
      response: { 200: FactorEnabled, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { name } = request.params;
      if (!isFactorName(name)) {
        throw new ManagementError('not_found', `Factor ${JSON.stringify(name)} does not exist; the factors are ${FACTOR_NAMES.join(', ')} (the phone factor is sms)`);
      }
      return services.guardian.setFactor(request.tenant, name, request.body.enabled, requestContext(request));
    },
  });
}

import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';

const VoiceFallback = StrictObject({ enabled: Type.Boolean({ description: 'When no provider can send an SMS, send the code by voice (where voice is enabled)' }) });

/** GET/PUT /api/v2/guardian/factors/phone/voice-fallback (Guardline extension): the SMS→voice fallback switch. */
export default function voiceFallbackRoutes(app: App, services: Services) {
  app.get('/guardian/factors/phone/voice-fallback', {
    config: { scopes: ['read:guardian_factors'] },
    schema: {
      summary: 'Get the SMS→voice fallback switch (Guardline extension)',
      querystring: StrictObject({}),
      response: { 200: VoiceFallback, '4xx': ManagementErrorBody },
    },
    handler: async (request) => ({ enabled: (await services.guardian.settings(request.tenant)).voiceFallback }),
  });
  app.put('/guardian/factors/phone/voice-fallback', {
    config: { scopes: ['update:guardian_factors'], operation: 'Update SMS to voice fallback' },
    schema: {
      summary: 'Set the SMS→voice fallback switch (Guardline extension)',
      body: VoiceFallback,
      response: { 200: VoiceFallback, '4xx': ManagementErrorBody },
    },
    handler: async (request) => ({ enabled: await services.guardian.setVoiceFallback(request.tenant, request.body.enabled, requestContext(request)) }),
  });
}

import { Type } from '@sinclair/typebox';
import { SENSITIVE } from '../../../no-store.js';
import { PagingQuery, StrictObject } from '../../../schemas.js';

export const DevInboxMessage = Type.Object({
  id: Type.String({ description: 'msg_…' }),
  to: Type.String({ description: 'E.164' }),
  channel: Type.String({ description: 'sms' }),
  purpose: Type.String({ description: 'enrollment | verification' }),
  locale: Type.String(),
  body: Type.String({ description: 'The message as rendered, code included', [SENSITIVE]: true }),
  created_at: Type.String(),
});

export const DevInboxQuery = StrictObject({
  ...PagingQuery,
  phone_number: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{1,14}$', description: 'Only messages to this E.164 number' })),
});

export const DevInboxPage = Type.Object({
  messages: Type.Array(DevInboxMessage),
  start: Type.Integer(),
  limit: Type.Integer(),
  total: Type.Optional(Type.Integer({ description: 'With include_totals=true' })),
});

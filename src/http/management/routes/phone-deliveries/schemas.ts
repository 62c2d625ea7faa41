import { Type } from '@sinclair/typebox';
import { PagingQuery, StrictObject } from '../../../schemas.js';

const STATUSES = ['accepted', 'queued', 'sent', 'delivered', 'undelivered', 'failed'] as const;
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

const HistoryEntry = Type.Object({
  status: literals(STATUSES),
  at: Type.String(),
  source: literals(['send', 'receipt', 'retry'] as const),
  error: Type.Optional(Type.Object({ errorCode: Type.String(), message: Type.String() })),
});

/** One attempt of the delivery ledger (Guardline extension). */
export const Delivery = Type.Object({
  id: Type.String({ description: '`dlv_…`, sorts by time' }),
  send_id: Type.String({ description: 'Shared by every attempt (failover hop, voice fallback) of one code' }),
  attempt: Type.Integer({ description: '1 for the first provider tried' }),
  channel: literals(['sms', 'voice'] as const),
  purpose: literals(['enrollment', 'verification', 'test'] as const),
  provider: Type.String({ description: 'Registry id of the provider (auth0 = built-in)' }),
  provider_config_id: Type.Union([Type.String(), Type.Null()]),
  destination: Type.String({ description: 'Masked phone number (XXXXXXX8730)' }),
  country: Type.Union([Type.String(), Type.Null()], { description: 'ISO 3166-1 alpha-2 of the destination' }),
  status: literals(STATUSES),
  history: Type.Array(HistoryEntry),
  provider_message_id: Type.Union([Type.String(), Type.Null()], { description: 'The vendor id; the gd_send_* event has it as details.message_id' }),
  error: Type.Union([Type.Object({ class: Type.String(), errorCode: Type.String(), message: Type.String() }), Type.Null()]),
  accepted_at: Type.Union([Type.String(), Type.Null()]),
  sent_at: Type.Union([Type.String(), Type.Null()]),
  delivered_at: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const ListDeliveriesQuery = StrictObject({
  ...PagingQuery,
  status: Type.Optional(literals(STATUSES)),
  provider: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
  channel: Type.Optional(literals(['sms', 'voice'] as const)),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Attempts at or after (ISO 8601)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Attempts at or before (ISO 8601)' })),
});

export const DeliveryIdParams = StrictObject({ id: Type.String({ minLength: 1, maxLength: 128 }) });

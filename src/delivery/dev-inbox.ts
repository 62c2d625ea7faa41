import type { Clock, RandomSource } from '../domain/clock.js';
import { createSortableIdGenerator } from '../domain/ids.js';
import type { Repositories } from '../store/store.js';
import type { MessageChannel, MessagePurpose } from '../domain/message-templates.js';

/** One rendered message kept instead of sent (the built-in provider without an upstream, and test numbers). */
export interface InboxMessage {
  tenantId: string;
  /** E.164 */
  to: string;
  channel: MessageChannel;
  purpose: MessagePurpose;
  locale: string;
  body: string;
}

/** Writes messages to a tenant's dev inbox. Ids sort by time (as log ids do), so "newest first" is exact within a process. */
export function createDevInboxWriter(deps: { store: Pick<Repositories, 'devInbox'>; clock: Clock; random: RandomSource }) {
  const nextId = createSortableIdGenerator(deps.random);
  return async (message: InboxMessage): Promise<string> => {
    const at = deps.clock.now();
    const id = `msg_${nextId(at)}`;
    await deps.store.devInbox.insert({
      id,
      tenant_id: message.tenantId,
      recipient: message.to,
      channel: message.channel,
      purpose: message.purpose,
      locale: message.locale,
      body: message.body,
      created_at: at.toISOString(),
    });
    return id;
  };
}

export type DevInboxWriter = ReturnType<typeof createDevInboxWriter>;

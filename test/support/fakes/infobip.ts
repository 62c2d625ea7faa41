import { randomUUID } from 'node:crypto';
import { type FakeReply, type FakeRequest, json, startVendorFake, strictJson, UNROUTABLE_PREFIX, type VendorFake } from './vendor-fake.js';

/**
 * A loopback stand-in for Infobip's SMS API v3 (`POST /sms/3/messages`), as strict as the real one:
 * `Authorization: App <key>` (401 `UNAUTHORIZED` "Invalid login details"), a JSON body with exactly one message
 * carrying `sender`, `destinations[].to` and `content.text` (400 `BAD_REQUEST`), a destination of digits (else the
 * message is REJECTED / REJECTED_DESTINATION in a 200 answer, as Infobip answers), accepted messages answered with
 * status PENDING_ACCEPTED (group 1, PENDING).
 */

export const INFOBIP_API_KEY = '0123456789abcdef0123456789abcdef-01234567-89ab-cdef-0123-456789abcdef';

export interface FakeInfobip extends VendorFake {
  readonly messages: Array<{ messageId: string; sender: string; to: string; text: string }>;
}

export const infobipException = (status: number, messageId: string, text: string): FakeReply =>
  json(status, { requestError: { serviceException: { messageId, text } } });

export const infobipStatus = (to: string, groupId: number, groupName: string, id: number, name: string, description: string): FakeReply =>
  json(200, { bulkId: randomUUID(), messages: [{ messageId: randomUUID(), status: { groupId, groupName, id, name, description }, destination: to, details: { messageCount: 1 } }] });

export async function startFakeInfobip(): Promise<FakeInfobip> {
  const messages: FakeInfobip['messages'] = [];

  function handle(request: FakeRequest): FakeReply {
    if (request.path !== '/sms/3/messages') return infobipException(404, 'NOT_FOUND', 'Requested URL not found: ' + request.path);
    if (request.method !== 'POST') return infobipException(405, 'METHOD_NOT_ALLOWED', 'Request method not supported');
    if (request.headers.authorization !== `App ${INFOBIP_API_KEY}`) return infobipException(401, 'UNAUTHORIZED', 'Invalid login details');
    const body = strictJson(request) as { messages?: unknown } | undefined;
    const list = Array.isArray(body?.messages) ? (body.messages as Array<Record<string, unknown>>) : undefined;
    if (!list || list.length !== 1) return infobipException(400, 'BAD_REQUEST', 'Bad request');
    const entry = list[0]!;
    const destinations = entry.destinations as Array<{ to?: unknown }> | undefined;
    const content = entry.content as { text?: unknown } | undefined;
    if (typeof entry.sender !== 'string' || !Array.isArray(destinations) || destinations.length !== 1 || typeof content?.text !== 'string' || content.text === '') {
      return infobipException(400, 'BAD_REQUEST', 'Bad request');
    }
    const to = destinations[0]!.to;
    if (typeof to !== 'string' || !/^[1-9]\d{6,14}$/.test(to) || to.startsWith(UNROUTABLE_PREFIX.slice(1))) {
      return infobipStatus(String(to), 5, 'REJECTED', 14, 'REJECTED_DESTINATION', 'Destination address is invalid or not allowed');
    }
    const messageId = randomUUID();
    messages.push({ messageId, sender: entry.sender, to, text: content.text });
    return json(200, {
      bulkId: randomUUID(),
      messages: [{ messageId, status: { groupId: 1, groupName: 'PENDING', id: 26, name: 'PENDING_ACCEPTED', description: 'Message sent to next instance' }, destination: to, details: { messageCount: 1 } }],
    });
  }

  const fake = await startVendorFake({
    handle,
    serverError: () => infobipException(500, 'GENERAL_ERROR', 'Something went wrong. Please contact support.'),
    failedStatus: () => infobipStatus('447700900123', 5, 'REJECTED', 12, 'REJECTED_NOT_ENOUGH_CREDITS', 'Not enough credits'),
  });
  return Object.assign(fake, { messages });
}

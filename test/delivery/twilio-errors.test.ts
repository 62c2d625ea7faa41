import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TWILIO_ERROR_CLASSES } from '../../src/delivery/providers/twilio-errors.js';
import { budget, message, useFakeTwilio } from './twilio-support.js';

/**
 * Every Twilio error Guardline maps, answered by the fake with Twilio's error body, and the outcome class the
 * delivery service acts on (transient → next provider; permanent → tell the user; misconfigured → alert the operator).
 */

const twilio = useFakeTwilio();

/** Written out rather than read from the table, so a changed class fails here. */
const EXPECTED = [
  [20003, 401, 'misconfigured'],
  [20429, 429, 'transient'],
  [21211, 400, 'permanent'],
  [21217, 400, 'permanent'],
  [21408, 400, 'permanent'],
  [21606, 400, 'misconfigured'],
  [21608, 400, 'misconfigured'],
  [21610, 400, 'permanent'],
  [21612, 400, 'permanent'],
  [21614, 400, 'permanent'],
] as const;

describe('Twilio error codes and their outcome class', () => {
  for (const channel of ['sms', 'voice'] as const) {
    it.each(EXPECTED)(`${channel}: %i (HTTP %i) is %s, carrying Twilio's code and message`, async (code, status, kind) => {
      twilio.fake.failNext({ code, status, message: `Twilio says ${code}` });
      const outcome = await twilio.provider().send(message({ channel, text: 'Your code is 1.2.3.4.5.6.' }), budget());
      expect(outcome).toEqual({ kind, error: { errorCode: String(code), message: `Twilio says ${code}`, httpStatus: status } });
    });
  }

  it('the table covers exactly the codes above', () => {
    expect(Object.keys(TWILIO_ERROR_CLASSES).map(Number).sort()).toEqual(EXPECTED.map(([code]) => code).sort());
  });

  it("docs/providers.md's Twilio error table says the same as the code", () => {
    const docs = readFileSync(new URL('../../docs/providers.md', import.meta.url), 'utf8');
    const rows = new Map([...docs.matchAll(/^\| `(\d{5})` \| [^|]+ \| (transient|permanent|misconfigured) \|/gm)].map((m) => [Number(m[1]), m[2]]));
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(TWILIO_ERROR_CLASSES).map(([code, entry]) => [code, entry.class])));
  });
});

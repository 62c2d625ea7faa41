import { describe, expect, it } from 'vitest';
import { convertAuth0Export, parseJsonLines } from '../../src/domain/auth0-export.js';

const BCRYPT = '$2b$10$' + 'N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';

const exported = [
  {
    user_id: 'auth0|5dea9f9c82dd7c0e76e4ec93',
    email: 'hanako@example.jp',
    email_verified: true,
    name: 'Hanako Yamada',
    given_name: 'Hanako',
    user_metadata: { plan: 'pro' },
    app_metadata: { roles: ['admin'], blocked: true, lastLogin: 'x' },
    identities: [{ connection: 'Username-Password-Authentication', provider: 'auth0', user_id: '5dea9f9c82dd7c0e76e4ec93', isSocial: false }],
    created_at: '2024-01-01T00:00:00.000Z',
    logins_count: 12,
  },
  { user_id: 'auth0|euclid', email: 'euclid@example.com', identities: [{ connection: 'Username-Password-Authentication', provider: 'auth0' }] },
  { user_id: 'google-oauth2|1234', email: 'social@example.com', identities: [{ connection: 'google-oauth2', provider: 'google-oauth2' }] },
  { user_id: 'auth0|other', email: 'other@example.com', identities: [{ connection: 'Other-DB', provider: 'auth0' }] },
];

const hashes = [
  { _id: { $oid: '5dea9f9c82dd7c0e76e4ec93' }, email: 'hanako@example.jp', passwordHash: BCRYPT, connection: 'Username-Password-Authentication' },
  { _id: { $oid: '61f0000000000000000000aa' }, alt_id: 'euclid', email: 'euclid@example.com', passwordHash: 'not-bcrypt', connection: 'Username-Password-Authentication' },
];

describe('converting an Auth0 tenant export into an import file', () => {
  it('joins the user export, the hash export and the phone enrolments, and says what it left out', () => {
    const methods = new Map<string, unknown[]>([
      ['auth0|5dea9f9c82dd7c0e76e4ec93', [
        { id: 'phone|dev_1', type: 'phone', confirmed: true, phone_number: '+819012345678', preferred_authentication_method: 'sms' },
        { id: 'phone|dev_2', type: 'phone', confirmed: false, phone_number: '+819099999999' },
        { id: 'totp|dev_3', type: 'totp', confirmed: true },
      ]],
      ['auth0|euclid', [{ id: 'phone|dev_4', type: 'phone', confirmed: true, phone_number: 'XXXXXXXX5678' }]],
    ]);
    const result = convertAuth0Export({ users: exported, passwordHashes: hashes, authenticationMethods: methods, connection: 'Username-Password-Authentication' });

    expect(result.users).toEqual([
      {
        user_id: '5dea9f9c82dd7c0e76e4ec93',
        email: 'hanako@example.jp',
        email_verified: true,
        name: 'Hanako Yamada',
        given_name: 'Hanako',
        user_metadata: { plan: 'pro' },
        app_metadata: { roles: ['admin'] },
        password_hash: BCRYPT,
        mfa_factors: [{ phone: { value: '+819012345678' } }],
      },
      { user_id: 'euclid', email: 'euclid@example.com' },
    ]);
    expect(result.counts).toEqual({ exported: 4, converted: 2, withPassword: 1, withPhone: 1, skipped: 2 });
    expect(result.notes).toEqual([
      { user: 'auth0|5dea9f9c82dd7c0e76e4ec93', kind: 'partial', reason: 'app_metadata keys reserved by Auth0 dropped: blocked, lastLogin' },
      { user: 'auth0|5dea9f9c82dd7c0e76e4ec93', kind: 'partial', reason: "a totp enrolment was left out: Guardline's factor is the phone" },
      { user: 'auth0|euclid', kind: 'partial', reason: 'the exported password hash is not bcrypt: the user must reset the password' },
      { user: 'auth0|euclid', kind: 'partial', reason: 'a phone enrolment without a full E.164 number (masked?) was left out: the user enrols again' },
      { user: 'google-oauth2|1234', kind: 'skipped', reason: 'not a database user (social and enterprise identities stay with their provider)' },
      { user: 'auth0|other', kind: 'skipped', reason: 'in connection Other-DB, not Username-Password-Authentication' },
    ]);
  });

  it('without a hash export, says nothing per user about passwords; a line without user_id is skipped by number', () => {
    const result = convertAuth0Export({ users: [{ email: 'x@example.com' }, { user_id: 'auth0|a', email: 'a@example.com' }] });
    expect(result.users).toEqual([{ user_id: 'a', email: 'a@example.com' }]);
    expect(result.notes).toEqual([{ user: 'line 1', kind: 'skipped', reason: 'not a user object with a user_id' }]);
  });

  it('reads ndjson and JSON arrays, and names the line that is not JSON', () => {
    expect(parseJsonLines('{"a":1}\n\n{"b":2}\r\n')).toEqual([{ a: 1 }, { b: 2 }]);
    expect(parseJsonLines(' [{"a":1}] ')).toEqual([{ a: 1 }]);
    expect(() => parseJsonLines('{"a":1}\n{"b":')).toThrow('line 2 is not JSON');
  });
});

import { Type } from '@sinclair/typebox';
import { StrictObject } from '../../../schemas.js';

const TYPES = ['otp_verify', 'otp_enroll', 'change_password', 'blocked_account', 'password_breach'] as const;

/** Auth0's phone template object (Unified Phone). Guardline's two templates are the guardian ones. */
export const PhoneTemplate = Type.Object({
  id: Type.String(),
  channel: Type.Literal('phone'),
  customizable: Type.Boolean(),
  tenant: Type.String(),
  type: Type.Union([Type.Literal('otp_verify'), Type.Literal('otp_enroll')]),
  disabled: Type.Boolean(),
  content: Type.Object({ syntax: Type.Literal('liquid'), body: Type.Object({ text: Type.String(), voice: Type.String() }) }),
});

const Content = Type.Object(
  {
    syntax: Type.Optional(Type.Literal('liquid')),
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    body: Type.Optional(StrictObject({ text: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })), voice: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CreateTemplateBody = StrictObject({
  type: Type.Optional(Type.Union(TYPES.map((t) => Type.Literal(t)))),
  disabled: Type.Optional(Type.Boolean()),
  content: Type.Optional(Content),
});

export const UpdateTemplateBody = StrictObject({ content: Type.Optional(Content), disabled: Type.Optional(Type.Boolean()) });

export const TemplateIdParams = StrictObject({ id: Type.String({ minLength: 1, maxLength: 64 }) });

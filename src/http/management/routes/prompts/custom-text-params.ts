import { Type } from '@sinclair/typebox';
import { AUTH0_PROMPTS } from '../../../../domain/prompt-custom-text.js';
import { SUPPORTED_LOCALES } from '../../../../services/tenants.js';
import { StrictObject } from '../../../schemas.js';

export const CustomTextParams = StrictObject({
  prompt: Type.Union(AUTH0_PROMPTS.map((p) => Type.Literal(p)), { description: 'An Auth0 prompt name' }),
  language: Type.Union(SUPPORTED_LOCALES.map((l) => Type.Literal(l)), { description: 'A language the login pages have' }),
});

export const CustomTextBody = Type.Record(Type.String(), Type.Record(Type.String(), Type.String()), { description: '{screen: {key: text}}' });

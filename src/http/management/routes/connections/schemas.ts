import { Type } from '@sinclair/typebox';
import { StrictObject } from '../../../schemas.js';

export const Connection = Type.Object({
  id: Type.String(),
  name: Type.String(),
  strategy: Type.String(),
  realms: Type.Array(Type.String()),
});

export const ConnectionIdParams = StrictObject({ id: Type.String({ minLength: 1, maxLength: 64 }) });

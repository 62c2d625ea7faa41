import { Type } from '@sinclair/typebox';
import { StrictObject } from '../../../schemas.js';

/**
 * Auth0's branding object (`/api/v2/branding`). Colours are `#rrggbb` and URLs https (http only on loopback): the
 * service checks both, so its 400 names the field and the value. Auth0's gradient `page_background` object and
 * its `identifiers` settings are not supported (a 400, never silently dropped).
 */

const color = Type.String({ maxLength: 7, description: '#rrggbb' });
const url = Type.String({ maxLength: 2048, description: 'https URL (http only on loopback)' });
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const Branding = Type.Object({
  colors: Type.Optional(Type.Object({ primary: Type.Optional(Type.String()), page_background: Type.Optional(Type.String()) })),
  favicon_url: Type.Optional(Type.String()),
  logo_url: Type.Optional(Type.String()),
  font: Type.Optional(Type.Object({ url: Type.String() })),
});

/** PATCH: a field left out is kept, `null` removes it; `colors` and `font` merge field by field. */
export const BrandingPatch = StrictObject({
  colors: Type.Optional(
    Type.Union([StrictObject({ primary: Type.Optional(nullable(color)), page_background: Type.Optional(nullable(color)) }), Type.Null()]),
  ),
  favicon_url: Type.Optional(nullable(url)),
  logo_url: Type.Optional(nullable(url)),
  font: Type.Optional(Type.Union([StrictObject({ url: Type.Optional(nullable(url)) }), Type.Null()])),
});

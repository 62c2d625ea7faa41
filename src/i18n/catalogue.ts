import type { Locale } from '../services/tenants.js';
import { en } from './en.js';
import { ja } from './ja.js';

export type MessageKey = keyof typeof en;

/** A locale's catalogue: exactly the English keys, each a string. Missing or extra keys fail to compile. */
export type Messages = { readonly [K in MessageKey]: string };

const CATALOGUES: Record<Locale, Messages> = { en, ja };

/** The text of `key` in `locale`, with `{name}` variables filled in (unknown variables stay as written). */
export function translate(locale: Locale, key: MessageKey, vars: Record<string, string> = {}): string {
  return CATALOGUES[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

export type Translator = (key: MessageKey, vars?: Record<string, string>) => string;
export const translator = (locale: Locale): Translator => (key, vars) => translate(locale, key, vars);

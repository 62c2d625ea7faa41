import { VOICE_PAUSE, type TemplateLocale } from '../../domain/message-templates.js';

/**
 * TwiML for a voice code call (Programmable Voice's inline `Twiml` parameter): the rendered voice script read in the
 * recipient's language, each `VOICE_PAUSE` marker a `<Pause/>` (one second) between `<Say>` verbs. Pure and tiny, so
 * hand-written rather than pulling in the 29 MB Twilio SDK for its TwiML builder.
 */

/** The `language` of `<Say>` for each locale the product speaks. */
export const SAY_LANGUAGE: Record<TemplateLocale, string> = { en: 'en-US', ja: 'ja-JP' };

/** Twilio refuses an inline `Twiml` parameter longer than this (error 32018). */
export const MAX_TWIML_LENGTH = 4000;

/** Characters XML 1.0 forbids in a document (C0 controls except tab/LF/CR, U+FFFE/U+FFFF, lone surrogates). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML content or attributes and drops characters no XML document may contain. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

/**
 * The voice `code` variable spells the code Auth0's way, digits joined by dots (`1.2.3.4.5.6`). Read aloud by a real
 * engine (espeak-ng en-US) that is "one point two point three…", so a run of three or more single digits joined by
 * dots is spoken with the language's list separator instead: `1, 2, 3` / `1、2、3` (each digit read alone, with a
 * short break, no separator word). A decimal (`3.14`), an IP address (`10.0.0.1`) or a version (`1.2`) is left as is.
 */
const DOTTED_DIGITS = /(?<![\d.])\d(?:\.\d){2,}(?!\d)/g;
const DIGIT_SEPARATOR: Record<TemplateLocale, string> = { en: ', ', ja: '、' };

export function speakableDigits(text: string, locale: TemplateLocale): string {
  return text.replace(DOTTED_DIGITS, (run) => run.split('.').join(DIGIT_SEPARATOR[locale]));
}

/** `<Response><Say language="…">…</Say><Pause/>…</Response>` for a rendered voice script. */
export function buildVoiceTwiml(script: string, locale: TemplateLocale): string {
  const language = SAY_LANGUAGE[locale];
  const verbs = script.split(VOICE_PAUSE).flatMap((segment, index) => {
    const text = speakableDigits(segment.trim(), locale);
    const say = text === '' ? [] : [`<Say language="${language}">${escapeXml(text)}</Say>`];
    return index === 0 ? say : ['<Pause/>', ...say];
  });
  return `<Response>${verbs.join('')}</Response>`;
}

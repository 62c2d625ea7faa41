import { AssertionError, Liquid, LiquidError, Tag, type TagToken, type TopLevelToken, type Template } from 'liquidjs';

export type MessagePurpose = 'enrollment' | 'verification';
export type MessageChannel = 'sms' | 'voice';
export type TemplateLocale = 'en' | 'ja';

/** Marker a rendered voice message carries where `{{pause}}` was; voice providers turn it into a real pause, the dev inbox shows it as is. */
export const VOICE_PAUSE = '[pause]';

/** Variables a template may use (top-level and dotted): Auth0's Guardian phone template variables (reference §3). */
export const TEMPLATE_VARIABLES: readonly string[] = [
  'code',
  'locale',
  'message_type',
  'pause',
  'tenant.friendly_name',
  'tenant.friendlyName',
  'requestInfo.lang',
];

/** Longest template a tenant may store (the Management API checks it before anything else). */
export const MAX_TEMPLATE_LENGTH = 2000;

/** A template that cannot be used. `message` is an English sentence fit for an API error, position first. */
export class TemplateError extends Error {
  constructor(message: string, readonly line?: number, readonly column?: number) {
    super(line === undefined ? message : `line ${line}, column ${column ?? 1}: ${message}`);
    this.name = 'TemplateError';
  }
}

/** `{% include %}`, `{% render %}` and `{% layout %}` load other templates; a tenant template stands alone. */
class ForbiddenTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    throw new Error(`the ${token.name} tag is not allowed: a message template cannot load other templates`);
  }
  render(): void {}
}

/**
 * One engine for every tenant template, configured for untrusted input (stack reference). `templates: {}` matters
 * most: without it `{% include %}` reads files under the working directory. The limits bound a hostile template:
 * `parseLimit` in characters, `renderLimit` in milliseconds per render (liquidjs checks the deadline before each
 * node, so a loop stops there), `memoryLimit` in the units liquidjs charges for ranges and built strings.
 * `{% for i in (1..100000000) %}` is stopped by `memoryLimit` before the first iteration.
 */
const PARSE_LIMIT = 10_000;
const RENDER_LIMIT_MS = 100;
const MEMORY_LIMIT = 1_000_000;
const engine = new Liquid({
  strictVariables: true,
  strictFilters: true,
  ownPropertyOnly: true,
  templates: {},
  dynamicPartials: false,
  relativeReference: false,
  parseLimit: PARSE_LIMIT,
  renderLimit: RENDER_LIMIT_MS,
  memoryLimit: MEMORY_LIMIT,
});
for (const name of ['include', 'render', 'layout']) engine.registerTag(name, ForbiddenTag);

/** liquidjs's limit messages name its internals; these say what the tenant should change. */
const LIMIT_MESSAGES: Record<string, string> = {
  'parse length limit exceeded': `the template is longer than ${PARSE_LIMIT} characters`,
  'template render limit exceeded': `the template takes longer than ${RENDER_LIMIT_MS} ms to render`,
  'memory alloc limit exceeded': `the template builds too much text or too large a range (limit ${MEMORY_LIMIT})`,
};

/**
 * liquidjs errors carry a token with the position and append ", line:1, col:5" to the message; we say it our way.
 * The parse limit throws a bare AssertionError (no position). Anything else is a bug of ours and stays as it is,
 * so it is not reported to the tenant as a fault of their template.
 */
function toTemplateError(error: unknown): unknown {
  if (error instanceof AssertionError) return new TemplateError(LIMIT_MESSAGES[error.message] ?? error.message);
  if (!LiquidError.is(error)) return error;
  const raw = (error.originalError?.message ?? error.message).replace(/, line:\d+, col:\d+$/, '');
  const message =
    LIMIT_MESSAGES[raw] ??
    raw.replace(/^undefined filter: (.*)$/, 'unknown filter `$1`').replace(/^undefined variable: (.*)$/, 'unknown variable `$1`');
  const [line, column] = error.token.getPosition();
  return new TemplateError(message, line, column);
}

function parse(source: string): Template[] {
  try {
    return engine.parse(source);
  } catch (error) {
    throw toTemplateError(error);
  }
}

const KNOWN = new Set(TEMPLATE_VARIABLES);
/** Liquid's `size` works on any string (`{% if code.size > 6 %}`), so a known variable may be followed by it. */
const isKnown = (path: string) => KNOWN.has(path) || KNOWN.has(path.replace(/\.size$/, ''));

/**
 * Parses and checks a tenant template: length, syntax, filters (strictFilters fails the parse), forbidden tags, and
 * variables. Variables come from liquidjs static analysis (`analyzeSync(...).globals`: every variable not assigned
 * by the template itself, in every branch), so a typo inside an `{% if %}` that no test message takes is caught too.
 * Finally the template is rendered once per channel with sample values, so one that exceeds the render limits is
 * refused when it is saved rather than when a user waits for a code. Throws TemplateError.
 */
export function checkTemplate(source: string): void {
  if (source.length > MAX_TEMPLATE_LENGTH) {
    throw new TemplateError(`the template is ${source.length} characters long; the limit is ${MAX_TEMPLATE_LENGTH}`);
  }
  const templates = parse(source);
  const { globals } = engine.analyzeSync(templates, { partials: false });
  const unknown = Object.values(globals)
    .flat()
    .filter((variable) => !isKnown(variable.toString()))
    .sort((a, b) => a.location.row - b.location.row || a.location.col - b.location.col)[0];
  if (unknown) {
    throw new TemplateError(
      `unknown variable \`${unknown.toString()}\`; known: ${TEMPLATE_VARIABLES.join(', ')}`,
      unknown.location.row,
      unknown.location.col,
    );
  }
  for (const channel of ['sms', 'voice'] as const) {
    try {
      engine.renderSync(templates, scope({ source, channel, code: '123456', locale: 'en', tenantFriendlyName: 'Example' }));
    } catch (error) {
      throw toTemplateError(error);
    }
  }
}

export interface RenderInput {
  source: string;
  channel: MessageChannel;
  code: string;
  locale: string;
  tenantFriendlyName: string;
}

function scope(input: RenderInput): Record<string, unknown> {
  const voice = input.channel === 'voice';
  return {
    // Auth0 spells the code digit by digit for voice ("1.2.3.4.5.6") so text-to-speech does not read a number.
    code: voice ? input.code.split('').join('.') : input.code,
    locale: input.locale,
    message_type: input.channel,
    pause: voice ? VOICE_PAUSE : '',
    // Auth0's variable table says friendlyName, its defaults use friendly_name (CONFLICT): both work.
    tenant: { friendly_name: input.tenantFriendlyName, friendlyName: input.tenantFriendlyName },
    requestInfo: { lang: input.locale },
  };
}

/**
 * Whitespace that Liquid tags leave behind is tidied: SMS keeps its line breaks (at most one blank line) but runs
 * of spaces become one; voice is read aloud, so every whitespace run becomes one space. Both are trimmed.
 */
function tidy(text: string, channel: MessageChannel): string {
  if (channel === 'voice') return text.replace(/\s+/g, ' ').trim();
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Parsed templates by source: every code sent renders one, and parsing is most of a render's cost. Parsed
 * templates are immutable and liquidjs renders them as often as asked. Bounded (least recently used first out),
 * a Map in insertion order being all the LRU this needs; a failed parse is not kept.
 */
const PARSED_TEMPLATES_KEPT = 500;
const parsedTemplates = new Map<string, Template[]>();
function parsedTemplate(source: string): Template[] {
  let templates = parsedTemplates.get(source);
  if (templates) parsedTemplates.delete(source);
  else templates = parse(source);
  parsedTemplates.set(source, templates);
  if (parsedTemplates.size > PARSED_TEMPLATES_KEPT) parsedTemplates.delete(parsedTemplates.keys().next().value as string);
  return templates;
}

/**
 * Renders a template. It need not have been checked: the engine refuses unknown variables and filters and the
 * forbidden tags by itself; checking first only gives the tenant the error earlier. Throws TemplateError.
 */
export async function renderMessage(input: RenderInput): Promise<string> {
  const templates = parsedTemplate(input.source);
  try {
    const output: unknown = await engine.render(templates, scope(input));
    return tidy(String(output), input.channel);
  } catch (error) {
    throw toTemplateError(error);
  }
}

/**
 * The origin-bound one-time-code line (WICG "Origin-bound one-time codes delivered via SMS", read by the WebOTP API
 * and by iOS and Android autofill): `@<host> #<code>` as the last line, after a blank line. The spec's origin is
 * `https` + host with no port (a port cannot be written; browsers compare sites, which ignore ports), so `host` is a
 * bare hostname. A text whose last line already is such a line (a tenant template that writes its own) is kept as is.
 */
export function withOriginBoundCode(text: string, host: string, code: string): string {
  const lastLine = text.replace(/\r\n?/g, '\n').split('\n').at(-1) ?? '';
  if (/^@\S+ #\S+/.test(lastLine)) return text;
  return `${text}\n\n@${host} #${code}`;
}

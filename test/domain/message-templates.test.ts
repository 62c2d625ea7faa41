import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES, defaultTemplate } from '../../src/domain/default-templates.js';
import {
  checkTemplate,
  withOriginBoundCode,
  MAX_TEMPLATE_LENGTH,
  renderMessage,
  TemplateError,
  VOICE_PAUSE,
  type MessageChannel,
  type RenderInput,
} from '../../src/domain/message-templates.js';

const KNOWN = 'known: code, locale, message_type, pause, tenant.friendly_name, tenant.friendlyName, requestInfo.lang';

const render = (source: string, more: Partial<RenderInput> = {}) =>
  renderMessage({ source, channel: 'sms', code: '123456', locale: 'en', tenantFriendlyName: 'Acme', ...more });

/** The TemplateError checkTemplate throws, so tests can assert message and position together. */
function checkError(source: string): { message: string; line?: number; column?: number } {
  try {
    checkTemplate(source);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return { message: error.message, line: error.line, column: error.column };
  }
  throw new Error(`checkTemplate accepted ${JSON.stringify(source)}`);
}

describe('default templates', () => {
  it('English SMS texts are byte-identical to Auth0 defaults', () => {
    expect(defaultTemplate('enrollment', 'sms', 'en')).toBe(
      '{{code}} is your verification code for {{tenant.friendly_name}}. Please enter this code to verify your enrollment.',
    );
    expect(defaultTemplate('verification', 'sms', 'en')).toBe('{{code}} is your verification code for {{tenant.friendly_name}}');
  });

  it('English enrollment voice text is Auth0 documented sample', () => {
    expect(defaultTemplate('enrollment', 'voice', 'en')).toBe(
      'Hello, you requested a verification code to enroll with {{tenant.friendly_name}}. Your code is: {{pause}}{{code}}. I repeat, your code is: {{pause}}{{code}}.',
    );
  });

  const all = Object.entries(DEFAULT_TEMPLATES).flatMap(([locale, purposes]) =>
    Object.entries(purposes).flatMap(([purpose, channels]) =>
      Object.entries(channels).map(([channel, source]) => [`${locale} ${purpose} ${channel}`, source] as const),
    ),
  );

  it('there are eight: two locales × two purposes × two channels', () => {
    expect(all.map(([name]) => name)).toEqual([
      'en enrollment sms',
      'en enrollment voice',
      'en verification sms',
      'en verification voice',
      'ja enrollment sms',
      'ja enrollment voice',
      'ja verification sms',
      'ja verification voice',
    ]);
  });

  it.each(all)('%s passes our own check', (_, source) => {
    expect(() => checkTemplate(source)).not.toThrow();
  });

  it.each([
    ['enrollment', 'sms', 'en', '123456 is your verification code for Acme. Please enter this code to verify your enrollment.'],
    ['verification', 'sms', 'en', '123456 is your verification code for Acme'],
    [
      'enrollment',
      'voice',
      'en',
      'Hello, you requested a verification code to enroll with Acme. Your code is: [pause]1.2.3.4.5.6. I repeat, your code is: [pause]1.2.3.4.5.6.',
    ],
    [
      'verification',
      'voice',
      'en',
      'Hello, you requested a verification code to log in to Acme. Your code is: [pause]1.2.3.4.5.6. I repeat, your code is: [pause]1.2.3.4.5.6.',
    ],
    ['enrollment', 'sms', 'ja', 'Acmeの認証コードは123456です。登録を完了するにはこのコードを入力してください。'],
    ['verification', 'sms', 'ja', 'Acmeの認証コードは123456です。'],
    [
      'enrollment',
      'voice',
      'ja',
      'Acmeへの登録の認証コードをお知らせします。コードは、[pause]1.2.3.4.5.6、です。繰り返します。コードは、[pause]1.2.3.4.5.6、です。',
    ],
    [
      'verification',
      'voice',
      'ja',
      'Acmeへのログインの認証コードをお知らせします。コードは、[pause]1.2.3.4.5.6、です。繰り返します。コードは、[pause]1.2.3.4.5.6、です。',
    ],
  ] as const)('%s %s %s renders exactly', async (purpose, channel, locale, expected) => {
    expect(await render(defaultTemplate(purpose, channel, locale), { channel, locale })).toBe(expected);
  });
});

describe('renderMessage', () => {
  it('renders one source many times with each call’s values (parsed once, never the output kept)', async () => {
    const source = '{{ tenant.friendly_name }}: {{ code }}{% if locale == "ja" %}（日本語）{% endif %}';
    const render = (code: string, locale: string, tenantFriendlyName: string) => renderMessage({ source, channel: 'sms', code, locale, tenantFriendlyName });
    expect(await render('111111', 'en', 'Acme')).toBe('Acme: 111111');
    expect(await render('222222', 'ja', 'Beta')).toBe('Beta: 222222（日本語）');
    expect(await render('111111', 'en', 'Acme')).toBe('Acme: 111111');
    await expect(renderMessage({ source: '{{ nope }}', channel: 'sms', code: '1', locale: 'en', tenantFriendlyName: 'x' })).rejects.toThrow(TemplateError);
    await expect(renderMessage({ source: '{{ nope }}', channel: 'sms', code: '1', locale: 'en', tenantFriendlyName: 'x' })).rejects.toThrow(TemplateError);
  });

  it('spells the code digit by digit and marks the pause for voice; SMS gets the code whole and no pause', async () => {
    const source = 'Code: {{pause}}{{code}}';
    expect(VOICE_PAUSE).toBe('[pause]');
    expect(await render(source, { channel: 'voice' })).toBe('Code: [pause]1.2.3.4.5.6');
    expect(await render(source, { channel: 'sms' })).toBe('Code: 123456');
  });

  it('accepts both spellings of the tenant name', async () => {
    expect(await render('{{tenant.friendlyName}} / {{tenant.friendly_name}}')).toBe('Acme / Acme');
  });

  it.each([
    ['en', 'sms', 'Your code: 123456 (sms, en)'],
    ['ja', 'sms', 'コード: 123456 (sms, ja)'],
    ['ja', 'voice', 'コード: 1.2.3.4.5.6 (voice, ja)'],
  ] as const)('branches on locale and message_type (%s, %s)', async (locale, channel, expected) => {
    const source =
      '{% if locale == "ja" %}コード{% else %}Your code{% endif %}: {{code}} ({{message_type}}, {{requestInfo.lang}})';
    expect(await render(source, { locale, channel })).toBe(expected);
  });

  it('passes the locale through as given, so a template can branch on a regional tag', async () => {
    expect(await render('{% if locale contains "ja" %}ja{% endif %}:{{locale}}', { locale: 'ja-JP' })).toBe('ja:ja-JP');
  });

  it('inserts the tenant name as text, never as template source', async () => {
    expect(await render('{{tenant.friendly_name}}', { tenantFriendlyName: '{{code}} <b>&' })).toBe('{{code}} <b>&');
  });

  it('tidies whitespace: SMS keeps line breaks (at most one blank line), voice becomes one line', async () => {
    const source = '  Hello   {{code}} \n\n\n\n  {% if locale == "en" %}\n  Bye\t {% endif %}  ';
    expect(await render(source, { channel: 'sms' })).toBe('Hello 123456\n\nBye');
    expect(await render(source, { channel: 'voice' })).toBe('Hello 1.2.3.4.5.6 Bye');
  });

  it('supports assign, for, and standard filters', async () => {
    const source =
      '{% assign name = tenant.friendly_name | upcase %}{{name}} {% for i in (1..3) %}{{i}}{% endfor %} {{ missing_ok | default: "x" }}';
    // `missing_ok` is unknown, so the engine refuses it even though `default` would cover it (strictVariables).
    await expect(render(source)).rejects.toThrow(new TemplateError('unknown variable `missing_ok`', 1, source.indexOf('missing_ok') + 1));
    expect(await render(source.replace('missing_ok', 'pause'))).toBe('ACME 123 x');
  });

  it('refuses an unknown variable at render time too, with its position', async () => {
    await expect(render('Hi\n{{ tenant.name }}')).rejects.toThrow('line 2, column 4: unknown variable `tenant.name`');
  });

  it('refuses forbidden tags and unknown filters without a check first', async () => {
    await expect(render("{% include 'package.json' %}")).rejects.toThrow(
      'line 1, column 1: the include tag is not allowed: a message template cannot load other templates',
    );
    await expect(render('{{ code | nosuch }}')).rejects.toThrow('line 1, column 1: unknown filter `nosuch`');
  });

  it('stops a render that runs too long with a TemplateError instead of hanging', async () => {
    const started = performance.now();
    const error = await render(
      '{% for i in (1..1000) %}{% for j in (1..1000) %}{% for k in (1..1000) %}x{% endfor %}{% endfor %}{% endfor %}',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).message).toMatch(/^line 1, column \d+: the template takes longer than 100 ms to render$/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses a source longer than the parse limit', async () => {
    await expect(render('x'.repeat(10_001))).rejects.toThrow(new TemplateError('the template is longer than 10000 characters'));
  });
});

describe('checkTemplate', () => {
  it.each([
    ['an unclosed output', 'Hi {{ code ', 'output "{{ code " not closed', 1, 4],
    ['an empty condition', 'Hello\n  {% if %}x{% endif %}', 'invalid value expression: ""', 2, 8],
    ['an unclosed tag', '{{code}}\n{% if code %}', 'tag {% if code %} not closed', 2, 1],
    ['an unknown tag', '{% unknowntag %}', 'tag "unknowntag" not found', 1, 1],
  ])('refuses a syntax error (%s) and says where', (_, source, message, line, column) => {
    expect(checkError(source)).toEqual({ message: `line ${line}, column ${column}: ${message}`, line, column });
  });

  it('refuses an unknown variable and lists the known ones', () => {
    expect(checkError('{{code}} for {{ tenant.name }}')).toEqual({
      message: `line 1, column 17: unknown variable \`tenant.name\`; ${KNOWN}`,
      line: 1,
      column: 17,
    });
  });

  it('refuses an unknown variable used only in a branch no sample message takes', () => {
    expect(checkError('{{code}}\n{% if locale == "fr" %}{{ tenant.nmae }}{% endif %}')).toEqual({
      message: `line 2, column 27: unknown variable \`tenant.nmae\`; ${KNOWN}`,
      line: 2,
      column: 27,
    });
  });

  it.each([
    ['a filter argument', '{{ code | append: tenant.id }}', 'tenant.id'],
    ['a for collection', '{% for c in tenant.codes %}{{c}}{% endfor %}', 'tenant.codes'],
    ['a case tag', '{% case user.locale %}{% when "ja" %}x{% endcase %}', 'user.locale'],
    ['a liquid tag', '{% liquid\necho user.name %}', 'user.name'],
    ['an unless tag', '{% unless custom_domain.domain %}x{% endunless %}', 'custom_domain.domain'],
    ['a whole object', '{{ tenant }}', 'tenant'],
    ['a computed key', '{{ tenant[message_type] }}', 'tenant[message_type]'],
    ['a variable read before it is assigned', '{{ x }}{% assign x = 1 %}', 'x'],
  ])('finds an unknown variable in %s', (_, source, variable) => {
    expect(checkError(source).message).toMatch(new RegExp(`^line \\d+, column \\d+: unknown variable \`${variable.replace(/[[\]]/g, '\\$&')}\`;`));
  });

  it('refuses an unknown filter', () => {
    expect(checkError('{{ code | upcase | shout }}')).toEqual({ message: 'line 1, column 1: unknown filter `shout`', line: 1, column: 1 });
  });

  it.each([
    ["{% include 'x' %}", 'include', 1, 1],
    ["a {% render 'x' %}", 'render', 1, 3],
    ["{% layout 'x' %}", 'layout', 1, 1],
    ["{% if code %}\n  {% include 'x' %}{% endif %}", 'include', 2, 3],
    ["{% liquid\n  render 'x' %}", 'render', 2, 3],
  ])('refuses %j', (source, tag, line, column) => {
    expect(checkError(source)).toEqual({
      message: `line ${line}, column ${column}: the ${tag} tag is not allowed: a message template cannot load other templates`,
      line,
      column,
    });
  });

  it('refuses a template over the length limit, and accepts one at it', () => {
    expect(MAX_TEMPLATE_LENGTH).toBe(2000);
    expect(checkError('x'.repeat(2001))).toEqual({ message: 'the template is 2001 characters long; the limit is 2000' });
    expect(() => checkTemplate('{{code}}' + 'x'.repeat(1992))).not.toThrow();
  });

  it('refuses a huge range by the memory limit at once', () => {
    const started = performance.now();
    expect(checkError('{% for i in (1..100000000) %}x{% endfor %}')).toEqual({
      message: 'line 1, column 1: the template builds too much text or too large a range (limit 1000000)',
      line: 1,
      column: 1,
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses a string that doubles itself by the memory limit', () => {
    expect(checkError('{% assign s = "xxxxxxxxxx" %}{% for i in (1..30) %}{% assign s = s | append: s %}{% endfor %}{{ s }}').message).toBe(
      'line 1, column 52: the template builds too much text or too large a range (limit 1000000)',
    );
  });

  it('refuses nested loops by the render time limit, when the template is saved', () => {
    const { message } = checkError(
      '{% for i in (1..1000) %}{% for j in (1..1000) %}{% for k in (1..1000) %}x{% endfor %}{% endfor %}{% endfor %}',
    );
    expect(message).toMatch(/^line 1, column \d+: the template takes longer than 100 ms to render$/);
  });

  it.each<[string, string, MessageChannel]>([
    ['assign and for variables', '{% assign n = code | size %}{% for d in (1..n) %}{{ forloop.index }}{% endfor %}', 'sms'],
    ['capture', '{% capture greeting %}Hi {{tenant.friendlyName}}{% endcapture %}{{ greeting }}', 'sms'],
    ['standard filters', '{{ tenant.friendly_name | upcase | default: "us" }} {{ code | slice: 0, 3 }}', 'sms'],
    ['size of a known variable', '{% if code.size == 6 %}six{% endif %}', 'sms'],
    ['comments and raw', '{% comment %}{{ anything }}{% endcomment %}{% raw %}{{ literal }}{% endraw %}', 'sms'],
  ])('accepts %s', (_, source) => {
    expect(() => checkTemplate(source)).not.toThrow();
  });

  it('the accepted templates render as expected', async () => {
    expect(await render('{% assign n = code | size %}{% for d in (1..n) %}{{ forloop.index }}{% endfor %}')).toBe('123456');
    expect(await render('{% capture greeting %}Hi {{tenant.friendlyName}}{% endcapture %}{{ greeting }}')).toBe('Hi Acme');
    expect(await render('{{ tenant.friendly_name | upcase | default: "us" }} {{ code | slice: 0, 3 }}')).toBe('ACME 123');
    expect(await render('{% if code.size == 6 %}six{% endif %}')).toBe('six');
    expect(await render('{% comment %}{{ anything }}{% endcomment %}{% raw %}{{ literal }}{% endraw %}')).toBe('{{ literal }}');
  });
});

describe('withOriginBoundCode (the WebOTP / autofill line)', () => {
  it('appends "@host #code" after a blank line', () => {
    expect(withOriginBoundCode('123456 is your code', 'login.example.com', '123456')).toBe('123456 is your code\n\n@login.example.com #123456');
  });

  it('leaves a text whose last line already is an origin-bound line alone', () => {
    expect(withOriginBoundCode('Code 1\n\n@a.example #1', 'b.example', '1')).toBe('Code 1\n\n@a.example #1');
    // an @ that is not at the start of the last line is no such line
    expect(withOriginBoundCode('mail me @ home #1', 'b.example', '1')).toBe('mail me @ home #1\n\n@b.example #1');
  });
});

import { describe, expect, it } from 'vitest';
import { translate } from '../../src/i18n/catalogue.js';
import { en } from '../../src/i18n/en.js';
import { ja } from '../../src/i18n/ja.js';
import { negotiateLocale, parseAcceptLanguage } from '../../src/i18n/negotiate.js';

describe('page message catalogue', () => {
  it('has the same keys and the same variables in ja as in en', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    const vars = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as Array<keyof typeof en>) expect(vars(ja[key]), key).toEqual(vars(en[key]));
  });

  it('fills variables', () => {
    expect(translate('ja', 'error.internal', { requestId: 'req-1' })).toBe('内部エラーが発生しました (リクエスト req-1)。');
  });
});

describe('locale negotiation', () => {
  const tenant = { defaultLocale: 'en' as const, supportedLocales: ['en' as const, 'ja' as const] };

  it('prefers ui_locales, then Accept-Language by q-value, then the tenant default', () => {
    expect(negotiateLocale(tenant, 'fr ja-JP', 'en')).toBe('ja');
    expect(negotiateLocale(tenant, undefined, 'de, en;q=0.4, ja;q=0.9')).toBe('ja');
    expect(negotiateLocale(tenant, 'de', 'fr')).toBe('en');
    expect(negotiateLocale({ defaultLocale: 'ja', supportedLocales: ['ja'] }, 'en', 'en')).toBe('ja');
  });

  it('drops q=0 and wildcards', () => {
    expect(parseAcceptLanguage('ja;q=0, *, en-GB')).toEqual(['en-GB']);
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callingCode, callingCountries, defaultCountryFor, nationalToE164 } from '../../src/domain/calling-codes.js';
import { contentSecurityPolicy } from '../../src/http/login/html.js';
import { contrastRatio, normalizeHexColor, readableOr, readableTextOn } from '../../src/http/login/views/contrast.js';
import { ENHANCE_SCRIPT } from '../../src/http/login/views/enhance.js';
import * as views from '../../src/http/login/views/index.js';
import { translate } from '../../src/i18n/catalogue.js';
import { en } from '../../src/i18n/en.js';
import { ja } from '../../src/i18n/ja.js';
import { BRANDING, SCREENS } from './login-views.screens.js';

const LOCALES = ['ja', 'en'] as const;

interface Element {
  tag: string;
  attrs: Record<string, string>;
  at: number;
}

/** The start tags of a page with their attributes (the views always write double-quoted attributes). */
function elements(html: string): Element[] {
  return [...html.matchAll(/<([a-z][a-z0-9]*)\b([^>]*)>/g)].map((m) => ({
    tag: m[1]!,
    at: m.index!,
    attrs: Object.fromEntries([...m[2]!.matchAll(/([a-z][a-z0-9-]*)(?:="([^"]*)")?/g)].map((a) => [a[1]!, a[2] ?? ''])),
  }));
}

const inlineBlocks = (html: string, tag: 'style' | 'script') => [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!);
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
const textOf = (html: string, id: string) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];

describe.each(LOCALES)('Universal Login screens (%s)', (locale) => {
  describe.each(SCREENS)('$name', (screen) => {
    const html = screen.render(locale);
    const tags = elements(html);

    it('has the page language, a title and exactly one h1', () => {
      expect(html).toMatch(new RegExp(`^<!doctype html>\\n<html lang="${locale}">`));
      expect(html).toMatch(/<title>[^<]+<\/title>/);
      expect(tags.filter((e) => e.tag === 'h1')).toHaveLength(1);
      expect(html.match(/<\/main>/g)).toHaveLength(1);
    });

    it('labels every visible control: by <label for> or by an enclosing <label>', () => {
      const controls = tags.filter((e) => (e.tag === 'input' && e.attrs.type !== 'hidden') || e.tag === 'select' || e.tag === 'textarea');
      for (const control of controls) {
        const id = control.attrs.id;
        const byFor = id !== undefined && tags.some((e) => e.tag === 'label' && e.attrs.for === id);
        const openLabel = html.lastIndexOf('<label', control.at);
        const enclosed = openLabel >= 0 && html.indexOf('</label>', openLabel) > control.at && !html.slice(openLabel, control.at).includes('</label>');
        expect(byFor || enclosed, `${control.tag} ${JSON.stringify(control.attrs)}`).toBe(true);
      }
      // ids are unique, so `for` and `aria-describedby` point at one element.
      const ids = tags.map((e) => e.attrs.id).filter(Boolean);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('posts every form with state, csrf and an action', () => {
      const forms = html.split('<form').slice(1).map((f) => f.slice(0, f.indexOf('</form>')));
      for (const form of forms) {
        expect(form).toMatch(/^ method="post" action="\/u\//);
        if (screen.name === 'login') continue; // the login form posts its transaction (its own contract)
        expect(form).toContain('<input type="hidden" name="state" value="sealed-state.token">');
        expect(form).toContain('<input type="hidden" name="csrf" value="csrf-token">');
        expect(form).toMatch(/name="action" value="[a-z:-]+"|name="type" value="(sms|voice)"/);
      }
      if (screen.name.startsWith('mfa-') && !['mfa-enroll-result', 'mfa-enroll-ticket-expired'].includes(screen.name)) {
        expect(forms.length).toBeGreaterThan(0);
        expect(html).toContain(`action="/u/${screen.name}"`);
      }
    });

    it('has every text in the page language', () => {
      // A Japanese page shows Japanese text; an English one none (no key left untranslated or missing).
      const visible = html.replace(/<style>[\s\S]*?<\/style>|<script>[\s\S]*?<\/script>|<option[\s\S]*?<\/option>|<[^>]+>/g, ' ');
      if (locale === 'ja') expect(visible).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      else expect(visible.replace(BRANDING.name, '')).not.toMatch(/[\u3040-\u30ff]/);
      expect(visible).not.toMatch(/\b(mfa|login|error)\.[a-z_.-]+\b/);
    });

    it('inlines only blocks the Content-Security-Policy allows by hash', () => {
      const csp = contentSecurityPolicy({ branding: BRANDING });
      const scripts = inlineBlocks(html, 'script');
      expect(scripts).toEqual(screen.enhance ? [ENHANCE_SCRIPT] : []);
      for (const script of scripts) expect(csp).toContain(`script-src ${sha256(script)}`);
      const styles = inlineBlocks(html, 'style');
      expect(styles).toHaveLength(2); // base + the tenant's theme
      for (const style of styles) expect(csp).toMatch(new RegExp(`style-src [^;]*${sha256(style).replace(/[+/]/g, '\\$&')}`));
      expect(csp).not.toContain('unsafe-inline');
      expect(tags.some((e) => Object.keys(e.attrs).some((a) => a.startsWith('on')) || 'style' in e.attrs)).toBe(false);
    });

    it('escapes hostile text in every model field', () => {
      const hostile = `"'><img src=x onerror=alert(1)></script><script>alert(2)</script>&amp;`;
      const page = screen.render(locale, { fill: hostile });
      expect(page).not.toContain('<img src=x');
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('&amp;"');
      expect(inlineBlocks(page, 'script')).toEqual(screen.enhance ? [ENHANCE_SCRIPT] : []);
      const found = elements(page);
      expect(found.some((e) => 'onerror' in e.attrs)).toBe(false);
      // A hostile logo URL is still a URL: escaped in the attribute and only its origin reaches the policy.
      const logo = found.find((e) => e.tag === 'img');
      if (logo) expect(logo.attrs.src).toMatch(/^https:\/\/cdn\.example\/%22/);
    });
  });

  it.each(['invalid-phone', 'phone-not-allowed', 'no-phone', 'invalid-phone-format'] as const)('ties the enrolment error %s to the phone input', (error) => {
    const html = views.mfaSmsEnrollmentPage({ locale, branding: BRANDING, state: 's', csrf: 'c', error });
    const input = elements(html).find((e) => e.attrs.id === 'phone')!;
    expect(input.attrs['aria-invalid']).toBe('true');
    expect(input.attrs['aria-describedby']!.split(' ')).toContain('phone-error');
    expect(html).toContain(`<p class="field-error" id="phone-error" role="alert">${translate(locale, `mfa.error.${error}`)}</p>`);
    expect(html).not.toContain('class="error"');
  });

  it.each(['invalid-code', 'invalid-otp-code-format', 'code-expired', 'no-code'] as const)('ties the challenge error %s to the code input', (error) => {
    const html = views.mfaSmsChallengePage({ locale, branding: BRANDING, state: 's', csrf: 'c', phoneNumber: '+819012345678', error });
    const input = elements(html).find((e) => e.attrs.id === 'code')!;
    expect(input.attrs['aria-invalid']).toBe('true');
    expect(input.attrs['aria-describedby']).toBe('code-error');
    expect(textOf(html, 'code-error')).toBe(translate(locale, `mfa.error.${error}`));
  });

  it('shows an error about no field at the top of the page, the inputs untouched', () => {
    const html = views.mfaSmsChallengePage({ locale, branding: BRANDING, state: 's', csrf: 'c', phoneNumber: '+819012345678', error: 'too-many-sms' });
    expect(html).toContain(`<p class="error" role="alert">${translate(locale, 'mfa.error.too-many-sms')}</p>`);
    expect(elements(html).find((e) => e.attrs.id === 'code')!.attrs['aria-invalid']).toBeUndefined();
  });

  it('renders the code input for one-time codes of the tenant length, and masks the number', () => {
    const html = views.mfaSmsChallengePage({ locale, branding: BRANDING, state: 's', csrf: 'c', phoneNumber: '+819012345678', otpLength: 8 });
    const input = elements(html).find((e) => e.attrs.id === 'code')!;
    expect(input.attrs).toMatchObject({ name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9]{8}', maxlength: '8', 'data-webotp': '' });
    expect(html).toContain('<p class="number">XXXXXXXX5678</p>');
    expect(html).not.toContain('9012345678');
    const voice = views.mfaVoiceChallengePage({ locale, branding: BRANDING, state: 's', csrf: 'c', phoneNumber: '+14155550100' });
    expect(elements(voice).find((e) => e.attrs.id === 'code')!.attrs['data-webotp']).toBeUndefined();
  });

  it('disables Resend with a countdown while the server would refuse it, and offers it otherwise', () => {
    const model = { locale, branding: BRANDING, state: 's', csrf: 'c', phoneNumber: '+819012345678' };
    const waiting = views.mfaSmsChallengePage({ ...model, resendAvailableInSeconds: 29.2 });
    const button = elements(waiting).find((e) => e.attrs.value === 'resend-code')!;
    expect(button.attrs).toMatchObject({ disabled: '', 'data-countdown': '30', 'aria-describedby': 'resend-wait' });
    expect(waiting).toContain('<span data-seconds>30</span>');
    const ready = views.mfaSmsChallengePage({ ...model, resendAvailableInSeconds: 0 });
    expect(elements(ready).find((e) => e.attrs.value === 'resend-code')!.attrs.disabled).toBeUndefined();
    expect(ready).not.toContain('resend-wait');
  });

  it('shows the optional challenge controls only when the model asks', () => {
    const model = { locale, branding: BRANDING, state: 's', csrf: 'c', phoneNumber: '+819012345678' };
    const bare = views.mfaSmsChallengePage(model);
    for (const absent of ['rememberBrowser', 'switch-to-voice', 'pick-authenticator']) expect(bare).not.toContain(absent);
    const full = views.mfaSmsChallengePage({ ...model, showRememberDevice: true, showLinkVoice: true, showTryAnotherMethod: true });
    expect(full).toContain('name="rememberBrowser" value="true"');
    expect(full).toContain('value="switch-to-voice"');
    expect(full).toContain('value="pick-authenticator"');
    expect(full).toContain(translate(locale, 'mfa.challenge.remember'));
    const voice = views.mfaVoiceChallengePage({ ...model, showLinkSms: true, showLinkVoice: true });
    expect(voice).toContain('value="switch-to-sms"');
    expect(voice).not.toContain('switch-to-voice');
  });

  it('offers the channel choice only on mfa-phone-enrollment', () => {
    const both = views.mfaPhoneEnrollmentPage({ locale, branding: BRANDING, state: 's', csrf: 'c', type: 'voice' });
    expect(both).toContain('<input type="radio" name="type" value="voice" checked>');
    expect(both).toContain(`<legend>${translate(locale, 'mfa.enroll.channel')}</legend>`);
    expect(views.mfaSmsEnrollmentPage({ locale, branding: BRANDING, state: 's', csrf: 'c' })).not.toContain('name="type"');
  });

  it('lists the allowed countries with localised names and calling codes, the locale country picked', () => {
    const html = views.mfaSmsEnrollmentPage({ locale, branding: BRANDING, state: 's', csrf: 'c', allowedCountries: ['us', 'JP', 'ZZ'] });
    const options = [...html.matchAll(/<option value="([A-Z]{2})" data-cc="(\d+)"( selected)?>([^<]+)<\/option>/g)];
    expect(options.map((o) => o[1]).sort()).toEqual(['JP', 'US']);
    const japan = options.find((o) => o[1] === 'JP')!;
    expect(japan[4]).toBe(locale === 'ja' ? '日本 (+81)' : 'Japan (+81)');
    expect(options.find((o) => o[3])![1]).toBe(locale === 'ja' ? 'JP' : 'US');
    const input = elements(html).find((e) => e.attrs.id === 'phone')!;
    expect(input.attrs).toMatchObject({ name: 'phone', type: 'tel', autocomplete: 'tel-national', 'data-phone-check': 'phone-check' });
    expect(html).toMatch(/<p class="hint live" id="phone-check" aria-live="polite" data-digits="[^"]+" data-length="[^"]+"><\/p>/);
  });

  it('shows the recovery code grouped by four and requires the confirmation', () => {
    const html = views.mfaRecoveryCodeEnrollmentPage({ locale, branding: BRANDING, state: 's', csrf: 'c', recoveryCode: 'K7Q2M9XDWP4R8T6YB3NC5HJF' });
    expect(html).toContain('<span>K7Q2</span><span>M9XD</span><span>WP4R</span><span>8T6Y</span><span>B3NC</span><span>5HJF</span>');
    expect(elements(html).find((e) => e.attrs.name === 'saved')!.attrs).toMatchObject({ type: 'checkbox', value: 'true', required: '' });
  });
});

describe('MFA error texts', () => {
  it.each(views.MFA_ERROR_KEYS)('%s has a Japanese and an English text', (key) => {
    const english = translate('en', `mfa.error.${key}`);
    const japanese = translate('ja', `mfa.error.${key}`);
    expect(english).toMatch(/^[A-Z].{10,}[.!]$/);
    expect(japanese).toMatch(/[\u3040-\u30ff].*。$/);
    expect(japanese).not.toBe(english);
  });

  it('covers every error key of the reference §8 and Guardline’s own', () => {
    const reference = ['send-sms-failed', 'send-voice-failed', 'sms-authenticator-error', 'voice-authenticator-error', 'invalid-phone-format', 'invalid-phone', 'too-many-sms', 'too-many-voice', 'too-many-failures', 'invalid-code', 'invalid-otp-code-format', 'transaction-not-found', 'no-phone', 'no-code'];
    const guardline = ['code-expired', 'invalid-recovery-code', 'phone-not-allowed', 'unavailable'];
    expect(views.MFA_ERROR_KEYS).toEqual(expect.arrayContaining([...reference, ...guardline]));
    const catalogued = Object.keys(en).filter((k) => k.startsWith('mfa.error.')).map((k) => k.slice('mfa.error.'.length));
    expect(catalogued.sort()).toEqual([...views.MFA_ERROR_KEYS].sort());
    expect(Object.keys(ja).filter((k) => k.startsWith('mfa.')).sort()).toEqual(Object.keys(en).filter((k) => k.startsWith('mfa.')).sort());
  });
});

describe('contrast of the brand colours', () => {
  it('computes WCAG ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2); // the classic lightest AA grey on white
    expect(contrastRatio('#1d4ed8', '#ffffff')).toBeGreaterThan(4.5);
  });

  it('picks black or white text that reaches AA on every colour', () => {
    let worst = 21;
    for (let r = 0; r < 256; r += 15)
      for (let g = 0; g < 256; g += 15)
        for (let b = 0; b < 256; b += 15) {
          const bg = `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
          worst = Math.min(worst, contrastRatio(bg, readableTextOn(bg)));
        }
    expect(worst).toBeGreaterThanOrEqual(4.5);
    expect(readableTextOn('#ffcc00')).toBe('#000000');
    expect(readableTextOn('#0b1f3a')).toBe('#ffffff');
    expect(readableTextOn('#635dff')).toBe('#ffffff'); // Auth0's default primary
  });

  it('keeps a brand colour for links only when it is readable on white', () => {
    expect(readableOr('#ffcc00', '#ffffff', '#1d4ed8')).toBe('#1d4ed8');
    expect(readableOr('#0b1f3a', '#ffffff', '#1d4ed8')).toBe('#0b1f3a');
  });

  it('accepts only hex colours, so a colour cannot inject CSS', () => {
    expect(normalizeHexColor('#ABC')).toBe('#aabbcc');
    expect(normalizeHexColor(' #0b1F3a ')).toBe('#0b1f3a');
    for (const bad of ['red', 'rgb(0,0,0)', '#12345', '#1234567', '#fff;}body{display:none', 'url(x)', undefined]) expect(normalizeHexColor(bad)).toBeUndefined();
    const html = views.mfaEnrollResultPage({ locale: 'en', branding: { name: 'x', primaryColor: '#fff;}body{display:none' } });
    expect(html).not.toContain('body{display:none');
    expect(inlineBlocks(html, 'style')).toHaveLength(1);
  });

  it('puts the computed text colour on the buttons', () => {
    const html = views.mfaEnrollResultPage({ locale: 'en', branding: BRANDING });
    expect(inlineBlocks(html, 'style')[1]).toBe(':root{--primary:#ffcc00;--on-primary:#000000;--link:#1d4ed8;--page:#0b1f3a;--on-page:#ffffff}');
  });
});

describe('Content-Security-Policy of a page', () => {
  it('allows the logo origin, the theme and the script by hash, and nothing inline', () => {
    const csp = contentSecurityPolicy({ formTargets: ['https://app.example'], branding: { ...BRANDING, logoUrl: 'https://cdn.example/logo.png?v=1' } });
    expect(csp).toContain("img-src 'self' https://cdn.example;");
    expect(csp).toContain("form-action 'self' https://app.example;");
    expect(csp).toContain(`script-src ${sha256(ENHANCE_SCRIPT)};`);
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[^']+' 'sha256-[^']+';/);
    expect(contentSecurityPolicy({ branding: { name: 'x', logoUrl: 'javascript:alert(1)' } })).toContain("img-src 'self';");
    expect(contentSecurityPolicy()).toMatch(/style-src 'sha256-[^']+';/);
  });
});

describe('calling codes', () => {
  it('knows the calling codes and names countries in the page language', () => {
    expect(callingCode('JP')).toBe('81');
    expect(callingCode('ZZ')).toBeUndefined();
    expect(callingCountries('ja', ['JP'])).toEqual([{ country: 'JP', callingCode: '81', name: '日本' }]);
    expect(callingCountries('en').length).toBeGreaterThan(200);
    expect(defaultCountryFor('ja')).toBe('JP');
    expect(defaultCountryFor('en-GB')).toBe('GB');
    expect(defaultCountryFor('en')).toBe('US');
  });

  it('turns a national number into E.164, with or without the trunk prefix', () => {
    expect(nationalToE164('JP', '090-1234-5678')).toBe('+819012345678');
    expect(nationalToE164('JP', '90 1234 5678')).toBe('+819012345678');
    expect(nationalToE164('US', '(415) 555-2671')).toBe('+14155552671');
    expect(nationalToE164('JP', '1234')).toBeUndefined();
    expect(nationalToE164('JP', '+819012345678')).toBeUndefined();
    expect(nationalToE164('ZZ', '9012345678')).toBeUndefined();
  });
});

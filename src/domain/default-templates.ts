import type { MessageChannel, MessagePurpose, TemplateLocale } from './message-templates.js';

/**
 * The templates a tenant gets until it stores its own. English SMS texts are byte-identical to Auth0's defaults
 * (reference §1.2, including the verification text's missing full stop). Auth0 does not publish a default voice
 * template, so the English voice texts follow its documented voice sample, which pauses before the code and repeats
 * it. The type makes a missing locale, purpose or channel a compile error.
 */
export const DEFAULT_TEMPLATES: Record<TemplateLocale, Record<MessagePurpose, Record<MessageChannel, string>>> = {
  en: {
    enrollment: {
      sms: '{{code}} is your verification code for {{tenant.friendly_name}}. Please enter this code to verify your enrollment.',
      voice:
        'Hello, you requested a verification code to enroll with {{tenant.friendly_name}}. Your code is: {{pause}}{{code}}. I repeat, your code is: {{pause}}{{code}}.',
    },
    verification: {
      sms: '{{code}} is your verification code for {{tenant.friendly_name}}',
      voice:
        'Hello, you requested a verification code to log in to {{tenant.friendly_name}}. Your code is: {{pause}}{{code}}. I repeat, your code is: {{pause}}{{code}}.',
    },
  },
  ja: {
    enrollment: {
      sms: '{{tenant.friendly_name}}の認証コードは{{code}}です。登録を完了するにはこのコードを入力してください。',
      voice:
        '{{tenant.friendly_name}}への登録の認証コードをお知らせします。コードは、{{pause}}{{code}}、です。繰り返します。コードは、{{pause}}{{code}}、です。',
    },
    verification: {
      sms: '{{tenant.friendly_name}}の認証コードは{{code}}です。',
      voice:
        '{{tenant.friendly_name}}へのログインの認証コードをお知らせします。コードは、{{pause}}{{code}}、です。繰り返します。コードは、{{pause}}{{code}}、です。',
    },
  },
};

export function defaultTemplate(purpose: MessagePurpose, channel: MessageChannel, locale: TemplateLocale): string {
  return DEFAULT_TEMPLATES[locale][purpose][channel];
}

import { checkCustomText, type CustomText } from '../domain/prompt-custom-text.js';
import { ValidationError } from '../errors/errors.js';
import type { ConfigCache } from './config-cache.js';
import type { ServiceDeps } from './context.js';
import type { Locale, Tenant } from './tenants.js';

/** Auth0's prompt custom text, per tenant, prompt and language (docs/login.md#custom-text). */
export function createPromptTexts({ store, clock }: ServiceDeps, { cache }: { cache: ConfigCache }) {
  return {
    async get(tenant: Tenant, prompt: string, language: Locale): Promise<CustomText> {
      const row = await store.promptCustomTexts.find(tenant.id, prompt, language);
      return row ? (JSON.parse(row.texts) as CustomText) : {};
    },

    /** Replaces the prompt's texts in one language, as Auth0's PUT does; `{}` removes them. */
    async set(tenant: Tenant, prompt: string, language: Locale, body: unknown): Promise<CustomText> {
      const checked = checkCustomText(body);
      if ('problem' in checked) throw new ValidationError(checked.problem);
      if (Object.keys(checked.texts).length === 0) await store.promptCustomTexts.remove(tenant.id, prompt, language);
      else await store.promptCustomTexts.put({ tenant_id: tenant.id, prompt, language, texts: JSON.stringify(checked.texts), updated_at: clock.now().toISOString() });
      return checked.texts;
    },

    /** Every prompt's texts in one language, `{prompt: {screen: {key: text}}}`: read by each login page, cached. */
    forLanguage(tenant: Tenant, language: Locale): Promise<Record<string, CustomText>> {
      return cache.read(tenant, `prompt-texts:${language}`, async () =>
        Object.fromEntries((await store.promptCustomTexts.listForLanguage(tenant.id, language)).map((r) => [r.prompt, JSON.parse(r.texts) as CustomText])),
      );
    },
  };
}

export type PromptTexts = ReturnType<typeof createPromptTexts>;

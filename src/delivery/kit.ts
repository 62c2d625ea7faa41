import type { Static, TObject } from '@sinclair/typebox';
import type { MessageChannel, MessagePurpose, TemplateLocale } from '../domain/message-templates.js';

/**
 * The provider kit: the seam every delivery provider stands on (issue 9). A provider is one module under
 * `src/delivery/providers/` exporting a `ProviderDefinition`; the registry (`src/delivery/registry.ts`) is the
 * only place that lists them. Providers only talk to their vendor: they never check limits, write events, read
 * the database or decide on failover — the delivery service does, from the outcome class they return.
 */

/** Words shown to people, in every language the product speaks. */
export interface Localised {
  en: string;
  ja: string;
}

/** One field of a provider's configuration, as a dashboard form draws it. */
export interface ProviderField {
  /** The property name in the config schema. */
  name: string;
  label: Localised;
  description?: Localised;
  /** Sealed at rest with the secret box, never returned in full, never logged. */
  secret: boolean;
  required: boolean;
}

/** Everything Auth0 hands a custom phone provider, so an Action can be one more provider (issue 11). */
export interface ProviderMessage {
  tenant: { id: string; friendlyName: string };
  user: { id: string; name: string };
  client: { id: string; name: string } | undefined;
  request: { ip: string | undefined; language: TemplateLocale; userAgent: string | undefined; hostname: string | undefined };
  purpose: MessagePurpose;
  channel: MessageChannel;
  /** E.164 destination. */
  to: string;
  /** The one-time code itself (a custom provider may render its own text). Never log it. */
  code: string;
  /** The rendered SMS text, or the rendered voice script (with `VOICE_PAUSE` markers) when `channel` is voice. */
  text: string;
  locale: TemplateLocale;
  /**
   * The same message rendered for another channel (a custom phone provider is given both the SMS text and the voice
   * script, Auth0's `as_text` / `as_voice`). Absent where there is only one text (a provider test message).
   */
  renderAs?: (channel: MessageChannel) => Promise<string>;
  /**
   * Where the provider should post delivery receipts for this message (the tenant's receipt endpoint), when the
   * delivery service has one for this provider; providers that support status callbacks pass it on.
   */
  statusCallbackUrl: string | undefined;
}

/** A vendor's own error, as the ledger and the `gd_send_*_failure` event's `details.provider_error` carry it. */
export interface ProviderError {
  /** The vendor's error code (Twilio's 21211, an HTTP status as text, …) or a Guardline code (`timeout`, `unreachable`). */
  errorCode: string;
  /** The vendor's message, for operators (never contains the code or a secret). */
  message: string;
  /** The HTTP status the vendor answered, when it answered. */
  httpStatus?: number;
  /** The action execution behind this outcome (the action providers: `GET /api/v2/actions/executions/{id}`). */
  actionExecutionId?: string;
}

/**
 * What a send came to, classified by what the caller should do:
 * - `delivered-to-provider`: the vendor accepted it (`messageId` is the vendor's id; receipts refer to it);
 * - `transient`: timeout, connection refused, 429, 5xx — try the next provider of the chain;
 * - `permanent`: invalid or unreachable number, unsubscribed, geo permission — do not fail over, tell the user;
 * - `misconfigured`: bad credentials, unknown sender — do not fail over, alert the operator.
 */
export type SendOutcome =
  | { kind: 'delivered-to-provider'; messageId: string; status?: DeliveryStatus }
  | { kind: 'transient' | 'permanent' | 'misconfigured'; error: ProviderError };

/** A message's life as vendors report it (the delivery ledger's status). */
export type DeliveryStatus = 'accepted' | 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';

/** What the delivery service hands a provider instance besides its configuration. */
export interface ProviderRuntime {
  /** The vendor's API base URL, from configuration (`GUARDLINE_<PROVIDER>_BASE_URL`), no trailing slash. */
  baseUrl: string;
  /** Injected so tests and the delivery service can wrap it; providers use nothing else for I/O. */
  fetch: typeof fetch;
}

/** A vendor's status callback, as the receipt endpoint received it. */
export interface ReceiptRequest {
  /** The full URL the vendor called (scheme, host, path and query), as signatures cover it. */
  url: string;
  headers: Record<string, string | undefined>;
  /** The parsed body: form fields or JSON. */
  body: Record<string, unknown>;
}

export type ReceiptResult =
  | { ok: true; messageId: string; status: DeliveryStatus; error?: ProviderError }
  | { ok: false; reason: 'unauthenticated' | 'malformed'; message: string };

export interface ProviderInstance {
  /** Sends one message. `signal` aborts at the send's time budget; an abort is a `transient` timeout. */
  send(message: ProviderMessage, options: { signal: AbortSignal }): Promise<SendOutcome>;
  /** Checks and reads a status callback (only providers with `receipts: true`). */
  parseReceipt?(request: ReceiptRequest): ReceiptResult;
}

export interface ProviderDefinition<Schema extends TObject = TObject> {
  /** Stable id, used in the API and the ledger (`twilio`, `vonage`, …). */
  id: string;
  displayName: Localised;
  channels: readonly MessageChannel[];
  /** TypeBox schema of the configuration: the Management API validates with this very schema. */
  configSchema: Schema;
  /** Dashboard metadata: one entry per property of `configSchema`, in display order. */
  fields: readonly ProviderField[];
  /** Default API base URL and the environment variable that overrides it. */
  defaultBaseUrl: string;
  baseUrlSetting: string;
  /** Whether the vendor posts delivery receipts that `parseReceipt` reads. */
  receipts: boolean;
  create(config: Static<Schema>, runtime: ProviderRuntime): ProviderInstance;
}

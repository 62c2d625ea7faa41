import aws4 from 'aws4';
import type { VettedModuleName } from '../types.js';
import { AWS_SDK_MODULE, CLIENT_SNS_MODULE } from './aws-sns.js';
import { AXIOS_MODULE } from './axios.js';
import { TWILIO_MODULE } from './twilio.js';

/**
 * The npm packages an action may `require`, as Guardline bundles them (docs/actions.md): small implementations of
 * the parts phone delivery uses, written against the sandbox's guarded `fetch`, so no package is installed at run
 * time and nothing in them can reach the host beyond what every action can.
 */
export const VETTED_MODULE_SOURCES: Readonly<Record<VettedModuleName, string>> = {
  twilio: TWILIO_MODULE,
  'aws-sdk': AWS_SDK_MODULE,
  '@aws-sdk/client-sns': CLIENT_SNS_MODULE,
  axios: AXIOS_MODULE,
};

/**
 * The host helpers the vetted modules call as `__guardline.<name>(...)`: pure, synchronous, strings in and out.
 * `baseUrl(name)` gives the operator's vendor base URL of the execution (set per run); `aws4Sign(request,
 * credentials)` signs an SNS request with Signature V4 and returns the headers to send (Host and Content-Length
 * left to fetch, which sends the same values).
 */
export function vettedModuleHelpers(): Record<string, (...args: string[]) => string> {
  return {
    aws4Sign(requestJson: string, credentialsJson: string): string {
      const request = JSON.parse(requestJson) as aws4.Request & { headers: Record<string, string> };
      const credentials = JSON.parse(credentialsJson) as aws4.Credentials;
      const signed = aws4.sign({ ...request, headers: { ...request.headers } }, credentials);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(signed.headers ?? {})) {
        if (/^(host|content-length)$/i.test(name) || value === undefined) continue;
        headers[name] = String(value);
      }
      return JSON.stringify(headers);
    },
  };
}

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Two validators, chosen by the part of the request:
 * - bodies are checked as sent: no type coercion and no silent removal of unknown fields, because Auth0's
 *   schemas (`additionalProperties: false`) answer 400 to both;
 * - query strings and path parameters arrive as text, so numbers and booleans there are coerced.
 */
function makeAjv(coerceTypes: boolean | 'array') {
  const ajv = new Ajv({ coerceTypes, removeAdditional: false, useDefaults: true, allErrors: false, strict: false });
  addFormats.default(ajv);
  return ajv;
}

const bodyAjv = makeAjv(false);
const queryAjv = makeAjv('array');

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : queryAjv;
  return ajv.compile(schema as object) as ValidateFunction;
};

/** One readable sentence for the first schema error, in the style of Auth0's "Payload validation error". */
export function describeValidationError(errors: ErrorObject[] | undefined): string {
  const first = errors?.[0];
  if (!first) return 'invalid input';
  const where = first.instancePath ? first.instancePath.slice(1).replace(/\//g, '.') : '';
  switch (first.keyword) {
    case 'additionalProperties':
      return `Additional properties not allowed: ${(first.params as { additionalProperty: string }).additionalProperty}`;
    case 'required':
      return `Missing required property: ${(first.params as { missingProperty: string }).missingProperty}`;
    case 'type':
      return `Expected type ${(first.params as { type: string }).type}${where ? ` on property ${where}` : ''}`;
    default:
      return `${where ? `${where}: ` : ''}${first.message ?? 'is invalid'}`;
  }
}

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyError, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { MAX_JSON_DEPTH, isNestedDeeperThan } from '../domain/json-shape.js';

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
/** Query strings, path parameters and form bodies: text that must be read as the declared types. */
const coercingAjv = makeAjv('array');

const formValidators = new WeakMap<object, ValidateFunction>();

/** A coercing validator for `schema` (compiled once per schema): turns form strings into the declared types. */
export function coercingValidator(schema: object): ValidateFunction {
  let validate = formValidators.get(schema);
  if (!validate) {
    validate = coercingAjv.compile(schema);
    formValidators.set(schema, validate);
  }
  return validate;
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : coercingAjv;
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
    case 'const': {
      // A union of literals fails once per literal, all at the same place: name every allowed value.
      const allowed = (errors ?? [])
        .filter((e) => e.keyword === 'const' && e.instancePath === first.instancePath)
        .map((e) => JSON.stringify((e.params as { allowedValue: unknown }).allowedValue));
      return `${where ? `${where}: ` : ''}must be one of ${allowed.join(', ')}`;
    }
    default:
      return `${where ? `${where}: ` : ''}${first.message ?? 'is invalid'}`;
  }
}

/** A validation error of one part of the request, thrown from a hook, that each surface renders as its own 400. */
export function partError(part: 'body' | 'params' | 'querystring' | 'headers', instancePath: string, keyword: string, message: string): Error {
  const error = new Error(message) as Error & Partial<FastifyError>;
  error.statusCode = 400;
  error.validation = [{ keyword, instancePath, schemaPath: '', params: {}, message }];
  error.validationContext = part;
  return error;
}

/**
 * Refuses a body nested deeper than MAX_JSON_DEPTH under any of its top-level fields, before any schema, hook or
 * service sees it: JSON.parse builds any depth a 64 KiB body can hold, but JSON.stringify, fast-json-stringify
 * and every recursive walk overflow the stack long before. The depth is measured iteratively, per top-level field,
 * so the message names the field and the same number that the field's own limits use. Form bodies are flat.
 */
export async function rejectDeepNesting(request: FastifyRequest): Promise<void> {
  const body = request.body;
  if (body === null || typeof body !== 'object') return;
  for (const [key, value] of Object.entries(body)) {
    if (isNestedDeeperThan(value, MAX_JSON_DEPTH)) {
      throw partError('body', `/${key}`, 'maxDepth', `must not be nested more than ${MAX_JSON_DEPTH} levels deep`);
    }
  }
}

/** Where a NUL character was found, as a JSON pointer, or undefined. */
function findNul(value: unknown, pointer = '', depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? pointer : undefined;
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${pointer}/${key}`;
    const found = findNul(inner, `${pointer}/${key}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * PostgreSQL cannot store the NUL character in text, and no identifier, name or password needs it: refuse it
 * at the edge as a validation error of the part it came in, so each surface answers in its own shape (400).
 */
export async function rejectNulCharacters(request: FastifyRequest): Promise<void> {
  const parts = [['params', request.params], ['querystring', request.query], ['body', request.body]] as const;
  for (const [part, value] of parts) {
    const at = findNul(value);
    if (at === undefined) continue;
    throw partError(part, at, 'nul', 'must not contain the NUL character');
  }
}

import { MAX_JSON_DEPTH, isNestedDeeperThan, measureJson } from './json-shape.js';

/**
 * Limits on a user's `user_metadata` and `app_metadata`. Auth0 documents 16 MB for both together and advises
 * 16 kB as the practical ceiling, forbids `.` and `$` in field names, and names no depth or key limit. Guardline
 * keeps both fields together within what one request may carry (its 64 KiB body limit), so whatever fits in a
 * create fits in storage and repeated merges cannot grow a profile without bound; depth and key count are bounded
 * so no walk over a profile (serialising, merging, scrubbing) can be made expensive.
 */
export const METADATA_LIMITS = {
  /** Nesting depth of each field, counted as in json-shape.ts (`{"a":{}}` is 2). */
  depth: MAX_JSON_DEPTH,
  /** Property names at every level of one field. */
  keys: 1000,
  /** `user_metadata` and `app_metadata` together, as stored (UTF-8 bytes of their JSON). */
  bytes: 64 * 1024,
} as const;

export type MetadataField = 'user_metadata' | 'app_metadata';

/** Field names Auth0 refuses (MongoDB's reserved characters). */
const forbiddenKey = (key: string) => key.includes('.') || key.includes('$');

/** Why `value` cannot be stored as `field`, or undefined when it can. Never recurses on the value. */
export function metadataProblem(field: MetadataField, value: Record<string, unknown>): string | undefined {
  if (isNestedDeeperThan(value, METADATA_LIMITS.depth)) return `${field}: must not be nested more than ${METADATA_LIMITS.depth} levels deep`;
  const shape = measureJson(value, forbiddenKey);
  if (shape.keys > METADATA_LIMITS.keys) return `${field}: must not have more than ${METADATA_LIMITS.keys} keys in all (has ${shape.keys})`;
  if (shape.badKey !== undefined) return `${field}: field names must not contain "." or "$" (${JSON.stringify(shape.badKey)})`;
  return undefined;
}

/** Why the stored pair would be too large, naming the fields this change touched; undefined when it fits. */
export function metadataSizeProblem(changed: MetadataField[], serialised: { user_metadata: string; app_metadata: string }): string | undefined {
  const bytes = Buffer.byteLength(serialised.user_metadata) + Buffer.byteLength(serialised.app_metadata);
  if (bytes <= METADATA_LIMITS.bytes) return undefined;
  return `${changed.join(', ')}: user_metadata and app_metadata together must not exceed ${METADATA_LIMITS.bytes} bytes of JSON (would be ${bytes})`;
}

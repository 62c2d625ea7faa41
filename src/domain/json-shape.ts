/**
 * Measures of parsed JSON taken without recursion, so a value nested thousands of levels deep (which a 64 KiB body
 * can be) costs one pass and never the call stack. Depth counts containers: `1` and `"x"` are 0, `{}` and `[]` are
 * 1, `{"a":{"b":[]}}` is 3.
 */

/** The deepest nesting that any caller-supplied JSON value may have, at the edge and in metadata. */
export const MAX_JSON_DEPTH = 32;

const isContainer = (value: unknown): value is object => value !== null && typeof value === 'object';

function children(container: object): unknown[] {
  return Array.isArray(container) ? container : Object.values(container);
}

/** True when `value` is nested deeper than `maxDepth`; stops at the first container past the limit. */
export function isNestedDeeperThan(value: unknown, maxDepth: number): boolean {
  if (!isContainer(value)) return false;
  // Two parallel stacks rather than one of pairs: this runs on every body, so it allocates as little as it can.
  const containers: object[] = [value];
  const depths: number[] = [1];
  while (containers.length > 0) {
    const container = containers.pop()!;
    const depth = depths.pop()!;
    if (depth > maxDepth) return true;
    const values = Array.isArray(container) ? (container as unknown[]) : Object.values(container);
    for (let i = 0; i < values.length; i++) {
      const child = values[i];
      if (isContainer(child)) {
        containers.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

export interface JsonShape {
  /** Nesting depth, as above. */
  depth: number;
  /** Object property names at every level (array elements are not keys). */
  keys: number;
  /** The first property name, at any level, for which `badKey` returned true. */
  badKey?: string;
}

/** Depth, key count and the first unacceptable key of `value`, in one pass (call it on depth-bounded values). */
export function measureJson(value: unknown, badKey: (key: string) => boolean = () => false): JsonShape {
  const shape: JsonShape = { depth: 0, keys: 0 };
  if (!isContainer(value)) return shape;
  const stack: Array<[object, number]> = [[value, 1]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [container, depth] = next;
    if (depth > shape.depth) shape.depth = depth;
    if (!Array.isArray(container)) {
      for (const key of Object.keys(container)) {
        shape.keys += 1;
        if (shape.badKey === undefined && badKey(key)) shape.badKey = key;
      }
    }
    for (const child of children(container)) if (isContainer(child)) stack.push([child, depth + 1]);
  }
  return shape;
}

import { ManagementError } from '../../../errors/errors.js';

/** One `field:value` or `field:(a OR b)` term of a search query. */
export interface QueryClause {
  field: string;
  values: string[];
}

/**
 * The subset of Auth0's Lucene query syntax Guardline understands: terms joined by `AND`, each
 * `field:value`, `field:"quoted value"` or `field:(a OR b)`. Anything else (wildcards, ranges, `OR` between
 * fields, `NOT`, implicit operators) is refused with 400 `invalid_query_string` rather than guessed at.
 * `allowed` maps each accepted field to whether it may take an `(a OR b)` group.
 *
 * Written by hand on purpose: a full Lucene parser (e.g. the `lucene` package) would accept far more than we
 * can execute, and walking its AST to refuse the rest would be longer than this strict recogniser.
 */
export function parseSearchQuery(q: string, allowed: Record<string, { multiple: boolean }>): QueryClause[] {
  const clauses: QueryClause[] = [];
  let i = 0;
  function fail(why: string): never {
    const fields = Object.keys(allowed).join(', ');
    throw new ManagementError('invalid_query_string', `Query validation error: ${why}. Supported: ${fields} (field:value, joined with AND).`);
  }
  const skipSpaces = () => {
    while (i < q.length && /\s/.test(q[i]!)) i++;
  };
  const keyword = (word: string): boolean => {
    if (q.startsWith(word, i) && (i + word.length === q.length || /[\s(]/.test(q[i + word.length]!))) {
      i += word.length;
      return true;
    }
    return false;
  };
  const value = (): string => {
    if (q[i] === '"') {
      let out = '';
      for (i++; i < q.length && q[i] !== '"'; i++) out += q[i] === '\\' ? q[++i] ?? '' : q[i];
      if (q[i] !== '"') fail('unterminated quoted value');
      i++;
      return out;
    }
    const match = /^[^\s()"]+/.exec(q.slice(i));
    if (!match) fail(`a value is expected at position ${i}`);
    if (/[*?~^[\]{}\\]/.test(match[0])) fail(`wildcards and special characters are not supported in "${match[0]}"`);
    i += match[0].length;
    return match[0];
  };

  skipSpaces();
  if (i === q.length) return clauses;
  for (;;) {
    const field = /^[A-Za-z_][A-Za-z0-9_.]*(?=:)/.exec(q.slice(i))?.[0];
    if (!field) fail(`a field:value term is expected at position ${i}`);
    const rule = allowed[field];
    if (!rule) fail(`the field "${field}" is not supported`);
    if (clauses.some((c) => c.field === field)) fail(`the field "${field}" appears twice`);
    i += field.length + 1;
    const values: string[] = [];
    if (q[i] === '(') {
      if (!rule.multiple) fail(`the field "${field}" takes a single value`);
      i++;
      for (;;) {
        skipSpaces();
        values.push(value());
        skipSpaces();
        if (q[i] === ')') break;
        if (!keyword('OR')) fail('values in parentheses must be joined with OR');
      }
      i++;
    } else {
      values.push(value());
    }
    clauses.push({ field, values });
    skipSpaces();
    if (i === q.length) return clauses;
    if (!keyword('AND')) fail('terms must be joined with AND');
    skipSpaces();
  }
}

/** The single value of `field`, if the query has it. */
export const clauseValue = (clauses: QueryClause[], field: string): string | undefined =>
  clauses.find((c) => c.field === field)?.values[0];

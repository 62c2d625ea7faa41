import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_PAGES } from '../../scripts/docs.js';
import { CONFIG_OPTIONS } from '../../src/config/schema.js';
import { LOG_TYPES } from '../../src/domain/log-types.js';
import { ERROR_CATALOGUE } from '../../src/errors/catalogue.js';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('generated reference pages', () => {
  it.each(Object.keys(GENERATED_PAGES))('%s is up to date (run `npm run docs`)', async (file) => {
    expect(read(file)).toBe(await GENERATED_PAGES[file]!());
  });

  it('documents every error code, and documents no code the catalogue lacks', () => {
    const documented = [...read('docs/errors.md').matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
  });

  it('documents every event type, and no other', () => {
    const documented = [...read('docs/events.md').matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(LOG_TYPES).sort());
  });

  it('documents every configuration variable in the README table too', () => {
    const readme = read('README.md');
    for (const option of CONFIG_OPTIONS) expect(readme).toContain(option.env);
  });
});

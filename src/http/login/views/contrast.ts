/**
 * WCAG 2.x contrast, so a tenant's brand colour can be used on buttons and links with readable text.
 * https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio — AA asks 4.5:1 for normal text.
 */
export const AA_NORMAL_TEXT = 4.5;

const HEX = /^#([0-9a-f]{6}|[0-9a-f]{3})$/i;

/** `#rrggbb` (lower case) for `#rgb`/`#rrggbb`, undefined for anything else (names, rgb(), url(…), hostile text). */
export function normalizeHexColor(value: string | undefined): string | undefined {
  const match = value === undefined ? null : HEX.exec(value.trim());
  if (!match) return undefined;
  const hex = match[1]!.toLowerCase();
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
}

/** Relative luminance of a `#rrggbb` colour (0 = black, 1 = white). */
export function relativeLuminance(hex: string): number {
  const channel = (offset: number) => {
    const c = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** The contrast ratio of two `#rrggbb` colours, from 1 (same) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/**
 * White or black text, whichever contrasts more with `background`. One of the two always reaches at least
 * 4.58:1, so any brand colour gets AA text; a near-black would not (it dips to ~4.3 on mid greys).
 */
export function readableTextOn(background: string): '#ffffff' | '#000000' {
  return contrastRatio(background, '#ffffff') >= contrastRatio(background, '#000000') ? '#ffffff' : '#000000';
}

/** `preferred` when it is readable as text on `background` (AA), else `fallback`. */
export function readableOr(preferred: string, background: string, fallback: string): string {
  return contrastRatio(preferred, background) >= AA_NORMAL_TEXT ? preferred : fallback;
}

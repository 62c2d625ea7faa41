import { createHash } from 'node:crypto';

/**
 * The pages' only stylesheet, inline and allowed by its hash (no external asset). Colours come from custom
 * properties with defaults, so a page whose theme block is missing still reads well. Borders of inputs are
 * #6b7280 (4.8:1 on white: WCAG's 3:1 for controls); every focusable element gets a visible outline.
 */
export const BASE_CSS = `*,*::before,*::after{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",sans-serif;background:var(--page,#f4f5f7);margin:0;color:#1d2430;line-height:1.5}
.brand{max-width:24rem;margin:2.5rem auto 0;padding:0 1rem;text-align:center;color:var(--on-page,#1d2430);font-weight:600;font-size:1.1rem}
.brand img{max-height:3.25rem;max-width:100%;vertical-align:middle}
main{max-width:24rem;margin:1rem auto 3rem;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
@media (max-width:26rem){.brand{margin-top:1rem}main{margin:.75rem .5rem 2rem;padding:1.25rem}}
h1{font-size:1.4rem;line-height:1.3;margin:0 0 .5rem}p{margin:.5rem 0}
label,legend{display:block;margin:1rem 0 .25rem;font-size:.9rem;font-weight:600;padding:0}
fieldset{border:0;margin:0;padding:0;min-width:0}
input,select{width:100%;padding:.6rem;border:1px solid #6b7280;border-radius:4px;font:inherit;font-size:1rem;background:#fff;color:inherit}
input[aria-invalid=true]{border:2px solid #b91c1c}
input.otp{font-size:1.4rem;letter-spacing:.3em;text-align:center;font-variant-numeric:tabular-nums}
button{font:inherit;cursor:pointer}
.primary{display:block;margin-top:1.5rem;width:100%;padding:.7rem;border:0;border-radius:4px;background:var(--primary,#1d4ed8);color:var(--on-primary,#fff);font-size:1rem}
.option{display:block;width:100%;margin-top:.75rem;padding:.8rem 1rem;border:1px solid #6b7280;border-radius:4px;background:#fff;color:inherit;text-align:start}
.option:hover{border-color:var(--link,#1d4ed8)}
.link{background:none;border:0;padding:.25rem 0;color:var(--link,#1d4ed8);text-decoration:underline;font-size:.95rem;text-align:start}
.link:disabled{color:#4b5563;text-decoration:none;cursor:default}
:focus-visible{outline:3px solid var(--link,#1d4ed8);outline-offset:2px}
.error{background:#fde8e8;color:#9b1c1c;padding:.6rem;border-radius:4px}
.field-error{color:#9b1c1c;font-size:.9rem;margin:.3rem 0 0}
.hint{color:#4b5563;font-size:.9rem;margin:.3rem 0 0}.hint:empty{display:none}
.hint.live,.hint.live:empty{display:block;min-height:2.6em}
.check,.radio{display:flex;gap:.5rem;align-items:flex-start;margin:.75rem 0 0;font-weight:400;font-size:1rem}
.check input,.radio input{width:auto;flex:none;margin:.3rem 0 0;accent-color:var(--primary,#1d4ed8)}
.actions{margin-top:1.5rem;padding-top:1rem;border-top:1px solid #e5e7eb}
.actions form{margin:.25rem 0}
.number{font-weight:600;direction:ltr;unicode-bidi:embed;font-variant-numeric:tabular-nums}
.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:1.3rem;background:#f3f4f6;padding:1rem .5rem;border-radius:6px;text-align:center;overflow-wrap:anywhere;margin:1rem 0}
.code span{display:inline-block;margin:0 .3rem}`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The CSP source of an inline block: `'sha256-…'` of its exact text. */
export const cspHash = hash;
export const BASE_CSS_HASH = hash(BASE_CSS);

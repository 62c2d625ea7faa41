/**
 * What an action prints or throws, made safe to keep: every `redact` string (the code, secret values) replaced, and
 * phone numbers — runs of 8 to 15 digits, with an optional `+` and the separators people type — masked to their
 * last four digits, as everywhere else in Guardline.
 */
const PHONE_LIKE = /\+?\d(?:[\s().-]?\d){7,14}/g;

export function redactOutput(text: string, redact: readonly string[]): string {
  let out = text;
  for (const secret of [...redact].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) out = out.split(secret).join('******');
  return out.replace(PHONE_LIKE, (match) => {
    const digits = match.replace(/\D/g, '');
    return `${match.startsWith('+') ? '+' : ''}${'X'.repeat(digits.length - 4)}${digits.slice(-4)}`;
  });
}

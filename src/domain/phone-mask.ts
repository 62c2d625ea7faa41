/**
 * Masks a phone number for logs and pages the way Auth0 shows it: every digit but the last four becomes X
 * (`+15551238730` → `XXXXXXX8730`). Non-digits are dropped so formatting never leaks extra digits.
 */
export function maskPhoneNumber(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return 'X'.repeat(digits.length);
  return 'X'.repeat(digits.length - 4) + digits.slice(-4);
}

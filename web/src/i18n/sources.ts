/**
 * Acquisition and order sources are codes (`tmall`, `store`) so feeds can send them; people
 * read the business's word for them. Codes a business invents are shown as they are.
 */
export function sourceLabel(
  t: (key: string, opts?: Record<string, unknown>) => string,
  code: string | null | undefined,
): string {
  return code ? t(`sources.${code}`, { defaultValue: code }) : '—';
}

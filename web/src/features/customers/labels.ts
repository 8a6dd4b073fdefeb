import i18n from 'i18next';
import type { Gender } from './api';

export const genders: Gender[] = ['female', 'male', 'unknown'];

/** Countries offered first; names come from the browser in the reader's language. */
const countries = ['CN', 'HK', 'MO', 'TW', 'SG', 'MY', 'JP', 'KR', 'US', 'GB', 'AU', 'CA', 'DE', 'FR'];

export function countryName(code: string, language = i18n.language): string {
  try {
    return new Intl.DisplayNames([language], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function countryOptions(language = i18n.language) {
  return countries.map((c) => ({ value: c, label: countryName(c, language) }));
}

/** "广东省 深圳市 南山区", or null when none is set. */
export function regionText(c: { province: string | null; city: string | null; district?: string | null }) {
  const parts = [c.province, c.city !== c.province ? c.city : null, c.district].filter(Boolean);
  return parts.length ? parts.join(' ') : null;
}

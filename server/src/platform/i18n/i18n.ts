import i18next, { type TFunction } from 'i18next';
import en from './locales/en.json' with { type: 'json' };
import zhCN from './locales/zh-CN.json' with { type: 'json' };

export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'zh-CN';

const instance = i18next.createInstance();
void instance.init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: defaultLocale,
  fallbackLng: false,
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
});

type Catalogue = Record<string, unknown>;
/** Every message catalogue registered so far, for tests that check both languages agree. */
export const catalogues: Record<Locale, Catalogue[]> = { 'zh-CN': [zhCN], en: [en] };

/**
 * Modules keep their messages beside their code (`<module>.messages.ts`) and register them here
 * when loaded; keys merge deeply into the one `translation` namespace (`errors.STAFF_…`).
 */
export function registerMessages(messages: Record<Locale, Catalogue>): void {
  for (const locale of locales) {
    instance.addResourceBundle(locale, 'translation', messages[locale], true, true);
    catalogues[locale].push(messages[locale]);
  }
}

export function translator(locale: Locale): TFunction {
  return instance.getFixedT(locale);
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/** Picks zh-CN or en from an Accept-Language header; Chinese is the default for everyone else. */
export function localeFromHeader(header: string | undefined): Locale {
  if (!header) return defaultLocale;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.find((p) => p.trim().startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((x) => x.tag && !Number.isNaN(x.q))
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return ranked.length ? 'en' : defaultLocale;
}

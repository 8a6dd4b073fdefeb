import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import en from './en.json';
import zhCN from './zh-CN.json';
import { setApiLanguage } from '../api/client';

export const languages = ['zh-CN', 'en'] as const;
export type Language = (typeof languages)[number];

const storageKey = 'kehu.language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/** zh* browsers get Chinese, everyone else English; a choice made on this device wins. */
export function detectLanguage(): Language {
  const saved = window.localStorage.getItem(storageKey);
  if (isLanguage(saved)) return saved;
  const browser = navigator.languages?.[0] ?? navigator.language ?? '';
  return browser.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function applyLanguage(language: Language) {
  setApiLanguage(language);
  dayjs.locale(language === 'zh-CN' ? 'zh-cn' : 'en');
  document.documentElement.lang = language;
}

export function initI18n() {
  const language = detectLanguage();
  applyLanguage(language);
  void i18n.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng: language,
    fallbackLng: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18n;
}

export async function changeLanguage(language: Language) {
  window.localStorage.setItem(storageKey, language);
  applyLanguage(language);
  await i18n.changeLanguage(language);
}

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'zh-CN';
}

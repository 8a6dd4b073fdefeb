import i18n from 'i18next';
import type { FieldAttribute, FormBody, FormConsent, FormField, Localized } from './api';

/** A text in both languages from one i18n key (the builder's defaults, whatever the reader's language). */
export function bothLanguages(key: string, options?: Record<string, unknown>): Localized {
  return {
    'zh-CN': i18n.getFixedT('zh-CN')(key, options),
    en: i18n.getFixedT('en')(key, options),
  };
}

/** A new field with labels in both languages: the profile field's name, or the attribute's label. */
export function newField(key: string, attributes: FieldAttribute[]): FormField {
  if (key.startsWith('attributes.')) {
    const def = attributes.find((a) => `attributes.${a.key}` === key);
    const label = def?.label ?? key;
    return { key, label: { 'zh-CN': label, en: label }, required: def?.isRequired ?? false };
  }
  return { key, label: bothLanguages(`forms.profileFields.${key}`), required: key === 'mobile' || key === 'name' };
}

/** A consent checkbox with a ready sentence for its purpose and channel (the business adapts it). */
export function newConsent(existing: FormConsent[], preset: 'marketing' | 'privacy'): FormConsent {
  let n = existing.length + 1;
  while (existing.some((c) => c.id === `c${n}`)) n++;
  if (preset === 'privacy') {
    return {
      id: `c${n}`,
      purpose: 'privacy_policy',
      channel: 'any',
      label: bothLanguages('forms.presets.privacyLabel'),
      policyText: bothLanguages('forms.presets.privacyText'),
      policyVersion: null,
      required: true,
    };
  }
  return {
    id: `c${n}`,
    purpose: 'marketing',
    channel: 'email',
    label: bothLanguages('forms.presets.marketingLabel'),
    policyText: bothLanguages('forms.presets.marketingText'),
    policyVersion: null,
    required: false,
  };
}

/**
 * What a new form starts with: name and mobile asked for, the privacy policy to accept, the
 * page in the builder's own language.
 */
export function newFormBody(language: string): FormBody {
  return {
    name: i18n.getFixedT(language)('forms.newName'),
    language: language === 'en' ? 'en' : 'zh-CN',
    doubleOptIn: false,
    tags: [],
    title: bothLanguages('forms.newName'),
    description: { 'zh-CN': '', en: '' },
    submitLabel: bothLanguages('forms.presets.submit'),
    successMessage: bothLanguages('forms.presets.success'),
    fields: [newField('name', []), newField('mobile', []), { ...newField('email', []), required: false }],
    consents: [newConsent([], 'privacy')],
  };
}

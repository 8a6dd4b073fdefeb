import { z } from 'zod';
import { consentChannels, consentPurposes } from '../customers/index.ts';

/**
 * What a form is made of, as the builder edits it and the public page renders it. One schema
 * for the API (request and response) and for reading the stored definition back.
 */

export const formLocales = ['zh-CN', 'en'] as const;
export type FormLocale = (typeof formLocales)[number];

const text = (max: number) => z.string().trim().max(max);
/** A text in both languages; the page shows the form's language and falls back to the other. */
export const Localized = (max: number) => z.strictObject({ 'zh-CN': text(max), en: text(max) });
export type Localized = { 'zh-CN': string; en: string };

/**
 * Profile fields a form may ask for. `region` is province and city together (two selects);
 * custom attributes are `attributes.<key>`.
 */
export const profileFieldKeys = [
  'name',
  'mobile',
  'email',
  'gender',
  'birthday',
  'region',
  'address',
  'occupation',
  'education',
  'incomeBand',
] as const;
export type ProfileFieldKey = (typeof profileFieldKeys)[number];

const fieldKeyPattern =
  /^(name|mobile|email|gender|birthday|region|address|occupation|education|incomeBand)$|^attributes\.[a-z][a-z0-9_]{0,39}$/;
export const FieldKey = z
  .string()
  .max(60)
  .refine((v) => fieldKeyPattern.test(v), 'invalid_form_field_key');

export const FormField = z.strictObject({
  key: FieldKey,
  label: Localized(200),
  required: z.boolean(),
  /** Hint shown inside an empty input. */
  placeholder: Localized(200).optional(),
});
export type FormField = z.infer<typeof FormField>;

/** A consent checkbox: what it is for, the words beside it, and the policy those words refer to. */
export const FormConsent = z.strictObject({
  /** Stable within the form: the checkbox's name (`consent.<id>`). */
  id: z
    .string()
    .max(20)
    .refine((v) => /^[a-z0-9_-]{1,20}$/.test(v), 'invalid_consent_id'),
  purpose: z.enum(consentPurposes),
  channel: z.enum(consentChannels),
  label: Localized(500),
  policyText: Localized(5000),
  policyVersion: text(50).nullable().optional(),
  required: z.boolean(),
});
export type FormConsent = z.infer<typeof FormConsent>;

export const FormDefinition = z.strictObject({
  title: Localized(200),
  description: Localized(2000),
  fields: z.array(FormField).min(1).max(30),
  consents: z.array(FormConsent).max(10),
  submitLabel: Localized(50),
  successMessage: Localized(2000),
});
export type FormDefinition = z.infer<typeof FormDefinition>;

/** The text in `locale`, else in the other language. */
export function pick(text: Localized | undefined, locale: FormLocale): string {
  if (!text) return '';
  return text[locale] || text[locale === 'en' ? 'zh-CN' : 'en'] || '';
}

/** Consents a double opt-in email confirms: the ones that reach the customer by email. */
export const confirmsByEmail = (consent: Pick<FormConsent, 'channel'>): boolean =>
  consent.channel === 'email' || consent.channel === 'any';

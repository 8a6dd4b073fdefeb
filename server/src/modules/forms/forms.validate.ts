import type { AttributeDefinitionRef, RegionNode } from '../customers/index.ts';
import { pick, type FormConsent, type FormDefinition, type FormLocale } from './forms.definition.ts';
import type { AnswerProblem } from './forms.errors.ts';

/**
 * Checks what a person typed into a form before anything is written: required answers, the
 * shape of each answer, the consent boxes. Identity formats (a mobile that is not a mobile)
 * are checked again, authoritatively, by the customers module when the customer is written.
 */

/** A submission as it arrives, from the HTML page or the JSON API. */
export type RawSubmission = {
  /** Answers by field key; region as `province` and `city`; custom attributes as `attributes.<key>`. */
  fields: Record<string, unknown>;
  /** Ids of the consent boxes ticked. */
  consents: string[];
};

/** Profile fields the customers module takes (a subset of its CustomerPatch). */
export type CollectedProfile = {
  name?: string;
  mobile?: string;
  email?: string;
  gender?: 'female' | 'male' | 'unknown';
  birthday?: string;
  province?: string;
  city?: string;
  address?: string;
  occupation?: string;
  education?: string;
  incomeBand?: string;
  attributes?: Record<string, unknown>;
};

export type ValidSubmission = {
  profile: CollectedProfile;
  /** What was answered, by field key, for the submissions list (region as "province city"). */
  answers: Record<string, string | string[]>;
  consents: FormConsent[];
};

const maxLength: Record<string, number> = { name: 100, address: 200, email: 254, mobile: 30 };
const defaultMaxLength = 100;
const attributeTextMax = 500;
const genders = new Set(['female', 'male', 'unknown']);
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
// the customers module decides what a mobile is; this only catches what cannot be one
const MOBILE_CHARS = /^\+?[\d\s\-()]{5,25}$/;

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** One answer as a trimmed string (the first, when several were sent for a single field). */
function single(raw: unknown): string {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (typeof v === 'string') return v.normalize('NFC').trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}

function many(raw: unknown): string[] {
  const values = Array.isArray(raw) ? raw : raw === undefined || raw === null || raw === '' ? [] : [raw];
  return [...new Set(values.map(single).filter(Boolean))];
}

export function validateSubmission(
  definition: FormDefinition,
  attributeDefs: readonly AttributeDefinitionRef[],
  regions: readonly RegionNode[],
  raw: RawSubmission,
  locale: FormLocale,
): { ok: ValidSubmission } | { problems: AnswerProblem[] } {
  const problems: AnswerProblem[] = [];
  const profile: CollectedProfile = {};
  const attributes: Record<string, unknown> = {};
  const answers: Record<string, string | string[]> = {};
  const defs = new Map(attributeDefs.map((d) => [d.key, d]));

  for (const field of definition.fields) {
    const label = pick(field.label, locale);
    const problem = (code: string, params: Record<string, string | number> = {}) =>
      problems.push({ field: field.key, code, params: { label, ...params } });

    if (field.key === 'region') {
      const province = single(raw.fields.province);
      const city = single(raw.fields.city);
      if (!province) {
        if (field.required || city) problem('FORM_FIELD_REQUIRED');
        continue;
      }
      const node = regions.find((p) => p.name === province);
      const cityOk = !city || !!node?.children?.some((c) => c.name === city);
      if (!node || !cityOk) {
        problem('FORM_FIELD_INVALID');
        continue;
      }
      if (field.required && !city && node.children?.length) {
        problem('FORM_FIELD_REQUIRED');
        continue;
      }
      profile.province = province;
      if (city) profile.city = city;
      answers.region = city ? `${province} ${city}` : province;
      continue;
    }

    if (field.key.startsWith('attributes.')) {
      const key = field.key.slice('attributes.'.length);
      const def = defs.get(key);
      if (!def) continue; // deleted since the form was saved: nothing to store it in
      const values = def.type === 'multi_choice' ? many(raw.fields[field.key]) : [single(raw.fields[field.key])];
      const given = values.filter(Boolean);
      if (given.length === 0) {
        if (field.required) problem('FORM_FIELD_REQUIRED');
        continue;
      }
      const choices = new Set(def.options.map((o) => o.value));
      const value = given[0];
      const ok =
        def.type === 'choice' || def.type === 'multi_choice'
          ? given.every((v) => choices.has(v))
          : def.type === 'number'
            ? Number.isFinite(Number(value)) && Math.abs(Number(value)) <= 1e15
            : def.type === 'date'
              ? isCalendarDate(value)
              : value.length <= attributeTextMax;
      if (!ok) {
        if (def.type === 'text') problem('FORM_FIELD_TOO_LONG', { max: attributeTextMax });
        else problem('FORM_FIELD_INVALID');
        continue;
      }
      attributes[key] = def.type === 'multi_choice' ? given : def.type === 'number' ? Number(value) : value;
      answers[field.key] = def.type === 'multi_choice' ? given : value;
      continue;
    }

    const value = single(raw.fields[field.key]);
    if (!value) {
      if (field.required) problem('FORM_FIELD_REQUIRED');
      continue;
    }
    const max = maxLength[field.key] ?? defaultMaxLength;
    if (value.length > max) {
      problem('FORM_FIELD_TOO_LONG', { max });
      continue;
    }
    switch (field.key) {
      case 'email':
        if (!EMAIL.test(value.toLowerCase())) problems.push({ field: 'email', code: 'CUSTOMER_INVALID_EMAIL' });
        break;
      case 'mobile':
        if (!MOBILE_CHARS.test(value)) problems.push({ field: 'mobile', code: 'CUSTOMER_INVALID_MOBILE' });
        break;
      case 'gender':
        if (!genders.has(value)) problem('FORM_FIELD_INVALID');
        break;
      case 'birthday':
        if (!isCalendarDate(value)) problem('FORM_FIELD_INVALID');
        break;
      default:
        break;
    }
    (profile as Record<string, unknown>)[field.key] = value;
    answers[field.key] = value;
  }

  const asksFor = (key: string) => definition.fields.some((f) => f.key === key);
  if (!profile.mobile && !profile.email && !problems.some((p) => p.field === 'mobile' || p.field === 'email')) {
    const field = asksFor('mobile') ? 'mobile' : 'email';
    problems.push({ field, code: 'FORM_IDENTIFIER_REQUIRED' });
  }

  const ticked = new Set(raw.consents);
  const consents: FormConsent[] = [];
  for (const consent of definition.consents) {
    if (ticked.has(consent.id)) consents.push(consent);
    else if (consent.required) problems.push({ field: `consent.${consent.id}`, code: 'FORM_CONSENT_REQUIRED' });
  }

  if (problems.length) return { problems };
  if (Object.keys(attributes).length) profile.attributes = attributes;
  return { ok: { profile, answers, consents } };
}

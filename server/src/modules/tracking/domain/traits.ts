import type { CollectedCustomer } from '../../customers/index.ts';

/**
 * identify traits → profile fields. The mapping is an ordered list of rules; the first rule
 * that yields a value for a field wins, so `name` before `firstName+lastName` means a full name
 * is preferred to one assembled from parts.
 */

export type Profile = CollectedCustomer['profile'];

/** The profile fields a trait may fill (identifiers included; the collector matches on them). */
export const mappableFields = [
  'name',
  'email',
  'mobile',
  'gender',
  'birthday',
  'address',
  'country',
  'province',
  'city',
  'district',
  'occupation',
  'incomeBand',
  'education',
  'wechatOpenId',
  'wechatUnionId',
] as const;
export type MappableField = (typeof mappableFields)[number];

/** `field` is a profile field or `attributes.<key>` (a custom attribute). */
export type TraitRule = { trait: string; field: string };

export const TRAIT_PATTERN = /^[A-Za-z_$][\w$-]{0,99}(\.[A-Za-z_$][\w$-]{0,99}){0,3}(\+[A-Za-z_$][\w$-]{0,99})?$/;
export const ATTRIBUTE_FIELD = /^attributes\.[a-z][a-z0-9_]{0,39}$/;

export const isMappableField = (f: string) =>
  (mappableFields as readonly string[]).includes(f) || ATTRIBUTE_FIELD.test(f);

/** Segment's reserved traits, mapped the way most people would expect. */
export const defaultTraitMapping: TraitRule[] = [
  { trait: 'name', field: 'name' },
  { trait: 'firstName+lastName', field: 'name' },
  { trait: 'email', field: 'email' },
  { trait: 'phone', field: 'mobile' },
  { trait: 'mobile', field: 'mobile' },
  { trait: 'gender', field: 'gender' },
  { trait: 'birthday', field: 'birthday' },
  { trait: 'address', field: 'address' },
  { trait: 'address.state', field: 'province' },
  { trait: 'province', field: 'province' },
  { trait: 'address.city', field: 'city' },
  { trait: 'city', field: 'city' },
  { trait: 'district', field: 'district' },
  { trait: 'address.country', field: 'country' },
  { trait: 'country', field: 'country' },
  { trait: 'title', field: 'occupation' },
];

/** Profile fields that hold direct identifiers: stored events keep them masked, never in clear. */
export const identifierFields = new Set(['email', 'mobile', 'wechatOpenId', 'wechatUnionId', 'address']);

function at(traits: Record<string, unknown>, path: string): unknown {
  let v: unknown = traits;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

const scalar = (v: unknown): string | null => {
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
};

const CJK = /[\u3400-\u9fff]/;

/** `firstName` + `lastName`: 林 + 小雨 reads 林小雨 in Chinese, "Ada Lovelace" in Latin script. */
function joinName(first: string | null, last: string | null): string | null {
  if (!first && !last) return null;
  if (!first || !last) return first ?? last;
  return CJK.test(first + last) ? `${last}${first}` : `${first} ${last}`;
}

const genders: Record<string, 'female' | 'male'> = {
  female: 'female',
  f: 'female',
  woman: 'female',
  w: 'female',
  女: 'female',
  女性: 'female',
  male: 'male',
  m: 'male',
  man: 'male',
  男: 'male',
  男性: 'male',
};

/** A trait's value as the field takes it; null leaves the field alone. */
function valueFor(field: string, raw: unknown): unknown {
  switch (field) {
    case 'gender': {
      const s = scalar(raw)?.toLowerCase();
      return s ? (genders[s] ?? null) : null;
    }
    case 'birthday': {
      const s = raw instanceof Date ? raw.toISOString() : scalar(raw);
      // ISO dates and date-times alike: the calendar day as written
      return s && /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : s;
    }
    case 'address': {
      if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
        const a = raw as Record<string, unknown>;
        return scalar(a.street) ?? scalar(a.line1) ?? null;
      }
      return scalar(raw);
    }
    default: {
      if (field.startsWith('attributes.')) {
        if (Array.isArray(raw)) return raw.every((x) => typeof x === 'string') ? raw : null;
        return typeof raw === 'number' && Number.isFinite(raw) ? raw : scalar(raw);
      }
      return scalar(raw);
    }
  }
}

/** The profile an identify call's traits describe under the mapping. */
export function mapTraits(traits: Record<string, unknown>, mapping: readonly TraitRule[]): Profile {
  const profile: Record<string, unknown> = {};
  const attributes: Record<string, unknown> = {};
  for (const rule of mapping) {
    const taken = rule.field.startsWith('attributes.')
      ? attributes[rule.field.slice('attributes.'.length)] !== undefined
      : profile[rule.field] !== undefined;
    if (taken) continue;
    let value: unknown;
    if (rule.trait.includes('+')) {
      const [a, b] = rule.trait.split('+');
      value = joinName(scalar(at(traits, a)), scalar(at(traits, b)));
    } else {
      value = valueFor(rule.field, at(traits, rule.trait));
    }
    if (value === null || value === undefined) continue;
    if (rule.field.startsWith('attributes.')) attributes[rule.field.slice('attributes.'.length)] = value;
    else profile[rule.field] = value;
  }
  if (typeof profile.country === 'string') {
    // the profile takes ISO 3166 two-letter codes; a country name is left out rather than refused
    profile.country = /^[A-Za-z]{2}$/.test(profile.country) ? profile.country.toUpperCase() : undefined;
    if (profile.country === undefined) delete profile.country;
  }
  if (Object.keys(attributes).length) profile.attributes = attributes;
  return profile as Profile;
}

/**
 * Traits as the events table keeps them: values that went to identifier fields are masked, so
 * the plain events table never holds what the profile keeps encrypted.
 */
export function maskedTraits(traits: Record<string, unknown>, mapping: readonly TraitRule[]): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(traits);
  for (const rule of mapping) {
    if (!identifierFields.has(rule.field)) continue;
    for (const path of rule.trait.split('+')) {
      const parts = path.split('.');
      let holder: unknown = out;
      for (const p of parts.slice(0, -1)) {
        holder = typeof holder === 'object' && holder !== null ? (holder as Record<string, unknown>)[p] : undefined;
      }
      const last = parts[parts.length - 1];
      if (typeof holder !== 'object' || holder === null || Array.isArray(holder)) continue;
      const h = holder as Record<string, unknown>;
      const v = h[last];
      if (v === undefined || v === null) continue;
      if (typeof v === 'object' && rule.field === 'address') {
        const a = v as Record<string, unknown>;
        if (typeof a.street === 'string') a.street = mask(a.street);
        if (typeof a.line1 === 'string') a.line1 = mask(a.line1);
      } else if (typeof v === 'string' || typeof v === 'number') {
        h[last] = mask(String(v));
      }
    }
  }
  return out;
}

function mask(s: string): string {
  if (s.includes('@')) {
    const at = s.lastIndexOf('@');
    return `${s.slice(0, 1)}***${s.slice(at)}`;
  }
  const digits = s.replace(/\D/g, '');
  if (digits.length >= 7 && digits.length === s.replace(/[\s+()-]/g, '').length) {
    return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  }
  return s.length <= 2 ? '**' : `${s.slice(0, 1)}****`;
}

import { DomainError } from '../../platform/http/errors.ts';
import type { CustomerColumns, CustomerRow } from './customers.repository.ts';
import type { IdentityField } from './identities.ts';
import { nameTermsOf } from './name-search.ts';

/**
 * What a merge makes of two profiles, as a pure function: which record each surviving value
 * comes from, the survivor's columns to write, and the identifiers that do not survive on the
 * profile but must stay findable (aliases). Sealing identities and writing are the service's.
 */

export type MergeSide = 'survivor' | 'merged';

/** The profile fields a merge chooses between (the region travels as one: a city belongs to its province). */
export const mergeFields = [
  'name',
  'gender',
  'birthday',
  'mobile',
  'email',
  'wechatOpenId',
  'wechatUnionId',
  'idNumber',
  'address',
  'region',
  'occupation',
  'incomeBand',
  'education',
  'externalId',
  'source',
  'touchpoint',
  'owner',
] as const;
export type MergeField = (typeof mergeFields)[number];

/** Identifiers a losing value of becomes an alias of the survivor (addresses are not looked up). */
export const aliasFields = ['mobile', 'email', 'wechatOpenId', 'wechatUnionId', 'idNumber', 'externalId'] as const;
export type AliasField = (typeof aliasFields)[number];

const identityMergeFields = ['mobile', 'email', 'wechatOpenId', 'wechatUnionId', 'idNumber', 'address'] as const;
type IdentityMergeField = (typeof identityMergeFields)[number];

/** Plain fields and the columns each carries. */
const plainColumns = {
  gender: ['gender'],
  birthday: ['birthday'],
  region: ['country', 'province', 'city', 'district'],
  occupation: ['occupation'],
  incomeBand: ['income_band'],
  education: ['education'],
  externalId: ['external_id'],
  source: ['source'],
  touchpoint: ['touchpoint_id'],
  owner: ['owner_id'],
} as const satisfies Partial<Record<MergeField, readonly (keyof CustomerRow & keyof CustomerColumns)[]>>;
type PlainField = keyof typeof plainColumns;

/** Normalised identity values in clear (decrypted by the service), per record. */
export type ClearIdentities = Partial<Record<IdentityField, string>>;

export type MergeInput = {
  survivor: CustomerRow;
  merged: CustomerRow;
  identities: { survivor: ClearIdentities; merged: ClearIdentities };
  /** The caller's choices: a merge field or `attributes.<key>` → side; the rest default. */
  choices: Record<string, MergeSide>;
};

export type MergePlan = {
  /** Every field that has a value on either record → the record its surviving value comes from. */
  fields: Record<string, MergeSide>;
  /** The survivor's plain columns that change (identities are in `identities`). */
  columns: CustomerColumns;
  /** Identity fields whose value on the survivor changes → the new normalised value (null clears). */
  identities: Partial<Record<IdentityField, string | null>>;
  attributes: { set: Record<string, unknown>; unset: string[] } | null;
  /** The survivor's tags when they change (the union of both). */
  tags: string[] | null;
  tagsAdded: string[];
  /** Identifier values that lose their place on the profile, kept as the survivor's aliases. */
  aliases: { field: AliasField; value: string }[];
};

const isIdentity = (f: MergeField): f is IdentityMergeField => (identityMergeFields as readonly string[]).includes(f);

function isEmpty(row: CustomerRow, ids: ClearIdentities, field: MergeField): boolean {
  if (field === 'name') return row.name_placeholder || row.name.trim() === '';
  if (field === 'gender') return row.gender === 'unknown';
  if (field === 'region') return !row.province && !row.city && !row.district;
  if (isIdentity(field)) return !ids[field];
  return plainColumns[field].every((c) => row[c] === null || row[c] === undefined);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Checks the choices' keys; returns the problems as 422s naming `fields.<key>`. */
export function checkChoices(input: MergeInput): DomainError[] {
  const keys = new Set([...Object.keys(input.survivor.attributes), ...Object.keys(input.merged.attributes)]);
  const problems: DomainError[] = [];
  for (const [key, side] of Object.entries(input.choices)) {
    const known =
      (mergeFields as readonly string[]).includes(key) || (key.startsWith('attributes.') && keys.has(key.slice(11)));
    if (!known) problems.push(new DomainError('invalid', 'CUSTOMER_MERGE_UNKNOWN_FIELD', { key }, `fields.${key}`));
    else if (side !== 'survivor' && side !== 'merged') {
      problems.push(new DomainError('invalid', 'CUSTOMER_MERGE_INVALID_SIDE', { key }, `fields.${key}`));
    }
  }
  return problems;
}

/** The merge's outcome for the survivor's profile; `checkChoices` must have passed. */
export function planMerge(input: MergeInput): MergePlan {
  const { survivor: s, merged: m, identities, choices } = input;
  const fields: Record<string, MergeSide> = {};
  const columns: CustomerColumns = {};
  const identityChanges: MergePlan['identities'] = {};
  const aliases: MergePlan['aliases'] = [];

  const sideOf = (field: string, sEmpty: boolean, mEmpty: boolean): MergeSide | null => {
    if (sEmpty && mEmpty) return null;
    const chosen = choices[field];
    if (chosen) return chosen;
    return sEmpty ? 'merged' : 'survivor';
  };

  for (const field of mergeFields) {
    const side = sideOf(field, isEmpty(s, identities.survivor, field), isEmpty(m, identities.merged, field));
    if (!side) continue;
    fields[field] = side;
    if (field === 'name') {
      if (side === 'merged' && (m.name !== s.name || m.name_placeholder !== s.name_placeholder)) {
        columns.name = m.name;
        columns.name_terms = nameTermsOf(m.name);
        columns.name_placeholder = m.name_placeholder;
      }
    } else if (isIdentity(field)) {
      const kept = side === 'survivor' ? identities.survivor[field] : identities.merged[field];
      const lost = side === 'survivor' ? identities.merged[field] : identities.survivor[field];
      if ((kept ?? null) !== (identities.survivor[field] ?? null)) identityChanges[field] = kept ?? null;
      if (field !== 'address' && lost && lost !== kept) aliases.push({ field, value: lost });
    } else {
      const from = side === 'survivor' ? s : m;
      for (const column of plainColumns[field as PlainField]) {
        if (!same(from[column], s[column])) (columns as Record<string, unknown>)[column] = from[column];
      }
      if (field === 'externalId') {
        const kept = from.external_id;
        const lost = side === 'survivor' ? m.external_id : s.external_id;
        if (lost && lost !== kept) aliases.push({ field: 'externalId', value: lost });
      }
    }
  }

  // custom attributes key by key: a key only one record has is kept; on both, the chosen side wins
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  const keys = [...new Set([...Object.keys(s.attributes), ...Object.keys(m.attributes)])].sort();
  for (const key of keys) {
    const field = `attributes.${key}`;
    const side = sideOf(field, s.attributes[key] === undefined, m.attributes[key] === undefined);
    if (!side) continue;
    fields[field] = side;
    const value = side === 'survivor' ? s.attributes[key] : m.attributes[key];
    if (same(value, s.attributes[key])) continue;
    if (value === undefined) unset.push(key);
    else set[key] = value;
  }

  const tags = [...new Set([...s.tags, ...m.tags])];
  const tagsAdded = tags.filter((t) => !s.tags.includes(t));

  return {
    fields,
    columns,
    identities: identityChanges,
    attributes: Object.keys(set).length || unset.length ? { set, unset } : null,
    tags: tagsAdded.length ? tags : null,
    tagsAdded,
    aliases,
  };
}

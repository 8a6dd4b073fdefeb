/**
 * The duplicate detection rules, each with the score a pair found by it gets (the pair keeps
 * the highest of its rules). Identifier rules are near-certain; name rules only suggest, need
 * the birthday besides the name, and their groups are capped so a common name does not flood
 * the review list. docs/guide/duplicates.md explains them to users.
 */
export const duplicateRules = [
  'identifier',
  'idNumber',
  'collected',
  'nameBirthdayCity',
  'nameBirthday',
  /** Retired (see `ruleScores`): read on pairs recorded before, never found now. */
  'nameCity',
] as const;
export type DuplicateRule = (typeof duplicateRules)[number];

export const ruleScores: Record<DuplicateRule, number> = {
  /** A profile identifier (mobile, email, WeChat id, external id) of one is an identifier the other kept from a merge. */
  identifier: 100,
  /** The same resident ID number (compared decrypted: its blind index is truncated). */
  idNumber: 95,
  /** One incoming record (a form, an import row, an identify call) carried identifiers of both. */
  collected: 90,
  /** Same name, birthday and city. */
  nameBirthdayCity: 80,
  /** Same name and birthday (cities differ or one is missing). */
  nameBirthday: 60,
  /**
   * Retired: same name and city alone is not evidence (at 1,000,000 customers it proposed 117,637
   * of 118,203 pairs, common names in the same city). Nothing finds it any more; it stays so pairs
   * recorded before still read, and a full scan drops those it alone found.
   */
  nameCity: 50,
};

/** Name groups larger than this are not evidence of anything (a common name); they are skipped. */
export const nameBirthdayGroupMax = 10;

/**
 * Rules whose pairs a full scan can find again (a `collected` pair only comes from the collector);
 * an open pair only these found that the scan does not find again is dropped (so `nameCity`).
 */
export const rescannableRules: DuplicateRule[] = [
  'identifier',
  'idNumber',
  'nameBirthdayCity',
  'nameBirthday',
  'nameCity',
];

/** Rules an administrator may let merge automatically. */
export const autoMergeRules = ['identifier', 'idNumber', 'collected', 'nameBirthdayCity'] as const;
export type AutoMergeRule = (typeof autoMergeRules)[number];

/** Why an automatic rule that matched a pair did not merge it (shown on the pair). */
export const autoRefusals = [
  'verifiedMobilesDiffer',
  'consentConflict',
  'notVerified',
  'unsupportedDependent',
  'failed',
] as const;
export type AutoRefusal = (typeof autoRefusals)[number];

/** Identifier fields the identifier rule compares (profile column ↔ alias). */
export const aliasMatchFields = [
  { field: 'mobile', column: 'mobile_bidx' },
  { field: 'email', column: 'email_bidx' },
  { field: 'wechatOpenId', column: 'wechat_open_id_bidx' },
  { field: 'wechatUnionId', column: 'wechat_union_id_bidx' },
  { field: 'externalId', column: 'external_id' },
] as const;

/**
 * SQL for one customer's identifier fingerprint (alias `c` of customers): every blind index,
 * the external id, its linked identities and the identifiers it kept from merges. A "not the
 * same person" decision stores the pair's fingerprint; the pair is proposed again only when it
 * changes.
 */
export function fingerprintSql(c: string): string {
  return `md5(concat_ws('|', ${c}.mobile_bidx, ${c}.email_bidx, ${c}.wechat_open_id_bidx, ${c}.wechat_union_id_bidx,
    ${c}.id_number_bidx, ${c}.external_id,
    (select string_agg(i.kind || ':' || i.namespace || ':' || i.value, ',' order by i.kind, i.namespace, i.value)
       from customer_identities i where i.customer_id = ${c}.id),
    (select string_agg(a.field || ':' || a.lookup, ',' order by a.field, a.lookup)
       from customer_aliases a where a.customer_id = ${c}.id)))`;
}

/** A pair's fingerprint (customers `ca`, `cb` joined by the caller). */
export const pairFingerprintSql = `md5(${fingerprintSql('ca')} || ${fingerprintSql('cb')})`;

import type { TFunction } from 'i18next';
import type { FieldEncryption } from '../../platform/crypto/encryption.service.ts';
import type { AttributeDefinitionRow } from './customer-list.repository.ts';
import { ageOn, encColumn } from './customer.dto.ts';
import type { CustomerRow } from './customers.repository.ts';
import { identityFields, maskIdentity, openIdentity, type IdentityField } from './identities.ts';
import './scores.messages.ts';

/** The columns an export may have, besides `attributes.<key>` of each defined custom attribute. */
export const exportColumns = [
  'id',
  'name',
  'gender',
  'birthday',
  'age',
  'occupation',
  'incomeBand',
  'education',
  'country',
  'province',
  'city',
  'district',
  'mobile',
  'email',
  'wechatOpenId',
  'wechatUnionId',
  'idNumber',
  'address',
  'externalId',
  'source',
  'touchpoint',
  'owner',
  'tags',
  'orderCount',
  'totalSpent',
  'averageOrderValue',
  'firstOrderAt',
  'lastOrderAt',
  'lastSeenAt',
  'createdAt',
  'updatedAt',
  // computed by the scoring module (score-codes.ts)
  'rScore',
  'fScore',
  'mScore',
  'rfmClass',
  'rfmSegment',
  'abcClass',
  'valueTier',
  'grade',
  'lifecycleStage',
] as const;
export type ExportColumn = (typeof exportColumns)[number];

export const defaultExportColumns: ExportColumn[] = [
  'name',
  'gender',
  'age',
  'province',
  'city',
  'mobile',
  'email',
  'tags',
  'orderCount',
  'totalSpent',
  'lastOrderAt',
  'createdAt',
];

const ATTRIBUTE = /^attributes\.([a-z][a-z0-9_]{0,39})$/;

/** The column's index when it is not one an export can have. */
export function unknownColumn(columns: readonly string[], definitions: readonly AttributeDefinitionRow[]): number {
  const keys = new Set(definitions.map((d) => d.key));
  return columns.findIndex((c) => {
    const attr = ATTRIBUTE.exec(c);
    return attr ? !keys.has(attr[1]) : !(exportColumns as readonly string[]).includes(c);
  });
}

export type Cell = string | number | null;

/** Turns customer rows into rows of cells in the requester's language and the business time zone. */
export type RowMapper = {
  headers: string[];
  /** Numeric columns (XLSX writes them as numbers). */
  numeric: boolean[];
  row(source: CustomerRow): Cell[];
};

const identitySet = new Set<string>(identityFields);
const numericColumns = new Set<string>([
  'age',
  'orderCount',
  'totalSpent',
  'averageOrderValue',
  'rScore',
  'fScore',
  'mScore',
]);
/** Score columns whose codes are written as their names (scores.messages.ts). */
const scoreLabelColumns = new Set<string>([
  'rfmClass',
  'rfmSegment',
  'abcClass',
  'valueTier',
  'grade',
  'lifecycleStage',
]);
type TimeColumn = 'first_order_at' | 'last_order_at' | 'last_seen_at' | 'created_at' | 'updated_at';
const timeColumns: Record<string, TimeColumn> = {
  firstOrderAt: 'first_order_at',
  lastOrderAt: 'last_order_at',
  lastSeenAt: 'last_seen_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};
type TextColumn =
  | 'id'
  | 'name'
  | 'birthday'
  | 'occupation'
  | 'income_band'
  | 'education'
  | 'country'
  | 'province'
  | 'city'
  | 'district'
  | 'external_id'
  | 'source';
const textColumns: Record<string, TextColumn> = {
  id: 'id',
  name: 'name',
  birthday: 'birthday',
  occupation: 'occupation',
  incomeBand: 'income_band',
  education: 'education',
  country: 'country',
  province: 'province',
  city: 'city',
  district: 'district',
  externalId: 'external_id',
  source: 'source',
};

/**
 * Works on the repository's rows, not on API DTOs: only the chosen identity columns are
 * decrypted, once each, which matters at a million rows.
 */
export function createRowMapper(opts: {
  columns: readonly string[];
  definitions: readonly AttributeDefinitionRow[];
  t: TFunction;
  timeZone: string;
  /** Today in the business time zone, for ages. */
  today: string;
  ownerNames: ReadonlyMap<string, string>;
  /** Masked identities unless the requester held customers.reveal when asking. */
  isMasked: boolean;
  crypto: FieldEncryption;
}): RowMapper {
  const { t, crypto } = opts;
  const defs = new Map(opts.definitions.map((d) => [d.key, d]));
  // sv-SE prints "2026-11-23 16:00:00": sortable, and what spreadsheets read as a date and time
  const time = new Intl.DateTimeFormat('sv-SE', {
    timeZone: opts.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const gender: Record<string, string> = {
    female: t('customerExport.gender.female'),
    male: t('customerExport.gender.male'),
    unknown: t('customerExport.gender.unknown'),
  };
  const optionLabel = (key: string, value: string) =>
    defs.get(key)?.options.find((o) => o.value === value)?.label ?? value;

  const cell = (column: string): ((r: CustomerRow) => Cell) => {
    const attr = ATTRIBUTE.exec(column);
    if (attr) {
      const key = attr[1];
      return (r) => {
        const v = r.attributes[key] as unknown;
        if (v === undefined || v === null) return null;
        if (Array.isArray(v)) return v.map((x) => optionLabel(key, String(x))).join(', ');
        return typeof v === 'string' ? optionLabel(key, v) : typeof v === 'number' ? v : JSON.stringify(v);
      };
    }
    if (identitySet.has(column)) {
      const field = column as IdentityField;
      const enc = encColumn(field);
      return (r) => {
        const token = r[enc];
        if (!token) return null;
        try {
          const clear = openIdentity(crypto, field, token, r.id);
          return opts.isMasked ? maskIdentity(field, clear) : clear;
        } catch {
          return '****'; // a token that no longer decrypts: that a value exists, as the screens show it
        }
      };
    }
    if (column === 'rScore' || column === 'fScore' || column === 'mScore') return (r) => r.scores?.[column] ?? null;
    if (scoreLabelColumns.has(column)) {
      const key = column as 'rfmClass' | 'rfmSegment' | 'abcClass' | 'valueTier' | 'grade' | 'lifecycleStage';
      return (r) => {
        const v = r.scores?.[key];
        return v ? t(`scoring.${key}.${v}`, { defaultValue: v }) : null;
      };
    }
    const timeColumn = timeColumns[column];
    if (timeColumn) return (r) => (r[timeColumn] ? time.format(r[timeColumn]) : null);
    const textColumn = textColumns[column];
    if (textColumn) return (r) => r[textColumn];
    switch (column) {
      case 'gender':
        return (r) => gender[r.gender] ?? r.gender;
      case 'age':
        return (r) => (r.birthday ? ageOn(r.birthday, opts.today) : null);
      case 'touchpoint':
        return (r) => r.touchpoint_name;
      case 'owner':
        return (r) => (r.owner_id ? (opts.ownerNames.get(r.owner_id) ?? null) : null);
      case 'tags':
        return (r) => r.tags.join(', ');
      case 'orderCount':
        return (r) => r.order_count;
      case 'totalSpent':
        return (r) => Number(r.total_spent);
      case 'averageOrderValue':
        return (r) => Number(r.average_order_value);
      default:
        throw new Error(`unknown export column ${column}`);
    }
  };

  const cells = opts.columns.map(cell);
  return {
    headers: opts.columns.map((c) => {
      const attr = ATTRIBUTE.exec(c);
      return attr ? (defs.get(attr[1])?.label ?? attr[1]) : t(`customerExport.columns.${c}`);
    }),
    numeric: opts.columns.map((c) => {
      const attr = ATTRIBUTE.exec(c);
      return attr ? defs.get(attr[1])?.type === 'number' : numericColumns.has(c);
    }),
    row: (source) => cells.map((f) => f(source)),
  };
}

import type { TFunction } from 'i18next';
import { sourceLabel } from '../../../i18n/sources';
import type { AttributeDefinition, Customer } from '../api';
import { regionText } from '../labels';
import { mergeFields, type MergeSide } from './api';

/** Which of the two compared records (left `a`, right `b`). */
export type Pick = 'a' | 'b';

/** One line of the comparison: a field, both records' values as shown, whether there is a choice. */
export type FieldRow = { key: string; label: string; a: string | null; b: string | null };

function text(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  return Array.isArray(v) ? v.join('、') : String(v);
}

/** A field's value as the comparison shows it; null when the record has none (counts as empty). */
export function displayValue(t: TFunction, c: Customer, key: string): string | null {
  if (key.startsWith('attributes.')) return text(c.attributes[key.slice('attributes.'.length)]);
  switch (key) {
    case 'gender':
      return c.gender === 'unknown' ? null : t(`customers.gender.${c.gender}`);
    case 'region':
      return regionText(c);
    case 'source':
      return c.source ? sourceLabel(t, c.source) : null;
    case 'touchpoint':
      return c.touchpoint?.name ?? null;
    case 'owner':
      return c.owner?.name ?? null;
    default:
      return text(c[key as keyof Customer]);
  }
}

/** Every field either record has a value for, profile fields first, then custom attributes. */
export function fieldRows(t: TFunction, a: Customer, b: Customer, definitions: AttributeDefinition[]): FieldRow[] {
  const keys = [
    ...mergeFields,
    ...[...new Set([...Object.keys(a.attributes), ...Object.keys(b.attributes)])].sort().map((k) => `attributes.${k}`),
  ];
  return keys
    .map((key) => {
      const label = key.startsWith('attributes.')
        ? (definitions.find((d) => d.key === key.slice(11))?.label ?? key.slice(11))
        : t(`customers.fields.${key}`);
      return { key, label, a: displayValue(t, a, key), b: displayValue(t, b, key) };
    })
    .filter((r) => r.a !== null || r.b !== null);
}

/** The value that survives by default: the surviving record's, or the other's where it has none. */
export function defaultPick(row: FieldRow, survivor: Pick): Pick {
  const other: Pick = survivor === 'a' ? 'b' : 'a';
  return row[survivor] !== null ? survivor : other;
}

/** The choices as the merge API takes them (`survivor` | `merged` per field). */
export function choicesFor(rows: FieldRow[], picks: Record<string, Pick>, survivor: Pick): Record<string, MergeSide> {
  return Object.fromEntries(
    rows.map((r) => {
      const pick = picks[r.key] ?? defaultPick(r, survivor);
      return [r.key, pick === survivor ? 'survivor' : 'merged'];
    }),
  );
}

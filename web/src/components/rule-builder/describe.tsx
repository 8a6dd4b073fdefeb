import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { useCategoryOptions, useOwnerOptions, useSegmentOptions, useStoreOptions, useTouchpointOptions } from './api';
import { dayOps, type RuleCondition, type RuleField, type RuleWindow } from './model';

type Option = { value: string; label: string };

/** Names for the ids a rule holds (segments, stores, categories…), from lists the app already has. */
function useNames(field: RuleField | undefined) {
  const args = new Set((field?.args ?? []).map((a) => a.type));
  const segments = useSegmentOptions(field?.type === 'segment');
  const stores = useStoreOptions(args.has('stores'));
  const categories = useCategoryOptions(args.has('categories'));
  const touchpoints = useTouchpointOptions(field?.key === 'profile.touchpoint');
  const owners = useOwnerOptions(field?.key === 'profile.owner');
  const all: Option[] = [
    ...(field?.options ?? []),
    ...(segments.data ?? []),
    ...(stores.data ?? []),
    ...(categories.data ?? []).map((c) => ({ value: c.id, label: c.name })),
    ...(touchpoints.data ?? []),
    ...(owners.data ?? []),
  ];
  return new Map(all.map((o) => [o.value, o.label]));
}

/**
 * A condition as a read-only line of words and chips: "orders.count at least 2 · in the last
 * 365 days". Ids the app cannot name (products beyond the first page) are counted instead.
 */
export function ConditionText({ condition: c, field }: { condition: RuleCondition; field: RuleField | undefined }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const names = useNames(field);
  const chip = (text: string, key?: string) => (
    <Tag key={key ?? text} style={{ marginInlineEnd: 4 }}>
      {text}
    </Tag>
  );
  const one = (v: unknown): string => {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'object' && 'lastDays' in v)
      return t('ruleBuilder.describe.daysAgo', { count: v.lastDays as number });
    if (typeof v === 'boolean') return t(v ? 'ruleBuilder.yes' : 'ruleBuilder.no');
    if (field?.type === 'money') return fmt.money(v as string);
    return names.get(String(v)) ?? String(v);
  };
  const value = () => {
    if (c.value === undefined) return null;
    if (dayOps.has(c.op)) return <strong>{t(`ruleBuilder.describe.${c.op}`, { count: c.value as number })}</strong>;
    if (c.op === 'between' && Array.isArray(c.value))
      return (
        <strong>
          {one(c.value[0])} {t('ruleBuilder.and')} {one(c.value[1])}
        </strong>
      );
    if (Array.isArray(c.value)) return c.value.map((v, i) => chip(one(v), `${String(v)}-${i}`));
    return <strong>{one(c.value)}</strong>;
  };
  const args = (field?.args ?? []).map((a) => {
    const v = c.args?.[a.name];
    if (v === undefined) return null;
    const label = a.label ?? t(`ruleBuilder.args.${a.name}`, { defaultValue: a.name });
    const list = Array.isArray(v) ? (v as string[]) : [String(v)];
    const known = list.filter((id) => names.has(id));
    const text =
      a.type === 'products' || known.length < list.length
        ? t('ruleBuilder.describe.items', { count: list.length })
        : list.map((id) => names.get(id) ?? id).join('、');
    return (
      <Typography.Text key={a.name} type="secondary">
        {label}: {a.type === 'text' || a.type === 'event' ? list.join('、') : text}
      </Typography.Text>
    );
  });
  return (
    <>
      <Typography.Text strong>{field?.label ?? c.field}</Typography.Text>
      <Typography.Text>{t(`ruleBuilder.ops.${c.op}`, { defaultValue: c.op })}</Typography.Text>
      {value()}
      {args}
      {c.window ? <Typography.Text type="secondary">· {windowText(t, c.window)}</Typography.Text> : null}
    </>
  );
}

function windowText(t: (k: string, o?: Record<string, unknown>) => string, w: RuleWindow): string {
  if ('lastDays' in w) return t('ruleBuilder.describe.lastDays', { count: w.lastDays });
  if ('from' in w) return t('ruleBuilder.describe.between', { from: w.from, to: w.to });
  return t('ruleBuilder.window.sinceFirstOrder');
}

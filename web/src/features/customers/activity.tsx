import type { ReactNode } from 'react';
import {
  ClockCircleOutlined,
  CloseCircleOutlined,
  EditOutlined,
  EyeOutlined,
  LinkOutlined,
  MergeOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  FormOutlined,
  SafetyCertificateOutlined,
  MessageOutlined,
  RiseOutlined,
  RollbackOutlined,
  ShoppingCartOutlined,
  TagOutlined,
  UsergroupAddOutlined,
  UsergroupDeleteOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import type { TFunction } from 'i18next';
import type { Format } from '../../i18n/format';
import type { Activity, AttributeDefinition } from './api';
import { sourceLabel } from '../../i18n/sources';

type KindStyle = { icon: ReactNode; color: string };

const kindStyles: Record<string, KindStyle> = {
  'customer.created': { icon: <UserAddOutlined />, color: '#1668dc' },
  'customer.merged': { icon: <MergeOutlined />, color: '#722ed1' },
  'customer.merge_undone': { icon: <RollbackOutlined />, color: '#8c8c8c' },
  'profile.updated': { icon: <EditOutlined />, color: '#8c8c8c' },
  'note.added': { icon: <MessageOutlined />, color: '#d48806' },
  'tag.added': { icon: <TagOutlined />, color: '#08979c' },
  'tag.removed': { icon: <TagOutlined />, color: '#8c8c8c' },
  'order.created': { icon: <ShoppingCartOutlined />, color: '#389e0d' },
  'order.cancelled': { icon: <CloseCircleOutlined />, color: '#cf1322' },
  'order.refunded': { icon: <RollbackOutlined />, color: '#d46b08' },
  'form.submitted': { icon: <FormOutlined />, color: '#722ed1' },
  'form.confirmed': { icon: <SafetyCertificateOutlined />, color: '#389e0d' },
  'consent.granted': { icon: <SafetyCertificateOutlined />, color: '#389e0d' },
  'consent.withdrawn': { icon: <SafetyCertificateOutlined />, color: '#8c8c8c' },
  'event.tracked': { icon: <ThunderboltOutlined />, color: '#1677ff' },
  'visit.started': { icon: <EyeOutlined />, color: '#13c2c2' },
  'anonymous.stitched': { icon: <LinkOutlined />, color: '#2f54eb' },
  'group.joined': { icon: <TeamOutlined />, color: '#08979c' },
  'segment.entered': { icon: <UsergroupAddOutlined />, color: '#1677ff' },
  'segment.exited': { icon: <UsergroupDeleteOutlined />, color: '#8c8c8c' },
  'lifecycle.changed': { icon: <RiseOutlined />, color: '#13c2c2' },
};

export function kindStyle(kind: string): KindStyle {
  return kindStyles[kind] ?? { icon: <ClockCircleOutlined />, color: '#8c8c8c' };
}

/** The filter's groups: each is a list of kind prefixes for `?kinds=`. */
export const kindGroups = [
  { key: 'all', kinds: '' },
  { key: 'orders', kinds: 'order' },
  { key: 'profile', kinds: 'customer,profile' },
  { key: 'notes', kinds: 'note' },
  { key: 'tags', kinds: 'tag' },
  { key: 'events', kinds: 'event,visit,anonymous,group' },
] as const;

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** A profile field's name in the reader's language (`attributes.level` by its definition's label). */
function fieldLabel(t: TFunction, field: string, definitions: AttributeDefinition[]): string {
  if (field.startsWith('attributes.')) {
    const key = field.slice('attributes.'.length);
    return definitions.find((d) => d.key === key)?.label ?? key;
  }
  return t(`customers.fields.${field}`, { defaultValue: field });
}

/**
 * One timeline entry as a sentence in the reader's language, from its kind and summary.
 * A kind this screen does not know yet (a later module's) falls back to its name.
 */
export function activitySentence(
  a: Activity,
  t: TFunction,
  fmt: Format,
  definitions: AttributeDefinition[],
  language: string,
): string {
  const s = a.summary;
  switch (a.kind) {
    case 'profile.updated': {
      const fields = Array.isArray(s.fields) ? (s.fields as unknown[]).map(str).filter(Boolean) : [];
      if (!fields.length) return t('timeline.kinds.profile_updated_none');
      const list = new Intl.ListFormat(language, { type: 'conjunction' });
      return t(s.fileName ? 'imports.timeline.updated' : 'timeline.kinds.profile_updated', {
        fields: list.format([...new Set(fields.map((f) => fieldLabel(t, f, definitions)))]),
        file: str(s.fileName),
      });
    }
    case 'tag.added':
    case 'tag.removed':
      return t(`timeline.kinds.${a.kind.replace('.', '_')}`, { tag: str(s.tag) });
    case 'order.created':
      return t('timeline.kinds.order_created', {
        externalId: str(s.externalId),
        amount: s.paidAmount != null ? fmt.money(str(s.paidAmount)) : '—',
        count: Number(s.itemCount ?? 0),
        source: sourceLabel(t, str(s.source)),
      });
    case 'order.cancelled':
      return s.externalId
        ? t('timeline.kinds.order_cancelled_ref', { externalId: str(s.externalId) })
        : t('timeline.kinds.order_cancelled');
    case 'order.refunded':
      return t(s.externalId ? 'timeline.kinds.order_refunded_ref' : 'timeline.kinds.order_refunded', {
        amount: s.amount != null ? fmt.money(str(s.amount)) : '—',
        externalId: str(s.externalId),
      });
    case 'form.submitted':
    case 'form.confirmed':
      return t(`timeline.kinds.${a.kind.replace('.', '_')}`, { form: str(s.form) });
    case 'consent.granted':
    case 'consent.withdrawn':
      return t(`timeline.kinds.${a.kind.replace('.', '_')}`, {
        purpose: t(`consents.purposes.${str(s.purpose)}`, { defaultValue: str(s.purpose) }),
        channel: t(`consents.channels.${str(s.channel)}`, { defaultValue: str(s.channel) }),
      });
    // tracking: the source is the tracking source's name; page views are one "visit" a day
    case 'event.tracked':
      return t('timeline.kinds.event_tracked', { event: str(s.event), source: str(s.trackingSource) });
    case 'visit.started':
      return t(s.type === 'screen' ? 'timeline.kinds.visit_started_app' : 'timeline.kinds.visit_started', {
        page: str(s.page) || '—',
        source: str(s.trackingSource),
      });
    case 'anonymous.stitched':
      return t('timeline.kinds.anonymous_stitched', { count: Number(s.events ?? 0) });
    case 'group.joined':
      return t('timeline.kinds.group_joined', { groupId: str(s.groupId) });
    case 'customer.merged':
      return t(s.autoRule ? 'timeline.kinds.customer_merged_auto' : 'timeline.kinds.customer_merged', {
        name: str(s.mergedName),
      });
    case 'customer.merge_undone':
      return t('timeline.kinds.customer_merge_undone', { name: str(s.mergedName) });
    case 'customer.created':
      // a customer made by a bulk import names the file (imports' summary)
      if (s.fileName) return t('imports.timeline.created', { file: str(s.fileName) });
      return t('timeline.kinds.customer_created');
    case 'note.added':
      return t(`timeline.kinds.${a.kind.replace('.', '_')}`);
    case 'lifecycle.changed': {
      const stage = (v: unknown) => t(`scoring.stages.${str(v)}`, { defaultValue: str(v) });
      const from = s.fromStage ?? s.from;
      const to = s.toStage ?? s.to;
      return from
        ? t('scoring.timeline.changed', { from: stage(from), to: stage(to) })
        : t('scoring.timeline.entered', { to: stage(to) });
    }
    case 'segment.entered':
    case 'segment.exited':
      return t(`segments.timeline.${a.kind === 'segment.entered' ? 'entered' : 'exited'}`, { name: str(s.name) });
    default:
      return t(`timeline.kinds.${a.kind.replace(/\./g, '_')}`, { defaultValue: a.kind });
  }
}

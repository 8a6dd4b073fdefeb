import { Card, Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { useTimeline, type Customer } from './api';

type Seen = { id: string; name: string; count: number; lastAt: string | null; isAcquisition: boolean };

/**
 * Where the customer has been seen: the acquisition touchpoint plus every touchpoint on the
 * loaded part of the timeline, most recent first.
 */
export function TouchpointsCard({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const timeline = useTimeline(customer.id, '');
  const seen = new Map<string, Seen>();
  if (customer.touchpoint)
    seen.set(customer.touchpoint.id, { ...customer.touchpoint, count: 0, lastAt: null, isAcquisition: true });
  for (const a of timeline.data?.pages.flatMap((p) => p.items) ?? []) {
    if (!a.touchpoint) continue;
    const s = seen.get(a.touchpoint.id) ?? { ...a.touchpoint, count: 0, lastAt: null, isAcquisition: false };
    s.count++;
    if (!s.lastAt || a.at > s.lastAt) s.lastAt = a.at;
    seen.set(a.touchpoint.id, s);
  }
  const list = [...seen.values()].sort((a, b) => (b.lastAt ?? '').localeCompare(a.lastAt ?? ''));
  return (
    <Card title={t('customers.touchpointsSeen')} size="small" data-testid="touchpoints-card">
      {list.length ? (
        <Flex vertical gap={8}>
          {list.map((s) => (
            <Flex key={s.id} justify="space-between" align="center" gap={8}>
              <span>
                <Tag color="blue">{s.name}</Tag>
                {s.isAcquisition ? <Tag>{t('customers.acquisition')}</Tag> : null}
              </span>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {s.count ? t('customers.touchpointActivity', { count: s.count, date: fmt.date(s.lastAt) }) : null}
              </Typography.Text>
            </Flex>
          ))}
        </Flex>
      ) : (
        <Typography.Text type="secondary">{t('customers.noTouchpoints')}</Typography.Text>
      )}
    </Card>
  );
}

import { Card, Col, Row, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import type { Customer } from './api';

/** The customer's aggregates (customer_stats), as the list sorts and filters by them. */
export function StatsCards({ customer: c }: { customer: Customer }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const stats = [
    { key: 'orderCount', value: fmt.number(c.orderCount) },
    { key: 'totalSpent', value: fmt.money(c.totalSpent) },
    { key: 'averageOrderValue', value: fmt.money(c.averageOrderValue) },
    { key: 'firstOrderAt', value: fmt.date(c.firstOrderAt) },
    { key: 'lastOrderAt', value: fmt.date(c.lastOrderAt) },
    { key: 'lastSeenAt', value: c.lastSeenAt ? fmt.ago(c.lastSeenAt) : '—' },
  ];
  return (
    <Row gutter={[12, 12]} data-testid="customer-stats">
      {stats.map((s) => (
        <Col key={s.key} xs={12} md={8} xxl={4}>
          <Card size="small" style={{ height: '100%' }}>
            <Statistic
              title={t(`customers.fields.${s.key}`)}
              value={s.value}
              styles={{ content: { fontSize: 20 } }}
              data-testid={`stat-${s.key}`}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

import { Card, Empty, Flex, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../../app/session';
import { useFormat } from '../../i18n/format';
import { useCustomerSegments } from './api';

/** On the Customer 360: the segments this customer is in now, each a link to its segment. */
export function CustomerSegmentsCard({ customerId }: { customerId: string }) {
  const canView = useCan('segments.view');
  if (!canView) return null;
  return <SegmentsList customerId={customerId} />;
}

function SegmentsList({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const segments = useCustomerSegments(customerId);
  const items = segments.data ?? [];
  return (
    <Card
      size="small"
      title={t('segments.customerCard.title')}
      loading={segments.isLoading}
      data-testid="customer-segments"
    >
      {items.length ? (
        <Flex wrap gap={6}>
          {items.map((s) => (
            <Tooltip key={s.id} title={t('segments.customerCard.since', { date: fmt.date(s.enteredAt) })}>
              <Link to={`/segments/${s.id}`}>
                <Tag color={s.kind === 'dynamic' ? 'blue' : 'default'} style={{ cursor: 'pointer' }}>
                  {s.name}
                </Tag>
              </Link>
            </Tooltip>
          ))}
        </Flex>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('segments.customerCard.none')} />
      )}
    </Card>
  );
}

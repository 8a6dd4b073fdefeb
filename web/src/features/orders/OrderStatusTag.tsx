import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { OrderStatus } from './api';

const colors: Record<OrderStatus, string> = {
  paid: 'green',
  partially_refunded: 'orange',
  refunded: 'red',
  cancelled: 'default',
};

export function OrderStatusTag({ status }: { status: OrderStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={colors[status]} data-testid={`order-status-${status}`}>
      {t(`orders.status.${status}`)}
    </Tag>
  );
}

import { useState } from 'react';
import { Button, Descriptions, Drawer, Space, Table, Timeline, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../../app/session';
import { ErrorResult } from '../../components/ErrorResult';
import { useFormat } from '../../i18n/format';
import { useOrder, type Order } from './api';
import { OrderChangeModal, type OrderChangeKind } from './OrderChangeModal';
import { OrderStatusTag } from './OrderStatusTag';
import { sourceLabel } from '../../i18n/sources';

type Item = Order['items'][number];

/** One order: its money, lines and history; cancel and refund for holders of orders.edit. */
export function OrderDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const canEdit = useCan('orders.edit');
  const canSeeCustomers = useCan('customers.view');
  const order = useOrder(id);
  const [change, setChange] = useState<OrderChangeKind | null>(null);
  const o = order.data;

  const itemColumns: TableProps<Item>['columns'] = [
    { title: t('orders.fields.sku'), dataIndex: 'sku' },
    { title: t('orders.fields.productName'), dataIndex: 'name' },
    { title: t('orders.fields.quantity'), dataIndex: 'quantity', align: 'right', render: (v: number) => fmt.number(v) },
    { title: t('orders.fields.price'), dataIndex: 'price', align: 'right', render: (v: string) => fmt.money(v) },
    { title: t('orders.fields.amount'), dataIndex: 'amount', align: 'right', render: (v: string) => fmt.money(v) },
  ];

  const actions =
    o && canEdit ? (
      <Space>
        {o.status === 'paid' ? (
          <Button danger onClick={() => setChange('cancel')} data-testid="order-cancel">
            {t('orders.cancelOrder')}
          </Button>
        ) : null}
        {o.status === 'paid' || o.status === 'partially_refunded' ? (
          <Button type="primary" danger onClick={() => setChange('refund')} data-testid="order-refund">
            {t('orders.refund')}
          </Button>
        ) : null}
      </Space>
    ) : null;

  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      title={o ? t('orders.drawerTitle', { id: o.externalId }) : t('orders.order')}
      size={720}
      extra={actions}
      loading={order.isLoading}
      data-testid="order-drawer"
    >
      {order.error ? <ErrorResult error={order.error} onRetry={() => void order.refetch()} /> : null}
      {o ? (
        <>
          <Descriptions size="small" column={2} bordered style={{ marginBottom: 24 }}>
            <Descriptions.Item label={t('orders.fields.status')}>
              <OrderStatusTag status={o.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('orders.fields.customer')}>
              {canSeeCustomers ? <Link to={`/customers/${o.customer.id}`}>{o.customer.name}</Link> : o.customer.name}
            </Descriptions.Item>
            <Descriptions.Item label={t('orders.fields.source')}>{sourceLabel(t, o.source)}</Descriptions.Item>
            <Descriptions.Item label={t('orders.fields.store')}>{o.store?.name ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('orders.fields.placedAt')}>{fmt.dateTime(o.placedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('orders.fields.createdAt')}>{fmt.dateTime(o.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('orders.fields.subtotal')}>{fmt.money(o.subtotal)}</Descriptions.Item>
            <Descriptions.Item label={t('orders.fields.discount')}>{fmt.money(o.discount)}</Descriptions.Item>
            <Descriptions.Item label={t('orders.fields.paidAmount')}>
              <Typography.Text strong data-testid="order-paid">
                {fmt.money(o.paidAmount)}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('orders.fields.refundedAmount')}>
              <span data-testid="order-refunded">{fmt.money(o.refundedAmount)}</span>
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('orders.items')}</Typography.Title>
          <Table
            rowKey="lineNo"
            size="small"
            columns={itemColumns}
            dataSource={o.items}
            pagination={false}
            style={{ marginBottom: 24 }}
            data-testid="order-items"
          />
          <Typography.Title level={5}>{t('orders.history')}</Typography.Title>
          <Timeline
            data-testid="order-history"
            items={o.changes.map((c) => ({
              color: c.kind === 'created' ? 'green' : c.kind === 'cancelled' ? 'gray' : 'red',
              content: (
                <div>
                  <Typography.Text strong>{t(`orders.change.${c.kind}`, { defaultValue: c.kind })}</Typography.Text>
                  {c.amount ? <span> · {fmt.money(c.amount)}</span> : null}
                  <div style={{ color: '#888' }}>
                    {fmt.dateTime(c.at)}
                    {c.actor ? ` · ${c.actor.name}` : ''}
                  </div>
                  {c.reason ? <div>{t('orders.reasonIs', { reason: c.reason })}</div> : null}
                </div>
              ),
            }))}
          />
          <OrderChangeModal order={o} kind={change} onClose={() => setChange(null)} />
        </>
      ) : null}
    </Drawer>
  );
}

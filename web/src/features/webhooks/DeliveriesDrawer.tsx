import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Drawer, Flex, Segmented, Table, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../../app/session';
import { CursorPager, useCursorPager } from '../../components/CursorPager';
import { ErrorResult } from '../../components/ErrorResult';
import { useFormat } from '../../i18n/format';
import {
  deliveryOutcomes,
  useDeliveries,
  webhookKeys,
  type Connection,
  type Delivery,
  type DeliveryOutcome,
} from './api';
import { SetupSteps } from './SetupSteps';

const outcomeColor: Record<DeliveryOutcome, string> = {
  processed: 'green',
  duplicate: 'blue',
  ignored: 'default',
  failed: 'red',
};

export function OutcomeTag({ outcome }: { outcome: DeliveryOutcome }) {
  const { t } = useTranslation();
  return (
    <Tag color={outcomeColor[outcome]} data-testid={`delivery-outcome-${outcome}`}>
      {t(`webhooks.outcomes.${outcome}`)}
    </Tag>
  );
}

/** A connection's endpoint and its recent deliveries: what arrived, what Kehu did with it, and why not. */
export function DeliveriesDrawer({ connection, onClose }: { connection: Connection | null; onClose: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const canSeeCustomers = useCan('customers.view');
  const canSeeOrders = useCan('orders.view');
  const queryClient = useQueryClient();
  // the log and the list's counts and last-delivery times refresh together
  const refresh = () => void queryClient.invalidateQueries({ queryKey: webhookKeys.all });
  const [outcome, setOutcome] = useState<DeliveryOutcome | 'all'>('all');
  const pager = useCursorPager();
  const deliveries = useDeliveries(
    connection?.id ?? null,
    { limit: 20, ...(outcome === 'all' ? {} : { outcome }) },
    pager.cursor,
  );

  const columns: TableProps<Delivery>['columns'] = [
    {
      title: t('webhooks.log.receivedAt'),
      dataIndex: 'receivedAt',
      width: 170,
      render: (v: string, d) => (
        <Tooltip
          title={
            d.replays || d.attempts > 1
              ? t('webhooks.log.retries', { attempts: d.attempts, replays: d.replays })
              : undefined
          }
        >
          {fmt.dateTime(v)}
        </Tooltip>
      ),
    },
    {
      title: t('webhooks.log.topic'),
      dataIndex: 'topic',
      render: (v: string, d) => (
        <Flex vertical>
          <Typography.Text code>{v}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} copyable={{ text: d.webhookId }}>
            {d.webhookId.length > 24 ? `${d.webhookId.slice(0, 24)}…` : d.webhookId}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('webhooks.log.outcome'),
      dataIndex: 'outcome',
      width: 100,
      render: (v: DeliveryOutcome) => <OutcomeTag outcome={v} />,
    },
    {
      title: t('webhooks.log.detail'),
      dataIndex: 'detail',
      render: (v: string | null, d) => (
        <Flex vertical gap={2}>
          <Typography.Text type={d.outcome === 'failed' ? 'danger' : undefined}>{v ?? '—'}</Typography.Text>
          <Flex gap={12}>
            {d.customerId && canSeeCustomers ? (
              <Link to={`/customers/${d.customerId}`}>{t('webhooks.log.customer')}</Link>
            ) : null}
            {d.orderId && d.customerId && canSeeOrders ? (
              <Link to={`/orders?customerId=${d.customerId}`}>{t('webhooks.log.orders')}</Link>
            ) : null}
          </Flex>
        </Flex>
      ),
    },
  ];

  return (
    <Drawer
      open={!!connection}
      onClose={() => {
        refresh();
        onClose();
      }}
      size={880}
      title={connection ? t('webhooks.log.title', { name: connection.name }) : ''}
      destroyOnHidden
      data-testid="webhook-deliveries"
      extra={
        <Button icon={<ReloadOutlined />} onClick={refresh} data-testid="webhook-log-refresh">
          {t('webhooks.log.refresh')}
        </Button>
      }
    >
      {connection ? (
        <div style={{ marginBottom: 16 }}>
          <SetupSteps connection={connection} />
        </div>
      ) : null}
      <Segmented
        value={outcome}
        onChange={(v) => {
          pager.reset();
          setOutcome(v as DeliveryOutcome | 'all');
        }}
        options={[
          { value: 'all', label: t('webhooks.log.all') },
          ...deliveryOutcomes.map((o) => ({ value: o, label: t(`webhooks.outcomes.${o}`) })),
        ]}
        style={{ marginBottom: 12 }}
      />
      {deliveries.error ? (
        <ErrorResult error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : (
        <>
          <Table
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={deliveries.data?.items ?? []}
            loading={deliveries.isFetching}
            pagination={false}
            locale={{ emptyText: t('webhooks.log.empty') }}
            data-testid="webhook-log-table"
          />
          <CursorPager pager={pager} nextCursor={deliveries.data?.nextCursor} loading={deliveries.isFetching} />
        </>
      )}
    </Drawer>
  );
}

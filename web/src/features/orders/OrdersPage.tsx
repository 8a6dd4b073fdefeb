import { useState } from 'react';
import { Card, DatePicker, Flex, Input, Select, Table, type TableProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useCan } from '../../app/session';
import { CursorPager, useCursorPager } from '../../components/CursorPager';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { orderStatuses, useOrders, type Order, type OrderFilters, type OrderStatus } from './api';
import { OrderDrawer } from './OrderDrawer';
import { OrderStatusTag } from './OrderStatusTag';
import { sourceLabel } from '../../i18n/sources';

/** Orders from every source, newest first; a row opens the order with its items and history. */
export function OrdersPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const canSeeCustomers = useCan('customers.view');
  const [params] = useSearchParams();
  const [filters, setFilters] = useState<OrderFilters>({
    limit: 20,
    customerId: params.get('customerId') ?? undefined,
  });
  const pager = useCursorPager();
  const orders = useOrders(filters, pager.cursor);
  const [openId, setOpenId] = useState<string | null>(null);

  const setFilter = (patch: Partial<OrderFilters>) => {
    pager.reset();
    setFilters((f) => ({ ...f, ...patch }));
  };
  const setRange = (range: [Dayjs | null, Dayjs | null] | null) =>
    setFilter({
      placedFrom: range?.[0] ? range[0].startOf('day').toISOString() : undefined,
      // the server's upper bound is exclusive: up to the start of the next day
      placedTo: range?.[1] ? range[1].add(1, 'day').startOf('day').toISOString() : undefined,
    });

  const columns: TableProps<Order>['columns'] = [
    {
      title: t('orders.fields.externalId'),
      dataIndex: 'externalId',
      render: (v: string, o) => (
        <a onClick={() => setOpenId(o.id)} data-testid={`order-open-${v}`}>
          {v}
        </a>
      ),
    },
    {
      title: t('orders.fields.customer'),
      dataIndex: ['customer', 'name'],
      render: (v: string, o) => (canSeeCustomers ? <Link to={`/customers/${o.customer.id}`}>{v}</Link> : v),
    },
    { title: t('orders.fields.placedAt'), dataIndex: 'placedAt', render: (v: string) => fmt.dateTime(v) },
    { title: t('orders.fields.source'), dataIndex: 'source', render: (s: string) => sourceLabel(t, s) },
    { title: t('orders.fields.store'), dataIndex: ['store', 'name'], render: (v?: string) => v ?? '—' },
    {
      title: t('orders.fields.status'),
      dataIndex: 'status',
      render: (v: OrderStatus) => <OrderStatusTag status={v} />,
    },
    {
      title: t('orders.fields.itemCount'),
      key: 'itemCount',
      align: 'right',
      render: (_, o) => fmt.number(o.items.reduce((n, i) => n + i.quantity, 0)),
    },
    {
      title: t('orders.fields.paidAmount'),
      dataIndex: 'paidAmount',
      align: 'right',
      render: (v: string) => fmt.money(v),
    },
    {
      title: t('orders.fields.refundedAmount'),
      dataIndex: 'refundedAmount',
      align: 'right',
      render: (v: string) => (v === '0.00' ? '—' : fmt.money(v)),
    },
  ];

  return (
    <>
      <PageHeader title={t('nav.items.orders')} description={t('orders.description')} />
      <Card>
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          <Input.Search
            placeholder={t('orders.searchPlaceholder')}
            allowClear
            onSearch={(q) => setFilter({ search: q.trim() || undefined })}
            style={{ width: 240 }}
            data-testid="order-search"
          />
          <Select
            placeholder={t('orders.fields.status')}
            allowClear
            options={orderStatuses.map((s) => ({ value: s, label: t(`orders.status.${s}`) }))}
            onChange={(v?: OrderStatus) => setFilter({ status: v })}
            style={{ width: 160 }}
            data-testid="order-filter-status"
          />
          <Input.Search
            placeholder={t('orders.fields.source')}
            allowClear
            onSearch={(s) => setFilter({ source: s.trim() || undefined })}
            style={{ width: 160 }}
            data-testid="order-filter-source"
          />
          <DatePicker.RangePicker onChange={(r) => setRange(r)} data-testid="order-filter-placed" />
          {filters.customerId ? (
            <Select
              value="customer"
              options={[{ value: 'customer', label: t('orders.oneCustomer') }]}
              allowClear
              onClear={() => setFilter({ customerId: undefined })}
              style={{ width: 180 }}
            />
          ) : null}
        </Flex>
        {orders.error ? (
          <ErrorResult error={orders.error} onRetry={() => void orders.refetch()} />
        ) : (
          <>
            <Table
              rowKey="id"
              columns={columns}
              dataSource={orders.data?.items ?? []}
              loading={orders.isFetching}
              pagination={false}
              data-testid="orders-table"
              scroll={{ x: 1000 }}
            />
            <CursorPager pager={pager} nextCursor={orders.data?.nextCursor} loading={orders.isFetching} />
          </>
        )}
      </Card>
      <OrderDrawer id={openId} onClose={() => setOpenId(null)} />
    </>
  );
}

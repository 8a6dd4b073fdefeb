import { useState } from 'react';
import {
  Badge,
  Button,
  Card,
  Col,
  Flex,
  Row,
  Segmented,
  Select,
  Statistic,
  Table,
  Tag,
  Typography,
  type TableProps,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../app/session';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { useTouchpointRegistry, type Touchpoint, type TouchpointFilters } from './api';
import { TouchpointActivityCard } from './TouchpointActivityCard';
import { TouchpointDrawer, useTypeOptions } from './TouchpointDrawer';

type ChannelFilter = 'all' | 'online' | 'offline';
type StatusFilter = 'true' | 'false' | undefined;

/** The touchpoint registry: where customers meet the business, with activity counted per touchpoint. */
export function TouchpointsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const canManage = useCan('customers.manage');
  const [channel, setChannel] = useState<ChannelFilter>('all');
  const [type, setType] = useState<TouchpointFilters['type']>();
  const [isActive, setIsActive] = useState<StatusFilter>('true');
  const filters: TouchpointFilters = { channel: channel === 'all' ? undefined : channel, type, isActive };
  const list = useTouchpointRegistry(filters);
  const typeOptions = useTypeOptions();
  const [editing, setEditing] = useState<Touchpoint | 'new' | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const items = list.data ?? [];
  // the chart follows the selection, else the busiest touchpoint in view
  const selected =
    items.find((tp) => tp.id === selectedId) ??
    [...items].sort((a, b) => b.activityCount30d - a.activityCount30d)[0] ??
    null;

  if (list.error) return <ErrorResult error={list.error} onRetry={() => void list.refetch()} />;

  const columns: TableProps<Touchpoint>['columns'] = [
    {
      title: t('touchpoints.fields.name'),
      dataIndex: 'name',
      render: (name: string, tp) => (
        <Flex vertical>
          <a onClick={() => setSelectedId(tp.id)} data-testid={`touchpoint-row-${tp.code}`}>
            {name}
          </a>
          <Typography.Text type="secondary">{tp.code}</Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('touchpoints.fields.channel'),
      dataIndex: 'channel',
      render: (c: Touchpoint['channel']) => (
        <Tag color={c === 'online' ? 'blue' : 'green'}>{t(`touchpoints.channels.${c}`)}</Tag>
      ),
    },
    {
      title: t('touchpoints.fields.type'),
      dataIndex: 'type',
      render: (v: string) => t(`touchpoints.types.${v}`, { defaultValue: v }),
    },
    {
      title: t('touchpoints.fields.region'),
      key: 'region',
      render: (_, tp) => [tp.province, tp.city].filter(Boolean).join(' / ') || '—',
    },
    {
      title: t('touchpoints.fields.customerCount'),
      dataIndex: 'customerCount',
      align: 'right',
      sorter: (a, b) => a.customerCount - b.customerCount,
      render: (n: number) => fmt.number(n),
    },
    {
      title: t('touchpoints.fields.activityCount30d'),
      dataIndex: 'activityCount30d',
      align: 'right',
      sorter: (a, b) => a.activityCount30d - b.activityCount30d,
      render: (n: number) => fmt.number(n),
    },
    {
      title: t('touchpoints.fields.isActive'),
      dataIndex: 'isActive',
      render: (v: boolean) => (
        <Badge status={v ? 'success' : 'default'} text={v ? t('touchpoints.active') : t('touchpoints.inactive')} />
      ),
    },
    ...(canManage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, tp: Touchpoint) => (
              <a onClick={() => setEditing(tp)} data-testid={`touchpoint-edit-${tp.code}`}>
                {t('common.edit')}
              </a>
            ),
          },
        ]
      : []),
  ];

  const online = items.filter((tp) => tp.channel === 'online');
  const offline = items.filter((tp) => tp.channel === 'offline');
  const sum = (tps: Touchpoint[]) => tps.reduce((n, tp) => n + tp.activityCount30d, 0);

  return (
    <>
      <PageHeader
        title={t('nav.items.touchpoints')}
        description={t('touchpoints.description')}
        extra={
          canManage ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing('new')}
              data-testid="touchpoint-create"
            >
              {t('touchpoints.create')}
            </Button>
          ) : null
        }
      />
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('touchpoints.stats.online')} value={online.length} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('touchpoints.stats.offline')} value={offline.length} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('touchpoints.stats.onlineActivity')} value={sum(online)} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('touchpoints.stats.offlineActivity')} value={sum(offline)} />
          </Card>
        </Col>
      </Row>
      <Card style={{ marginBottom: 16 }}>
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          <Segmented<ChannelFilter>
            value={channel}
            onChange={(v) => {
              setChannel(v);
              setType(undefined);
            }}
            options={[
              { value: 'all', label: t('touchpoints.channels.all') },
              { value: 'offline', label: t('touchpoints.channels.offline') },
              { value: 'online', label: t('touchpoints.channels.online') },
            ]}
            data-testid="touchpoint-filter-channel"
          />
          <Select
            placeholder={t('touchpoints.fields.type')}
            allowClear
            value={type}
            onChange={(v?: TouchpointFilters['type']) => setType(v)}
            options={channel === 'all' ? typeOptions : typeOptions.filter((g) => g.title === channel)}
            style={{ width: 200 }}
            data-testid="touchpoint-filter-type"
          />
          <Select<StatusFilter>
            value={isActive}
            onChange={(v) => setIsActive(v)}
            allowClear
            placeholder={t('touchpoints.allStatuses')}
            options={[
              { value: 'true', label: t('touchpoints.active') },
              { value: 'false', label: t('touchpoints.inactive') },
            ]}
            style={{ width: 140 }}
            data-testid="touchpoint-filter-status"
          />
        </Flex>
        <Table<Touchpoint>
          rowKey="id"
          size="middle"
          loading={list.isLoading}
          columns={columns}
          dataSource={items}
          pagination={items.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
          rowClassName={(tp) => (tp.id === selected?.id ? 'ant-table-row-selected' : '')}
          onRow={(tp) => ({ onClick: () => setSelectedId(tp.id) })}
          data-testid="touchpoint-table"
        />
      </Card>
      {selected ? <TouchpointActivityCard touchpoint={selected} /> : null}
      <TouchpointDrawer touchpoint={editing} onClose={() => setEditing(null)} />
    </>
  );
}

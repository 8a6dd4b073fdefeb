import { useState } from 'react';
import { Badge, Button, Card, Flex, Table, Tabs, Tag, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../app/session';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { useSources, type Source } from './api';
import { CreateSourceModal } from './CreateSourceModal';
import { SourceDrawer } from './SourceDrawer';
import { TraitMappingCard } from './TraitMappingCard';

/** Tracking sources (website, app, mini program, server) with their write keys, live debugger and the trait mapping. */
export function SourcesPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const canCreate = useCan('ingest.create');
  const list = useSources();
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const items = list.data ?? [];
  const open = items.find((s) => s.id === openId) ?? null;

  if (list.error) return <ErrorResult error={list.error} onRetry={() => void list.refetch()} />;

  const columns: TableProps<Source>['columns'] = [
    {
      title: t('tracking.fields.name'),
      dataIndex: 'name',
      render: (name: string, s) => (
        <a onClick={() => setOpenId(s.id)} data-testid={`source-row-${name}`}>
          {name}
        </a>
      ),
    },
    {
      title: t('tracking.fields.type'),
      dataIndex: 'type',
      render: (v: string) => <Tag>{t(`tracking.types.${v}`)}</Tag>,
    },
    {
      title: t('tracking.fields.touchpoint'),
      key: 'touchpoint',
      render: (_, s) => s.touchpoint?.name ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: t('tracking.fields.writeKey'),
      key: 'key',
      render: (_, s) => {
        const active = s.keys.filter((k) => k.isActive);
        return active.length ? (
          active.map((k) => <code key={k.id}>{k.prefix}… </code>)
        ) : (
          <Tag>{t('tracking.keys.none')}</Tag>
        );
      },
    },
    {
      title: t('tracking.fields.status'),
      dataIndex: 'status',
      render: (v: Source['status']) => (
        <Badge status={v === 'active' ? 'success' : 'default'} text={t(`tracking.status.${v}`)} />
      ),
    },
    {
      title: t('tracking.fields.lastEventAt'),
      dataIndex: 'lastEventAt',
      render: (v: string | null) => (v ? <span title={fmt.dateTime(v)}>{fmt.ago(v)}</span> : t('tracking.never')),
    },
    {
      title: t('tracking.fields.eventsLast24h'),
      dataIndex: 'eventsLast24h',
      align: 'right',
      render: (n: number) => (n >= 10_000 ? `${fmt.number(10_000)}+` : fmt.number(n)),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.items.sources')}
        description={t('tracking.description')}
        extra={
          canCreate ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="source-create"
            >
              {t('tracking.create')}
            </Button>
          ) : null
        }
      />
      <Tabs
        items={[
          {
            key: 'sources',
            label: t('tracking.tabs.sources'),
            children: (
              <Card>
                <Table<Source>
                  rowKey="id"
                  loading={list.isLoading}
                  columns={columns}
                  dataSource={items}
                  pagination={false}
                  locale={{ emptyText: t('tracking.empty') }}
                  data-testid="sources-table"
                />
              </Card>
            ),
          },
          { key: 'mapping', label: t('tracking.tabs.mapping'), children: <TraitMappingCard /> },
        ]}
      />
      <Flex>
        <CreateSourceModal open={creating} onClose={() => setCreating(false)} onCreated={(id) => setOpenId(id)} />
        <SourceDrawer source={open} onClose={() => setOpenId(null)} />
      </Flex>
    </>
  );
}

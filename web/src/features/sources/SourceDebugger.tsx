import { useState } from 'react';
import { Badge, Empty, Flex, Switch, Table, Tag, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorResult } from '../../components/ErrorResult';
import { useFormat } from '../../i18n/format';
import { useSourceDebugger, type DebuggerEntry } from './api';

/**
 * The live debugger: the latest events a source sent, accepted or refused with the reason,
 * newest first, asked for again every two seconds while "live" is on.
 */
export function SourceDebugger({ sourceId }: { sourceId: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [live, setLive] = useState(true);
  const feed = useSourceDebugger(sourceId, live);

  if (feed.error) return <ErrorResult error={feed.error} onRetry={() => void feed.refetch()} />;

  const who = (e: DebuggerEntry) => {
    if (e.customerId)
      return (
        <Link to={`/customers/${e.customerId}`} data-testid="debugger-customer">
          {e.userId ?? e.anonymousId ?? t('tracking.debugger.customer')}
        </Link>
      );
    return e.userId ?? e.anonymousId ?? '—';
  };

  const columns: TableProps<DebuggerEntry>['columns'] = [
    {
      title: t('tracking.debugger.receivedAt'),
      dataIndex: 'receivedAt',
      width: 170,
      render: (v: string) => fmt.dateTime(v),
    },
    {
      title: t('tracking.debugger.status'),
      dataIndex: 'status',
      width: 90,
      render: (s: DebuggerEntry['status']) =>
        s === 'accepted' ? (
          <Tag color="green">{t('tracking.debugger.accepted')}</Tag>
        ) : (
          <Tag color="red">{t('tracking.debugger.refused')}</Tag>
        ),
    },
    {
      title: t('tracking.debugger.type'),
      dataIndex: 'type',
      width: 90,
      render: (v: string | null) => (v ? <Typography.Text code>{v}</Typography.Text> : '—'),
    },
    {
      title: t('tracking.debugger.event'),
      key: 'event',
      render: (_, e) => (
        <Flex vertical>
          <span data-testid="debugger-event">{e.event ?? e.url ?? '—'}</span>
          {e.status === 'refused' ? (
            <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="debugger-reason">
              {t(`tracking.refusals.${e.reason ?? 'unknown'}`, { defaultValue: e.reason ?? '' })}
              {e.field ? ` (${e.field})` : ''}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    { title: t('tracking.debugger.who'), key: 'who', render: (_, e) => who(e) },
  ];

  return (
    <Flex vertical gap={8}>
      <Flex justify="space-between" align="center">
        <Badge
          status={live ? 'processing' : 'default'}
          text={live ? t('tracking.debugger.live') : t('tracking.debugger.paused')}
        />
        <Switch
          checked={live}
          onChange={setLive}
          checkedChildren={t('tracking.debugger.liveSwitch')}
          unCheckedChildren={t('tracking.debugger.pausedSwitch')}
          data-testid="debugger-live"
        />
      </Flex>
      <Table<DebuggerEntry>
        rowKey="id"
        size="small"
        loading={feed.isLoading}
        columns={columns}
        dataSource={feed.data ?? []}
        pagination={false}
        scroll={{ y: 480 }}
        locale={{ emptyText: <Empty description={t('tracking.debugger.empty')} /> }}
        expandable={{
          rowExpandable: (e) => e.status === 'accepted',
          expandedRowRender: (e) => (
            <pre style={{ margin: 0, fontSize: 12, maxHeight: 300, overflow: 'auto' }}>
              {JSON.stringify(
                { messageId: e.messageId, timestamp: e.timestamp, properties: e.properties, context: e.context },
                null,
                2,
              )}
            </pre>
          ),
        }}
        data-testid="debugger-table"
      />
    </Flex>
  );
}

import { useState } from 'react';
import { App, Button, Card, Flex, Space, Table, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useCan } from '../../app/session';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { buttonWithTestId } from '../../components/test-id';
import { useFormat } from '../../i18n/format';
import { useConnections, useDeleteConnection, useRegenerateSecret, type Connection } from './api';
import { ConnectionModal } from './ConnectionModal';
import { DeliveriesDrawer } from './DeliveriesDrawer';
import { SetupModal } from './SetupModal';

/** Shops that send orders and customers to Kehu: their endpoints, secrets and delivery logs. */
export function WebhooksPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { modal, message } = App.useApp();
  const canCreate = useCan('ingest.create');
  const canEdit = useCan('ingest.edit');
  const canDelete = useCan('ingest.delete');
  const connections = useConnections();
  const regenerate = useRegenerateSecret();
  const remove = useDeleteConnection();
  const [editing, setEditing] = useState<Connection | 'new' | null>(null);
  const [logOf, setLogOf] = useState<string | null>(null);
  const [created, setCreated] = useState<{ connection: Connection; secret: string | null } | null>(null);
  const items = connections.data ?? [];
  const logConnection = items.find((c) => c.id === logOf) ?? null;

  const failed = (err: unknown) => message.error(isApiError(err) ? err.message : t('errors.unexpected'));

  const confirmRegenerate = (c: Connection) =>
    modal.confirm({
      title: t('webhooks.regenerateConfirm', { name: c.name }),
      content: t('webhooks.regenerateHint'),
      okText: t('webhooks.regenerate'),
      okButtonProps: buttonWithTestId('confirm-ok', { danger: true }),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          setCreated(await regenerate.mutateAsync(c.id));
        } catch (err) {
          failed(err);
        }
      },
    });

  const confirmDelete = (c: Connection) =>
    modal.confirm({
      title: t('webhooks.deleteConfirm', { name: c.name }),
      content: t('webhooks.deleteHint'),
      okText: t('common.delete'),
      okButtonProps: buttonWithTestId('confirm-ok', { danger: true }),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await remove.mutateAsync(c.id);
          message.success(t('webhooks.deleted'));
        } catch (err) {
          failed(err);
        }
      },
    });

  const columns: TableProps<Connection>['columns'] = [
    {
      title: t('webhooks.fields.name'),
      dataIndex: 'name',
      width: 260,
      render: (name: string, c) => (
        <Flex vertical gap={4}>
          <a onClick={() => setLogOf(c.id)} data-testid={`webhook-open-${c.name}`}>
            {name}
          </a>
          <Flex gap={6} align="center" wrap>
            <Tag color={c.kind === 'shopify' ? 'green' : 'geekblue'} style={{ marginInlineEnd: 0 }}>
              {t(`webhooks.kinds.${c.kind}`)}
            </Tag>
            <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
              {c.shopDomain ?? c.source}
            </Typography.Text>
          </Flex>
        </Flex>
      ),
    },
    {
      title: t('webhooks.fields.touchpoint'),
      dataIndex: ['touchpoint', 'name'],
      render: (v?: string) => v ?? '—',
    },
    {
      title: t('webhooks.fields.endpointUrl'),
      dataIndex: 'endpointUrl',
      width: 300,
      render: (url: string, c) => (
        <Typography.Text
          code
          copyable={{ text: url, tooltips: [t('common.copy'), t('common.copied')] }}
          ellipsis={{ tooltip: url }}
          style={{ maxWidth: 280 }}
          data-testid={`webhook-endpoint-${c.name}`}
        >
          {url}
        </Typography.Text>
      ),
    },
    {
      title: t('webhooks.fields.last7Days'),
      key: 'last7Days',
      width: 130,
      render: (_, c) => (
        <Space size={4}>
          <Tooltip title={t('webhooks.outcomes.processed')}>
            <Tag color="green">{fmt.number(c.last7Days.processed)}</Tag>
          </Tooltip>
          <Tooltip title={t('webhooks.outcomes.ignored')}>
            <Tag>{fmt.number(c.last7Days.ignored)}</Tag>
          </Tooltip>
          <Tooltip title={t('webhooks.outcomes.failed')}>
            <Tag color={c.last7Days.failed ? 'red' : undefined}>{fmt.number(c.last7Days.failed)}</Tag>
          </Tooltip>
        </Space>
      ),
    },
    {
      title: t('webhooks.fields.lastDeliveryAt'),
      dataIndex: 'lastDeliveryAt',
      width: 170,
      render: (v: string | null, c) => (
        <Flex vertical>
          <span title={v ? fmt.dateTime(v) : undefined}>{v ? fmt.ago(v) : t('webhooks.never')}</span>
          {c.rejectedCount > 0 ? (
            <Tooltip title={t('webhooks.rejectedHint')}>
              <Typography.Text type="warning" style={{ fontSize: 12 }}>
                <WarningOutlined /> {t('webhooks.rejected', { count: c.rejectedCount, ago: fmt.ago(c.lastRejectedAt) })}
              </Typography.Text>
            </Tooltip>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 230,
      render: (_, c) => (
        <Space size={12} wrap>
          <a onClick={() => setLogOf(c.id)} data-testid={`webhook-log-${c.name}`}>
            {t('webhooks.viewLog')}
          </a>
          {canEdit ? (
            <a onClick={() => setEditing(c)} data-testid={`webhook-edit-${c.name}`}>
              {t('common.edit')}
            </a>
          ) : null}
          {canEdit && c.kind === 'generic' ? (
            <a onClick={() => confirmRegenerate(c)} data-testid={`webhook-regenerate-${c.name}`}>
              {t('webhooks.regenerate')}
            </a>
          ) : null}
          {canDelete ? (
            <a onClick={() => confirmDelete(c)} style={{ color: '#cf1322' }} data-testid={`webhook-delete-${c.name}`}>
              {t('common.delete')}
            </a>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.items.webhooks')}
        description={t('webhooks.description')}
        extra={
          canCreate ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing('new')}
              data-testid="webhook-create"
            >
              {t('webhooks.create')}
            </Button>
          ) : null
        }
      />
      <Card>
        {connections.error ? (
          <ErrorResult error={connections.error} onRetry={() => void connections.refetch()} />
        ) : (
          <Table
            rowKey="id"
            columns={columns}
            dataSource={items}
            loading={connections.isLoading}
            pagination={false}
            locale={{ emptyText: t('webhooks.empty') }}
            data-testid="webhooks-table"
          />
        )}
      </Card>
      <ConnectionModal
        connection={editing}
        onClose={() => setEditing(null)}
        onCreated={(connection, secret) => {
          setEditing(null);
          setCreated({ connection, secret });
        }}
      />
      <SetupModal created={created} onClose={() => setCreated(null)} />
      <DeliveriesDrawer connection={logConnection} onClose={() => setLogOf(null)} />
    </>
  );
}

import { useState } from 'react';
import { App, Button, Card, Popover, Table, Tag, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { useApiKeys, useRevokeApiKey, type ApiKey } from './api';
import { CreateApiKeyModal } from './CreateApiKeyModal';
import { buttonWithTestId } from '../../components/test-id';

function status(k: ApiKey): 'revoked' | 'expired' | 'active' {
  if (k.revokedAt) return 'revoked';
  if (k.expiresAt && new Date(k.expiresAt).getTime() < Date.now()) return 'expired';
  return 'active';
}

export function ApiKeysPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { modal, message } = App.useApp();
  const keys = useApiKeys();
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);

  const confirmRevoke = (k: ApiKey) =>
    modal.confirm({
      title: t('apiKeys.revokeConfirm', { name: k.name }),
      content: t('apiKeys.revokeHint'),
      okText: t('apiKeys.revoke'),
      okButtonProps: buttonWithTestId('confirm-ok', { danger: true }),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await revoke.mutateAsync(k.id);
          message.success(t('apiKeys.revoked'));
        } catch (err) {
          message.error(isApiError(err) ? err.message : t('errors.unexpected'));
        }
      },
    });

  const columns: TableProps<ApiKey>['columns'] = [
    { title: t('fields.label'), dataIndex: 'name' },
    {
      title: t('apiKeys.prefix'),
      dataIndex: 'prefix',
      render: (p: string) => <Typography.Text code>{p}…</Typography.Text>,
    },
    {
      title: t('apiKeys.scope'),
      dataIndex: 'permissions',
      render: (perms: string[]) => (
        <Popover
          content={
            <div style={{ maxWidth: 360 }}>
              {perms.map((p) => (
                <Tag key={p}>{p}</Tag>
              ))}
            </div>
          }
        >
          <a>{t('apiKeys.permissionCount', { count: perms.length })}</a>
        </Popover>
      ),
    },
    { title: t('apiKeys.createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
    {
      title: t('apiKeys.lastUsed'),
      dataIndex: 'lastUsedAt',
      render: (v: string | null) => (v ? <span title={fmt.dateTime(v)}>{fmt.ago(v)}</span> : t('apiKeys.neverUsed')),
    },
    {
      title: t('apiKeys.expiresAt'),
      dataIndex: 'expiresAt',
      render: (v: string | null) => (v ? fmt.date(v) : t('apiKeys.never')),
    },
    {
      title: t('fields.status'),
      key: 'status',
      render: (_, k) => {
        const s = status(k);
        return (
          <Tag color={s === 'active' ? 'green' : s === 'expired' ? 'orange' : 'default'}>
            {t(`apiKeys.status.${s}`)}
          </Tag>
        );
      },
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, k) =>
        k.revokedAt ? null : (
          <a onClick={() => confirmRevoke(k)} style={{ color: '#cf1322' }} data-testid={`api-key-revoke-${k.name}`}>
            {t('apiKeys.revoke')}
          </a>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.items.apiKeys')}
        description={t('apiKeys.description')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="api-key-create">
            {t('apiKeys.create')}
          </Button>
        }
      />
      <Card>
        {keys.error ? (
          <ErrorResult error={keys.error} onRetry={() => void keys.refetch()} />
        ) : (
          <Table
            rowKey="id"
            columns={columns}
            dataSource={keys.data ?? []}
            loading={keys.isLoading}
            pagination={false}
            data-testid="api-keys-table"
          />
        )}
      </Card>
      <CreateApiKeyModal open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

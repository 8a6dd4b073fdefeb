import { useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Drawer,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useCan } from '../../app/session';
import { applyServerErrors } from '../../components/forms';
import { buttonWithTestId } from '../../components/test-id';
import { useFormat } from '../../i18n/format';
import { useTouchpoints } from '../customers/api';
import { useDeleteSource, useRevokeKey, useRotateKey, useUpdateSource, type Source, type SourceWithKey } from './api';
import { SourceDebugger } from './SourceDebugger';
import { Snippets } from './Snippets';

type WriteKey = Source['keys'][number];

function KeysTab({ source }: { source: Source }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { message } = App.useApp();
  const canManage = useCan('ingest.manage');
  const rotate = useRotateKey();
  const revoke = useRevokeKey();
  const [grace, setGrace] = useState(24);
  const [rotated, setRotated] = useState<SourceWithKey | null>(null);
  const fail = (err: unknown) => message.error(isApiError(err) ? err.message : t('errors.unexpected'));
  const active = source.keys.find((k) => k.isActive);

  return (
    <Flex vertical gap={16}>
      <Table<WriteKey>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={source.keys}
        columns={[
          { title: t('tracking.keys.prefix'), dataIndex: 'prefix', render: (v: string) => <code>{v}…</code> },
          { title: t('tracking.keys.createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
          {
            title: t('tracking.keys.status'),
            key: 'status',
            render: (_, k) =>
              k.revokedAt ? (
                <Tag>{t('tracking.keys.revoked')}</Tag>
              ) : !k.isActive ? (
                <Tag>{t('tracking.keys.expired')}</Tag>
              ) : k.expiresAt ? (
                <Tag color="orange">{t('tracking.keys.expiresAt', { at: fmt.dateTime(k.expiresAt) })}</Tag>
              ) : (
                <Tag color="green">{t('tracking.keys.active')}</Tag>
              ),
          },
          ...(canManage
            ? [
                {
                  key: 'actions',
                  render: (_: unknown, k: WriteKey) =>
                    k.isActive ? (
                      <Popconfirm
                        title={t('tracking.keys.revokeConfirm')}
                        onConfirm={() => revoke.mutateAsync({ id: source.id, keyId: k.id }).catch(fail)}
                      >
                        <a data-testid={`key-revoke-${k.prefix}`}>{t('tracking.keys.revoke')}</a>
                      </Popconfirm>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      {canManage ? (
        <Flex gap={8} align="center" wrap>
          <span>{t('tracking.keys.graceLabel')}</span>
          <InputNumber
            min={0}
            max={720}
            value={grace}
            onChange={(v) => setGrace(v ?? 0)}
            suffix={t('tracking.keys.hours')}
          />
          <Button
            onClick={() => rotate.mutateAsync({ id: source.id, graceHours: grace }).then(setRotated).catch(fail)}
            loading={rotate.isPending}
            data-testid="key-rotate"
          >
            {t('tracking.keys.rotate')}
          </Button>
        </Flex>
      ) : null}
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('tracking.setup')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('tracking.setupHint', { prefix: active?.prefix ?? 'wk_…' })}
      </Typography.Paragraph>
      <Snippets writeKey="YOUR_WRITE_KEY" type={source.type} />
      <Modal
        open={!!rotated}
        title={t('tracking.keys.rotatedTitle')}
        onOk={() => setRotated(null)}
        onCancel={() => setRotated(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
        okText={t('tracking.savedIt')}
      >
        <Alert type="warning" showIcon title={t('tracking.showOnce')} style={{ marginBottom: 16 }} />
        <Typography.Paragraph
          code
          copyable={{ text: rotated?.writeKey ?? '', tooltips: [t('common.copy'), t('common.copied')] }}
          style={{ wordBreak: 'break-all' }}
          data-testid="rotated-write-key"
        >
          {rotated?.writeKey}
        </Typography.Paragraph>
      </Modal>
    </Flex>
  );
}

type SettingsValues = { name: string; touchpointId: string | null; rateLimit: number; enabled: boolean };

function SettingsTab({ source, onDeleted }: { source: Source; onDeleted: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canEdit = useCan('ingest.edit');
  const canDelete = useCan('ingest.delete');
  const [form] = Form.useForm<SettingsValues>();
  const update = useUpdateSource();
  const remove = useDeleteSource();
  const touchpoints = useTouchpoints();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    form.setFieldsValue({
      name: source.name,
      touchpointId: source.touchpoint?.id ?? null,
      rateLimit: source.rateLimit,
      enabled: source.status === 'active',
    });
  }, [form, source]);

  const save = async () => {
    const v = await form.validateFields();
    setError(null);
    try {
      await update.mutateAsync({
        id: source.id,
        body: {
          name: v.name,
          touchpointId: v.touchpointId ?? null,
          rateLimit: v.rateLimit,
          status: v.enabled ? 'active' : 'disabled',
        },
      });
      message.success(t('common.saved'));
    } catch (err) {
      setError(applyServerErrors(form, err, ['name', 'touchpointId', 'rateLimit', 'status']));
    }
  };

  return (
    <Form form={form} layout="vertical" disabled={!canEdit}>
      {error ? <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} /> : null}
      <Form.Item name="name" label={t('tracking.fields.name')} rules={[{ required: true, whitespace: true }]}>
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="touchpointId" label={t('tracking.fields.touchpoint')}>
        <Select allowClear options={(touchpoints.data ?? []).map((tp) => ({ value: tp.id, label: tp.name }))} />
      </Form.Item>
      <Form.Item name="rateLimit" label={t('tracking.fields.rateLimit')} extra={t('tracking.rateLimitHint')}>
        <InputNumber min={1} max={1_000_000} style={{ width: 200 }} suffix={t('tracking.perSecond')} />
      </Form.Item>
      <Form.Item name="enabled" label={t('tracking.fields.status')} valuePropName="checked">
        <Switch checkedChildren={t('tracking.status.active')} unCheckedChildren={t('tracking.status.disabled')} />
      </Form.Item>
      <Flex justify="space-between">
        {canEdit ? (
          <Button type="primary" onClick={() => void save()} loading={update.isPending} data-testid="source-save">
            {t('common.save')}
          </Button>
        ) : (
          <span />
        )}
        {canDelete ? (
          <Popconfirm
            title={t('tracking.deleteConfirm')}
            onConfirm={() =>
              remove
                .mutateAsync(source.id)
                .then(onDeleted)
                .catch((err: unknown) => message.error(isApiError(err) ? err.message : t('errors.unexpected')))
            }
            okButtonProps={{ danger: true, ...buttonWithTestId('source-delete-confirm') }}
          >
            <Button danger disabled={false} data-testid="source-delete">
              {t('common.delete')}
            </Button>
          </Popconfirm>
        ) : null}
      </Flex>
    </Form>
  );
}

/** One source: its live debugger, keys and set-up, and settings. */
export function SourceDrawer({ source, onClose }: { source: Source | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Drawer
      open={!!source}
      onClose={onClose}
      width={960}
      destroyOnHidden
      title={
        source ? (
          <Flex gap={8} align="center">
            <span>{source.name}</span>
            <Tag>{t(`tracking.types.${source.type}`)}</Tag>
          </Flex>
        ) : null
      }
      data-testid="source-drawer"
    >
      {source ? (
        <Tabs
          items={[
            { key: 'debugger', label: t('tracking.tabs.debugger'), children: <SourceDebugger sourceId={source.id} /> },
            { key: 'keys', label: t('tracking.tabs.keys'), children: <KeysTab source={source} /> },
            {
              key: 'settings',
              label: t('tracking.tabs.settings'),
              children: <SettingsTab source={source} onDeleted={onClose} />,
            },
          ]}
        />
      ) : null}
    </Drawer>
  );
}

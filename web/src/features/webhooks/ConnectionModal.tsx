import { useEffect, useState } from 'react';
import { Alert, Form, Input, Modal, Radio, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../app/session';
import { applyServerErrors } from '../../components/forms';
import { buttonWithTestId } from '../../components/test-id';
import { useTouchpoints } from '../customers/api';
import { useCreateConnection, useUpdateConnection, type Connection } from './api';

type Kind = Connection['kind'];
type Values = {
  kind: Kind;
  name: string;
  shopDomain?: string;
  secret?: string;
  source?: string;
  touchpointId?: string;
};
const fieldNames = ['kind', 'name', 'shopDomain', 'secret', 'source', 'touchpointId'];

/**
 * Connect a shop, or change a connection. A Shopify connection takes the signing secret the shop
 * shows (kept encrypted, never shown again: editing only replaces it); a generic one gets a
 * secret from Kehu, which `onCreated` shows once.
 */
export function ConnectionModal({
  connection,
  onClose,
  onCreated,
}: {
  connection: Connection | 'new' | null;
  onClose: () => void;
  onCreated: (connection: Connection, secret: string | null) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const create = useCreateConnection();
  const update = useUpdateConnection();
  const canSeeTouchpoints = useCan('customers.view');
  const touchpoints = useTouchpoints();
  const [error, setError] = useState<string | null>(null);
  const existing = connection && connection !== 'new' ? connection : null;
  const kind = Form.useWatch('kind', form) ?? existing?.kind ?? 'shopify';

  useEffect(() => {
    if (!connection) return;
    setError(null);
    form.resetFields();
    if (existing)
      form.setFieldsValue({
        kind: existing.kind,
        name: existing.name,
        touchpointId: existing.touchpoint?.id,
      });
    else form.setFieldsValue({ kind: 'shopify' });
  }, [connection, existing, form]);

  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    try {
      if (existing) {
        await update.mutateAsync({
          id: existing.id,
          body: {
            name: v.name,
            touchpointId: v.touchpointId ?? null,
            ...(existing.kind === 'shopify' && v.secret ? { secret: v.secret } : {}),
          },
        });
        onClose();
        return;
      }
      const res = await create.mutateAsync(
        v.kind === 'shopify'
          ? {
              kind: 'shopify',
              name: v.name,
              shopDomain: v.shopDomain ?? '',
              secret: v.secret ?? '',
              touchpointId: v.touchpointId ?? null,
            }
          : { kind: 'generic', name: v.name, source: v.source ?? '', touchpointId: v.touchpointId ?? null },
      );
      onCreated(res.connection, res.secret);
    } catch (err) {
      setError(applyServerErrors(form, err, fieldNames));
    }
  };

  return (
    <Modal
      open={!!connection}
      title={existing ? t('webhooks.edit') : t('webhooks.create')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={existing ? t('common.save') : t('webhooks.createButton')}
      confirmLoading={create.isPending || update.isPending}
      okButtonProps={buttonWithTestId('webhook-save')}
      destroyOnHidden
      width={600}
    >
      {error ? <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item name="kind" label={t('webhooks.fields.kind')}>
          <Radio.Group disabled={!!existing} data-testid="webhook-kind">
            <Radio.Button value="shopify" data-testid="webhook-kind-shopify">
              {t('webhooks.kinds.shopify')}
            </Radio.Button>
            <Radio.Button value="generic" data-testid="webhook-kind-generic">
              {t('webhooks.kinds.generic')}
            </Radio.Button>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="name"
          label={t('webhooks.fields.name')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input maxLength={100} placeholder={t('webhooks.namePlaceholder')} data-testid="webhook-name" />
        </Form.Item>
        {kind === 'shopify' && !existing ? (
          <Form.Item
            name="shopDomain"
            label={t('webhooks.fields.shopDomain')}
            extra={t('webhooks.shopDomainHint')}
            rules={[{ required: true, message: t('validation.required') }]}
          >
            <Input placeholder="my-shop.myshopify.com" data-testid="webhook-shop-domain" />
          </Form.Item>
        ) : null}
        {kind === 'shopify' ? (
          <Form.Item
            name="secret"
            label={existing ? t('webhooks.fields.newSecret') : t('webhooks.fields.secret')}
            extra={existing ? t('webhooks.newSecretHint') : t('webhooks.secretHint')}
            rules={existing ? [] : [{ required: true, message: t('validation.required') }]}
          >
            <Input.Password autoComplete="new-password" data-testid="webhook-secret" />
          </Form.Item>
        ) : null}
        {kind === 'generic' && !existing ? (
          <Form.Item
            name="source"
            label={t('webhooks.fields.source')}
            extra={t('webhooks.sourceHint')}
            rules={[{ required: true, message: t('validation.required') }]}
          >
            <Input maxLength={40} placeholder="youzan" data-testid="webhook-source" />
          </Form.Item>
        ) : null}
        {canSeeTouchpoints ? (
          <Form.Item name="touchpointId" label={t('webhooks.fields.touchpoint')} extra={t('webhooks.touchpointHint')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              loading={touchpoints.isLoading}
              options={(touchpoints.data ?? []).map((tp) => ({ value: tp.id, label: tp.name }))}
              data-testid="webhook-touchpoint"
            />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

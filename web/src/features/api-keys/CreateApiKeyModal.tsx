import { useState } from 'react';
import { Alert, DatePicker, Form, Input, Modal, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { applyServerErrors } from '../../components/forms';
import { usePermissionCatalogue } from '../staff/api';
import { PermissionMatrix } from '../staff/PermissionMatrix';
import { useCreateApiKey } from './api';
import { buttonWithTestId } from '../../components/test-id';

type Values = { name: string; permissions: string[]; expiresAt?: Dayjs | null };

/** Creates a key, then shows its secret exactly once with a copy button. */
export function CreateApiKeyModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const catalogue = usePermissionCatalogue();
  const create = useCreateApiKey();
  const [error, setError] = useState<string | null>(null);
  const [token, setToken] = useState<string | null>(null);

  const close = () => {
    setToken(null);
    setError(null);
    form.resetFields();
    onClose();
  };

  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    try {
      const res = await create.mutateAsync({
        name: v.name,
        permissions: v.permissions ?? [],
        expiresAt: v.expiresAt ? v.expiresAt.endOf('day').toISOString() : null,
      });
      setToken(res.token);
    } catch (err) {
      setError(applyServerErrors(form, err, ['name', 'permissions', 'expiresAt']));
    }
  };

  if (token)
    return (
      <Modal
        open={open}
        title={t('apiKeys.createdTitle')}
        onCancel={close}
        onOk={close}
        okText={t('apiKeys.savedIt')}
        cancelButtonProps={{ style: { display: 'none' } }}
        mask={{ closable: false }}
        data-testid="api-key-token-modal"
      >
        <Alert type="warning" showIcon title={t('apiKeys.showOnce')} style={{ marginBottom: 16 }} />
        <Typography.Paragraph
          code
          copyable={{ text: token, tooltips: [t('common.copy'), t('common.copied')] }}
          style={{ wordBreak: 'break-all' }}
          data-testid="api-key-token"
        >
          {token}
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary">{t('apiKeys.usage')}</Typography.Paragraph>
      </Modal>
    );

  return (
    <Modal
      open={open}
      title={t('apiKeys.create')}
      onCancel={close}
      onOk={() => void submit()}
      okText={t('apiKeys.createButton')}
      confirmLoading={create.isPending}
      width={920}
      destroyOnHidden
      okButtonProps={buttonWithTestId('api-key-submit')}
    >
      {error ? <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" initialValues={{ permissions: [] }} preserve={false}>
        <Form.Item
          name="name"
          label={t('fields.label')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input maxLength={100} placeholder={t('apiKeys.namePlaceholder')} data-testid="api-key-name" />
        </Form.Item>
        <Form.Item name="expiresAt" label={t('apiKeys.expiresAt')} extra={t('apiKeys.expiresHint')}>
          <DatePicker data-testid="api-key-expires" />
        </Form.Item>
        <Form.Item
          name="permissions"
          label={t('apiKeys.scope')}
          rules={[{ type: 'array', min: 1, message: t('apiKeys.scopeRequired') }]}
        >
          <PermissionMatrix modules={catalogue.data?.modules ?? []} actions={catalogue.data?.actions ?? []} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

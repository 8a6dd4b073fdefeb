import { useState } from 'react';
import { Alert, Form, Input, Modal, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { applyServerErrors } from '../../components/forms';
import { buttonWithTestId } from '../../components/test-id';
import { useTouchpoints } from '../customers/api';
import { sourceTypes, useCreateSource, type SourceType, type SourceWithKey } from './api';
import { Snippets } from './Snippets';

type Values = { name: string; type: SourceType; touchpointId?: string | null };

/** Creates a source, then shows its write key once with the set-up snippets. */
export function CreateSourceModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const create = useCreateSource();
  const touchpoints = useTouchpoints();
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<SourceWithKey | null>(null);

  const close = () => {
    if (created) onCreated(created.id);
    setCreated(null);
    setError(null);
    form.resetFields();
    onClose();
  };

  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    try {
      setCreated(await create.mutateAsync({ name: v.name, type: v.type, touchpointId: v.touchpointId ?? null }));
    } catch (err) {
      setError(applyServerErrors(form, err, ['name', 'type', 'touchpointId']));
    }
  };

  if (created)
    return (
      <Modal
        open={open}
        title={t('tracking.createdTitle', { name: created.name })}
        onCancel={close}
        onOk={close}
        okText={t('tracking.savedIt')}
        okButtonProps={buttonWithTestId('source-key-done')}
        cancelButtonProps={{ style: { display: 'none' } }}
        mask={{ closable: false }}
        width={820}
        data-testid="source-key-modal"
      >
        <Alert type="warning" showIcon title={t('tracking.showOnce')} style={{ marginBottom: 16 }} />
        <Typography.Text type="secondary">{t('tracking.fields.writeKey')}</Typography.Text>
        <Typography.Paragraph
          code
          copyable={{ text: created.writeKey, tooltips: [t('common.copy'), t('common.copied')] }}
          style={{ wordBreak: 'break-all' }}
          data-testid="source-write-key"
        >
          {created.writeKey}
        </Typography.Paragraph>
        <Snippets writeKey={created.writeKey} type={created.type} />
      </Modal>
    );

  return (
    <Modal
      open={open}
      title={t('tracking.create')}
      onCancel={close}
      onOk={() => void submit()}
      okText={t('tracking.createButton')}
      confirmLoading={create.isPending}
      destroyOnHidden
      okButtonProps={buttonWithTestId('source-submit')}
    >
      {error ? <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" initialValues={{ type: 'website' }} preserve={false}>
        <Form.Item
          name="name"
          label={t('tracking.fields.name')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
        >
          <Input maxLength={100} placeholder={t('tracking.namePlaceholder')} data-testid="source-name" />
        </Form.Item>
        <Form.Item name="type" label={t('tracking.fields.type')} rules={[{ required: true }]}>
          <Select
            options={sourceTypes.map((v) => ({ value: v, label: t(`tracking.types.${v}`) }))}
            data-testid="source-type"
          />
        </Form.Item>
        <Form.Item name="touchpointId" label={t('tracking.fields.touchpoint')} extra={t('tracking.touchpointHint')}>
          <Select
            allowClear
            loading={touchpoints.isLoading}
            options={(touchpoints.data ?? []).map((tp) => ({ value: tp.id, label: tp.name }))}
            data-testid="source-touchpoint"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

import { useEffect, useState } from 'react';
import { Alert, App, Button, Drawer, Form, Input, Select, Space, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { applyServerErrors } from '../../components/forms';
import { RegionCascader } from '../customers/RegionCascader';
import { channelOfType, touchpointTypes, useSaveTouchpoint, type Touchpoint, type TouchpointType } from './api';

type Values = { code: string; name: string; type: TouchpointType; region?: string[]; isActive: boolean };
const fieldNames = ['code', 'name', 'type', 'region', 'isActive'];

/** The type picker, grouped by channel so "online or offline" is visible while choosing. */
export function useTypeOptions() {
  const { t } = useTranslation();
  return (['offline', 'online'] as const).map((channel) => ({
    label: t(`touchpoints.channels.${channel}`),
    title: channel,
    options: touchpointTypes
      .filter((type) => channelOfType(type) === channel)
      .map((type) => ({ value: type, label: t(`touchpoints.types.${type}`) })),
  }));
}

/** Create or edit a touchpoint; the server's field errors appear under each field. */
export function TouchpointDrawer({
  touchpoint,
  onClose,
}: {
  touchpoint: Touchpoint | 'new' | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useSaveTouchpoint();
  const typeOptions = useTypeOptions();
  const [error, setError] = useState<string | null>(null);
  const existing = touchpoint && touchpoint !== 'new' ? touchpoint : null;

  useEffect(() => {
    if (!touchpoint) return;
    setError(null);
    form.resetFields();
    if (existing)
      form.setFieldsValue({
        code: existing.code,
        name: existing.name,
        type: existing.type as TouchpointType,
        region: [existing.province, existing.city].filter((v): v is string => !!v),
        isActive: existing.isActive,
      });
    else form.setFieldsValue({ type: 'store', isActive: true, region: [] });
  }, [touchpoint, existing, form]);

  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    const body = {
      code: v.code,
      name: v.name,
      type: v.type,
      province: v.region?.[0] ?? null,
      city: v.region?.[1] ?? null,
      isActive: v.isActive,
    };
    try {
      await save.mutateAsync({ id: existing?.id, body });
      message.success(existing ? t('common.saved') : t('touchpoints.created'));
      onClose();
    } catch (err) {
      // province and city problems belong to the one region picker
      const fields = isApiError(err) ? err.fields : [];
      const onRegion = fields.filter((f) => f.field === 'province' || f.field === 'city');
      const top = applyServerErrors(form, err, fieldNames);
      if (onRegion.length) form.setFields([{ name: 'region', errors: onRegion.map((f) => f.message) }]);
      setError(onRegion.length && onRegion.length === fields.length ? null : top);
    }
  };

  return (
    <Drawer
      open={!!touchpoint}
      onClose={onClose}
      title={existing ? t('touchpoints.edit') : t('touchpoints.create')}
      size={480}
      destroyOnHidden
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => void submit()} data-testid="touchpoint-save">
            {t('common.save')}
          </Button>
        </Space>
      }
      data-testid="touchpoint-drawer"
    >
      {error ? (
        <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} data-testid="touchpoint-form-error" />
      ) : null}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="name"
          label={t('touchpoints.fields.name')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input maxLength={100} data-testid="touchpoint-name" />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('touchpoints.fields.code')}
          extra={t('touchpoints.codeHint')}
          rules={[
            { required: true, message: t('validation.required') },
            { pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/, message: t('touchpoints.codeInvalid') },
          ]}
        >
          <Input maxLength={50} data-testid="touchpoint-code" placeholder="SH-001" />
        </Form.Item>
        <Form.Item name="type" label={t('touchpoints.fields.type')} rules={[{ required: true }]}>
          <Select options={typeOptions} data-testid="touchpoint-type" />
        </Form.Item>
        <Form.Item name="region" label={t('touchpoints.fields.region')}>
          <RegionCascader depth={2} testId="touchpoint-region" placeholder={t('touchpoints.regionPlaceholder')} />
        </Form.Item>
        <Form.Item name="isActive" label={t('touchpoints.fields.isActive')} valuePropName="checked">
          <Switch data-testid="touchpoint-active" />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { applyServerErrors } from '../../components/forms';
import { languages } from '../../i18n/i18n';
import { useSaveSettings, type Settings } from './api';

type Values = Pick<Settings, 'businessName' | 'timeZone' | 'defaultLocale'>;

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [
      'Asia/Shanghai',
      'Asia/Hong_Kong',
      'Asia/Taipei',
      'Asia/Singapore',
      'Asia/Tokyo',
      'Europe/London',
      'America/New_York',
      'UTC',
    ];
  }
}

export function GeneralSettingsForm({ settings, readOnly }: { settings: Settings; readOnly: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useSaveSettings();
  const [error, setError] = useState<string | null>(null);
  const zones = useMemo(() => timeZones().map((z) => ({ value: z, label: z })), []);

  useEffect(() => {
    form.setFieldsValue({
      businessName: settings.businessName,
      timeZone: settings.timeZone,
      defaultLocale: settings.defaultLocale,
    });
  }, [settings, form]);

  const submit = async (v: Values) => {
    setError(null);
    try {
      await save.mutateAsync(v);
      message.success(t('common.saved'));
    } catch (err) {
      setError(applyServerErrors(form, err, ['businessName', 'timeZone', 'defaultLocale']));
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} disabled={readOnly} style={{ maxWidth: 520 }}>
      {error ? <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} /> : null}
      <Form.Item
        name="businessName"
        label={t('fields.businessName')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        <Input maxLength={100} data-testid="settings-business-name" />
      </Form.Item>
      <Form.Item name="timeZone" label={t('fields.timeZone')} extra={t('settings.timeZoneHint')}>
        <Select showSearch options={zones} data-testid="settings-time-zone" />
      </Form.Item>
      <Form.Item name="defaultLocale" label={t('fields.defaultLocale')} extra={t('settings.defaultLocaleHint')}>
        <Select
          options={languages.map((l) => ({ value: l, label: t(`languages.${l}`) }))}
          data-testid="settings-default-locale"
        />
      </Form.Item>
      {readOnly ? null : (
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="settings-save">
          {t('common.save')}
        </Button>
      )}
    </Form>
  );
}

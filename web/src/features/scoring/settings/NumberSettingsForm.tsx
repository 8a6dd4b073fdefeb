import { useEffect, useState } from 'react';
import { Alert, App, Button, Form, InputNumber, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSaveScoringSettings, type AbcSettings, type LifecycleSettings } from '../api';
import { showSettingsErrors } from './formErrors';

type Field = { name: string; suffix: 'days' | 'percent' | 'orders'; min: number; max: number };

const models = {
  abc: [
    { name: 'a', suffix: 'percent', min: 1, max: 99 },
    { name: 'b', suffix: 'percent', min: 0, max: 99 },
  ],
  lifecycle: [
    { name: 'newDays', suffix: 'days', min: 1, max: 3650 },
    { name: 'activeDays', suffix: 'days', min: 1, max: 3650 },
    { name: 'loyalOrders', suffix: 'orders', min: 2, max: 10000 },
    { name: 'loyalWindowDays', suffix: 'days', min: 1, max: 3650 },
    { name: 'dormantDays', suffix: 'days', min: 1, max: 3650 },
    { name: 'churnedDays', suffix: 'days', min: 1, max: 3650 },
  ],
} satisfies Record<string, Field[]>;

/** A model whose settings are a few whole numbers: ABC percentages and lifecycle thresholds. */
export function NumberSettingsForm<M extends keyof typeof models>({
  model,
  value,
  readOnly,
}: {
  model: M;
  value: M extends 'abc' ? AbcSettings : LifecycleSettings;
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const save = useSaveScoringSettings();
  const [error, setError] = useState<string | null>(null);
  const fields: Field[] = models[model];

  useEffect(() => form.setFieldsValue(value), [value, form]);

  const submit = (v: Record<string, number>) => {
    setError(null);
    const body = Object.fromEntries(fields.map((f) => [f.name, v[f.name]]));
    save.mutate(
      { model, value: body as unknown as AbcSettings },
      {
        onSuccess: () => void message.success(t('scoring.settings.saved')),
        onError: (err) => setError(showSettingsErrors(form, err, (f) => fields.some((x) => x.name === f))),
      },
    );
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} disabled={readOnly} data-testid={`settings-${model}`}>
      <Typography.Paragraph type="secondary">{t(`scoring.settings.${model}.hint`)}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      {fields.map((f) => (
        <Form.Item
          key={f.name}
          name={f.name}
          label={t(`scoring.settings.${model}.${f.name}`)}
          extra={t(`scoring.settings.${model}.${f.name}Hint`, { defaultValue: '' }) || undefined}
          rules={[{ required: true }]}
        >
          <InputNumber
            min={f.min}
            max={f.max}
            precision={0}
            suffix={t(`scoring.settings.${f.suffix}`)}
            style={{ width: 180 }}
            data-testid={`settings-${model}-${f.name}`}
          />
        </Form.Item>
      ))}
      {readOnly ? null : (
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid={`settings-${model}-save`}>
          {t('common.save')}
        </Button>
      )}
    </Form>
  );
}

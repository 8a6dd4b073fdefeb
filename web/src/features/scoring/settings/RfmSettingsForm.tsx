import { useEffect, useState } from 'react';
import { Alert, App, Button, Flex, Form, InputNumber, Radio, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSaveScoringSettings, type RfmSettings } from '../api';
import { showSettingsErrors } from './formErrors';

const dims = ['r', 'f', 'm'] as const;

/** The RFM window, how 1–5 scores are given (quintiles or cut-offs) and how the eight classes compare. */
export function RfmSettingsForm({ value, readOnly }: { value: RfmSettings; readOnly: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<RfmSettings>();
  const save = useSaveScoringSettings();
  const [error, setError] = useState<string | null>(null);
  const method = Form.useWatch('method', form) ?? value.method;
  const classBy = Form.useWatch('classBy', form) ?? value.classBy;

  useEffect(() => {
    form.setFieldsValue({
      ...value,
      thresholds: value.thresholds ?? { r: [30, 90, 180, 365], f: [2, 3, 5, 10], m: [500, 1000, 3000, 10000] },
      classThresholds: value.classThresholds ?? { r: 90, f: 2, m: 1000 },
    });
  }, [value, form]);

  const submit = (v: RfmSettings) => {
    setError(null);
    const body: RfmSettings = {
      windowDays: v.windowDays,
      method: v.method,
      classBy: v.classBy,
      ...(v.method === 'thresholds' ? { thresholds: v.thresholds } : {}),
      ...(v.classBy === 'thresholds' ? { classThresholds: v.classThresholds } : {}),
    };
    save.mutate(
      { model: 'rfm', value: body },
      {
        onSuccess: () => void message.success(t('scoring.settings.saved')),
        onError: (err) =>
          setError(
            showSettingsErrors(form, err, (f) => /^(windowDays|method|classBy|thresholds|classThresholds)/.test(f)),
          ),
      },
    );
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} disabled={readOnly} data-testid="settings-rfm">
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form.Item
        name="windowDays"
        label={t('scoring.settings.rfm.windowDays')}
        extra={t('scoring.settings.rfm.windowDaysHint')}
        rules={[{ required: true }]}
      >
        <InputNumber min={7} max={3650} precision={0} suffix={t('scoring.settings.days')} data-testid="rfm-window" />
      </Form.Item>
      <Form.Item name="method" label={t('scoring.settings.rfm.method')}>
        <Radio.Group data-testid="rfm-method">
          <Radio value="quintile">{t('scoring.settings.rfm.quintile')}</Radio>
          <Radio value="thresholds">{t('scoring.settings.rfm.thresholds')}</Radio>
        </Radio.Group>
      </Form.Item>
      {method === 'thresholds' ? (
        <>
          <Typography.Paragraph type="secondary">{t('scoring.settings.rfm.thresholdsHint')}</Typography.Paragraph>
          {dims.map((d) => (
            <Form.Item key={d} label={t(`scoring.settings.rfm.cuts.${d}`)} required>
              <Space.Compact>
                {[0, 1, 2, 3].map((i) => (
                  <Form.Item key={i} name={['thresholds', d, i]} noStyle rules={[{ required: true }]}>
                    <InputNumber
                      min={0}
                      precision={d === 'm' ? 2 : 0}
                      style={{ width: 96 }}
                      data-testid={`rfm-cut-${d}-${i}`}
                    />
                  </Form.Item>
                ))}
              </Space.Compact>
            </Form.Item>
          ))}
        </>
      ) : null}
      <Form.Item name="classBy" label={t('scoring.settings.rfm.classBy')} extra={t('scoring.settings.rfm.classByHint')}>
        <Radio.Group data-testid="rfm-class-by">
          <Radio value="average">{t('scoring.settings.rfm.average')}</Radio>
          <Radio value="thresholds">{t('scoring.settings.rfm.classThresholds')}</Radio>
        </Radio.Group>
      </Form.Item>
      {classBy === 'thresholds' ? (
        <Flex gap={12} wrap>
          {dims.map((d) => (
            <Form.Item
              key={d}
              name={['classThresholds', d]}
              label={t(`scoring.settings.rfm.classCut.${d}`)}
              rules={[{ required: true }]}
            >
              <InputNumber min={0} precision={d === 'm' ? 2 : 0} data-testid={`rfm-class-cut-${d}`} />
            </Form.Item>
          ))}
        </Flex>
      ) : null}
      {readOnly ? null : (
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="settings-rfm-save">
          {t('common.save')}
        </Button>
      )}
    </Form>
  );
}

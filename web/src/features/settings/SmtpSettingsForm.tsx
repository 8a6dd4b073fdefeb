import { useEffect, useState } from 'react';
import { Alert, App, Button, Col, Divider, Form, Input, InputNumber, Row, Space, Switch } from 'antd';
import { SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { applyServerErrors } from '../../components/forms';
import { useSaveSettings, useSendTestMail, type Settings } from './api';

type Values = {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password?: string;
  fromAddress: string;
  fromName: string;
};
const fieldNames = ['host', 'port', 'secure', 'user', 'password', 'fromAddress', 'fromName'];

/** SMTP for every mail Kehu sends; the password is write-only (left empty = unchanged). */
export function SmtpSettingsForm({ settings, readOnly }: { settings: Settings; readOnly: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useSaveSettings();
  const sendTest = useSendTestMail();
  const [error, setError] = useState<string | null>(null);
  const [testTo, setTestTo] = useState('');
  const [testResult, setTestResult] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    // not configured yet: the usual submission port with STARTTLS
    const smtp = settings.smtp ?? { host: '', port: 587, secure: false, user: '', fromAddress: '', fromName: '' };
    form.setFieldsValue({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      user: smtp.user ?? '',
      fromAddress: smtp.fromAddress,
      fromName: smtp.fromName ?? '',
      password: '',
    });
  }, [settings, form]);

  const submit = async (v: Values) => {
    setError(null);
    const { password, ...rest } = v;
    try {
      await save.mutateAsync({
        smtp: { ...rest, user: rest.user || null, fromName: rest.fromName || null, ...(password ? { password } : {}) },
      });
      form.setFieldValue('password', '');
      message.success(t('common.saved'));
    } catch (err) {
      // the server names nested fields smtp.host …; show them under the field itself
      setError(applyServerErrors(form, err, fieldNames, 'smtp.'));
    }
  };

  const test = async () => {
    setTestResult(null);
    try {
      const res = await sendTest.mutateAsync(testTo);
      setTestResult(
        res.ok
          ? { ok: true, text: t('settings.testSent', { to: testTo }) }
          : { ok: false, text: res.error?.message ?? t('errors.unexpected') },
      );
    } catch (err) {
      setTestResult({ ok: false, text: isApiError(err) ? err.message : t('errors.unexpected') });
    }
  };

  return (
    <div style={{ maxWidth: 640 }}>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} disabled={readOnly}>
        {error ? <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} /> : null}
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item name="host" label={t('smtp.host')}>
              <Input placeholder="smtp.example.com" data-testid="smtp-host" />
            </Form.Item>
          </Col>
          <Col span={5}>
            <Form.Item name="port" label={t('smtp.port')}>
              <InputNumber min={1} max={65535} style={{ width: '100%' }} data-testid="smtp-port" />
            </Form.Item>
          </Col>
          <Col span={5}>
            <Form.Item name="secure" label={t('smtp.secure')} valuePropName="checked">
              <Switch data-testid="smtp-secure" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="user" label={t('smtp.user')}>
              <Input autoComplete="off" data-testid="smtp-user" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="password"
              label={t('smtp.password')}
              extra={settings.smtp?.hasPassword ? t('smtp.passwordKept') : t('smtp.passwordNone')}
            >
              <Input.Password autoComplete="new-password" data-testid="smtp-password" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="fromAddress"
              label={t('smtp.fromAddress')}
              rules={[{ type: 'email', message: t('validation.email') }]}
            >
              <Input placeholder="noreply@example.com" data-testid="smtp-from-address" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="fromName" label={t('smtp.fromName')}>
              <Input data-testid="smtp-from-name" />
            </Form.Item>
          </Col>
        </Row>
        {readOnly ? null : (
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="smtp-save">
            {t('common.save')}
          </Button>
        )}
      </Form>
      <Divider />
      <Space.Compact style={{ width: '100%', maxWidth: 480 }}>
        <Input
          placeholder={t('smtp.testTo')}
          value={testTo}
          onChange={(e) => setTestTo(e.target.value)}
          disabled={readOnly}
          data-testid="smtp-test-to"
        />
        <Button
          icon={<SendOutlined />}
          onClick={() => void test()}
          loading={sendTest.isPending}
          disabled={readOnly || !testTo}
          data-testid="smtp-test-send"
        >
          {t('smtp.sendTest')}
        </Button>
      </Space.Compact>
      {testResult ? (
        <Alert
          style={{ marginTop: 12, maxWidth: 480 }}
          type={testResult.ok ? 'success' : 'error'}
          showIcon
          title={testResult.text}
          data-testid="smtp-test-result"
        />
      ) : null}
    </div>
  );
}

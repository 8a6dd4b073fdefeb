import { useEffect, useRef, useState } from 'react';
import { Alert, Form, Input, Modal, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { setReauthHandler } from '../../api/client';
import { applyServerErrors } from '../../components/forms';
import { reauthenticate } from './api';
import { buttonWithTestId } from '../../components/test-id';

/**
 * Sensitive actions (API keys, role changes) need the password again within a few minutes. When
 * the server says so, this asks for it; the API client then retries the action once.
 */
export function ReauthModal() {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ password: string }>();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const resolver = useRef<((ok: boolean) => void) | null>(null);

  useEffect(() => {
    setReauthHandler(
      () =>
        new Promise<boolean>((resolve) => {
          resolver.current = resolve;
          setError(null);
          setOpen(true);
        }),
    );
    return () => setReauthHandler(null);
  }, []);

  const finish = (ok: boolean) => {
    setOpen(false);
    form.resetFields();
    resolver.current?.(ok);
    resolver.current = null;
  };

  const submit = async () => {
    const { password } = await form.validateFields();
    setSubmitting(true);
    setError(null);
    try {
      await reauthenticate(password);
      finish(true);
    } catch (err) {
      setError(applyServerErrors(form, err, ['password']));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open={open}
      title={
        <>
          <LockOutlined /> {t('reauth.title')}
        </>
      }
      onCancel={() => finish(false)}
      onOk={() => void submit()}
      okText={t('reauth.confirm')}
      confirmLoading={submitting}
      okButtonProps={buttonWithTestId('reauth-submit')}
      data-testid="reauth-modal"
    >
      <Typography.Paragraph type="secondary">{t('reauth.description')}</Typography.Paragraph>
      {error ? <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" requiredMark={false} onFinish={() => void submit()}>
        <Form.Item
          name="password"
          label={t('fields.password')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input.Password autoFocus autoComplete="current-password" data-testid="reauth-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

import { useState } from 'react';
import { Alert, Button, Form, Input, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { applyServerErrors } from '../../components/forms';
import { AuthCard } from './AuthCard';
import { requestPasswordReset } from './api';

/** Asks for a reset link; the answer is the same whether or not the address is known. */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ email: string }>();
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const onFinish = async ({ email }: { email: string }) => {
    setError(null);
    setSubmitting(true);
    try {
      await requestPasswordReset(email);
      setSent(true);
    } catch (err) {
      setError(applyServerErrors(form, err, ['email']));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <AuthCard title={t('reset.forgotTitle')} subtitle={sent ? undefined : t('reset.forgotSubtitle')}>
      {sent ? (
        <Result
          status="success"
          title={t('reset.sentTitle')}
          subTitle={t('reset.sentDescription')}
          data-testid="reset-sent"
        />
      ) : (
        <>
          {error ? <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} /> : null}
          <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false}>
            <Form.Item
              name="email"
              label={t('fields.email')}
              rules={[
                { required: true, message: t('validation.required') },
                { type: 'email', message: t('validation.email') },
              ]}
            >
              <Input data-testid="forgot-email" autoFocus />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={submitting} data-testid="forgot-submit">
              {t('reset.sendLink')}
            </Button>
          </Form>
        </>
      )}
      <div style={{ marginTop: 16, textAlign: 'center' }}>
        <Link to="/login">{t('auth.backToSignIn')}</Link>
      </div>
    </AuthCard>
  );
}

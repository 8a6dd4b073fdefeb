import { useState } from 'react';
import { Alert, Button, Form, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { applyServerErrors } from '../../components/forms';
import { AuthCard } from './AuthCard';
import { confirmPasswordReset } from './api';
import { NewPasswordFields } from './NewPasswordFields';

type Values = { password: string; confirm: string };

/** Opened from the reset mail: /reset-password?token=… */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const onFinish = async ({ password }: Values) => {
    setError(null);
    setSubmitting(true);
    try {
      await confirmPasswordReset({ token, password });
      setDone(true);
    } catch (err) {
      setError(applyServerErrors(form, err, ['password']));
    } finally {
      setSubmitting(false);
    }
  };

  let body;
  if (!token) body = <Result status="warning" title={t('reset.missingToken')} />;
  else if (done)
    body = (
      <Result
        status="success"
        title={t('reset.doneTitle')}
        extra={
          <Link to="/login">
            <Button type="primary">{t('auth.signIn')}</Button>
          </Link>
        }
        data-testid="reset-done"
      />
    );
  else
    body = (
      <>
        {error ? <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} /> : null}
        <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false}>
          <NewPasswordFields
            name="password"
            label={t('fields.newPassword')}
            testIds={['reset-password', 'reset-confirm']}
            autoFocus
          />
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="reset-submit">
            {t('reset.setPassword')}
          </Button>
        </Form>
      </>
    );

  return (
    <AuthCard title={t('reset.title')}>
      {body}
      <div style={{ marginTop: 16, textAlign: 'center' }}>
        <Link to="/login">{t('auth.backToSignIn')}</Link>
      </div>
    </AuthCard>
  );
}

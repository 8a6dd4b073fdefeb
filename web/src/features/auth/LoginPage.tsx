import { useState } from 'react';
import { Alert, Button, Form, Input } from 'antd';
import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { applyServerErrors } from '../../components/forms';
import { meKey } from '../../app/session';
import { AuthCard } from './AuthCard';
import { fetchSetupNeeded, login } from './api';

type Values = { email: string; password: string };

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const setup = useQuery({ queryKey: ['setup'], queryFn: fetchSetupNeeded, retry: false });

  if (setup.data?.needed) return <Navigate to="/setup" replace />;

  const onFinish = async (values: Values) => {
    setError(null);
    setSubmitting(true);
    try {
      const me = await login(values);
      queryClient.setQueryData(meKey, me);
      await navigate(safeNext(params.get('next')), { replace: true });
    } catch (err) {
      setError(applyServerErrors(form, err, ['email', 'password']));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <AuthCard title={t('auth.signInTitle')} subtitle={t('auth.signInSubtitle')}>
      {error ? (
        <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} data-testid="login-error" />
      ) : null}
      <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false} data-testid="login-form">
        <Form.Item
          name="email"
          label={t('fields.email')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input prefix={<MailOutlined />} autoComplete="username" data-testid="login-email" autoFocus />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('fields.password')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
          {t('auth.signIn')}
        </Button>
      </Form>
      <div style={{ marginTop: 16, textAlign: 'center' }}>
        <Link to="/forgot-password" data-testid="forgot-password-link">
          {t('auth.forgotPassword')}
        </Link>
      </div>
    </AuthCard>
  );
}

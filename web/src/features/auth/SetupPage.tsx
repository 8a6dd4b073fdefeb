import { useState } from 'react';
import { Alert, Button, Form, Input } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { applyServerErrors } from '../../components/forms';
import { FullPageSpin } from '../../components/FullPageSpin';
import { meKey } from '../../app/session';
import { AuthCard } from './AuthCard';
import { fetchSetupNeeded, runSetup } from './api';
import { NewPasswordFields } from './NewPasswordFields';

type Values = { name: string; email: string; password: string; confirm: string };

/** One-time: creates the first administrator on an empty installation, then signs them in. */
export function SetupPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const setup = useQuery({ queryKey: ['setup'], queryFn: fetchSetupNeeded, retry: false });

  if (setup.isPending) return <FullPageSpin />;
  // already set up: home (which sends anyone not signed in on to the sign-in page)
  if (setup.data && !setup.data.needed) return <Navigate to="/" replace />;

  const onFinish = async ({ name, email, password }: Values) => {
    setError(null);
    setSubmitting(true);
    try {
      const me = await runSetup({ name, email, password });
      queryClient.setQueryData(['setup'], { needed: false });
      queryClient.setQueryData(meKey, me);
      await navigate('/', { replace: true });
    } catch (err) {
      setError(applyServerErrors(form, err, ['name', 'email', 'password']));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <AuthCard title={t('setup.title')} subtitle={t('setup.subtitle')}>
      {error ? <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false} data-testid="setup-form">
        <Form.Item name="name" label={t('fields.name')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input data-testid="setup-name" autoFocus />
        </Form.Item>
        <Form.Item
          name="email"
          label={t('fields.email')}
          rules={[
            { required: true, message: t('validation.required') },
            { type: 'email', message: t('validation.email') },
          ]}
        >
          <Input data-testid="setup-email" autoComplete="username" />
        </Form.Item>
        <NewPasswordFields name="password" label={t('fields.password')} testIds={['setup-password', 'setup-confirm']} />
        <Button type="primary" htmlType="submit" block loading={submitting} data-testid="setup-submit">
          {t('setup.submit')}
        </Button>
      </Form>
    </AuthCard>
  );
}

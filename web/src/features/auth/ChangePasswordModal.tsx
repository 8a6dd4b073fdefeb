import { useState } from 'react';
import { Alert, App, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { applyServerErrors } from '../../components/forms';
import { changePassword } from './api';
import { NewPasswordFields } from './NewPasswordFields';
import { buttonWithTestId } from '../../components/test-id';

type Values = { currentPassword: string; newPassword: string; confirm: string };

export function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const submit = async () => {
    const { currentPassword, newPassword } = await form.validateFields();
    setError(null);
    setSubmitting(true);
    try {
      await changePassword({ currentPassword, newPassword });
      message.success(t('auth.passwordChanged'));
      form.resetFields();
      onClose();
    } catch (err) {
      setError(applyServerErrors(form, err, ['currentPassword', 'newPassword']));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('userMenu.changePassword')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('common.save')}
      confirmLoading={submitting}
      destroyOnHidden
      okButtonProps={buttonWithTestId('change-password-submit')}
    >
      {error ? <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" requiredMark={false} preserve={false}>
        <Form.Item
          name="currentPassword"
          label={t('fields.currentPassword')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input.Password autoComplete="current-password" data-testid="change-password-current" />
        </Form.Item>
        <NewPasswordFields
          name="newPassword"
          label={t('fields.newPassword')}
          testIds={['change-password-new', 'change-password-confirm']}
        />
      </Form>
    </Modal>
  );
}

import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { confirmRule, newPasswordRules } from './PasswordRules';

/** A new password and its confirmation, with the server's bounds checked before sending. */
export function NewPasswordFields(props: {
  /** Form field of the password; the confirmation is always `confirm`. */
  name: string;
  label: string;
  /** data-testids of the two inputs, for the browser tests. */
  testIds: [password: string, confirm: string];
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name={props.name} label={props.label} rules={newPasswordRules(t)} extra={t('auth.passwordHint')}>
        <Input.Password data-testid={props.testIds[0]} autoComplete="new-password" autoFocus={props.autoFocus} />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('fields.confirmPassword')}
        dependencies={[props.name]}
        rules={[{ required: true, message: t('validation.required') }, confirmRule(t, props.name)]}
      >
        <Input.Password data-testid={props.testIds[1]} autoComplete="new-password" />
      </Form.Item>
    </>
  );
}

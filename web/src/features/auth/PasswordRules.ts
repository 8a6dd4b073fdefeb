import type { Rule } from 'antd/es/form';
import type { TFunction } from 'i18next';

/** The same bounds the server enforces (12–64); the server also rejects common passwords. */
export function newPasswordRules(t: TFunction): Rule[] {
  return [
    { required: true, message: t('validation.required') },
    { min: 12, message: t('validation.passwordMin', { min: 12 }) },
    { max: 64, message: t('validation.passwordMax', { max: 64 }) },
  ];
}

export function confirmRule(t: TFunction, field: string): Rule {
  return ({ getFieldValue }) => ({
    validator: (_, value) =>
      !value || getFieldValue(field) === value
        ? Promise.resolve()
        : Promise.reject(new Error(t('validation.passwordMismatch'))),
  });
}

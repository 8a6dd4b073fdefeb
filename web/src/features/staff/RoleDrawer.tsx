import { useEffect, useState } from 'react';
import { Alert, App, Button, Drawer, Form, Input, Space } from 'antd';
import { CopyOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { applyServerErrors } from '../../components/forms';
import { roleLabel, usePermissionCatalogue, useSaveRole, type Role } from './api';
import { PermissionMatrix } from './PermissionMatrix';

type Values = { name: string; description?: string; permissions: string[] };

/**
 * `role` null/undefined closes; 'new' creates; a built-in role opens read-only with a way to copy
 * it into a new custom role.
 */
export function RoleDrawer({
  role,
  onClose,
  onCopy,
  readOnly,
}: {
  role: Role | 'new' | { copyOf: Role } | null;
  onClose: () => void;
  onCopy: (role: Role) => void;
  readOnly?: boolean;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const catalogue = usePermissionCatalogue();
  const save = useSaveRole();
  const [error, setError] = useState<string | null>(null);
  const existing = role && role !== 'new' && !('copyOf' in role) ? role : null;
  const locked = !!existing?.isBuiltIn || !!readOnly;

  useEffect(() => {
    if (!role) return;
    setError(null);
    form.resetFields();
    if (role === 'new') form.setFieldsValue({ name: '', description: '', permissions: [] });
    else if ('copyOf' in role)
      form.setFieldsValue({
        name: t('roles.copyName', { name: roleLabel(role.copyOf) }),
        description: role.copyOf.description ?? '',
        permissions: role.copyOf.permissions,
      });
    else
      form.setFieldsValue({
        name: roleLabel(role),
        description: role.description ?? '',
        permissions: role.permissions,
      });
  }, [role, form, t]);

  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    try {
      await save.mutateAsync({
        id: existing?.id,
        body: { name: v.name, description: v.description || null, permissions: v.permissions ?? [] },
      });
      message.success(t('common.saved'));
      onClose();
    } catch (err) {
      setError(applyServerErrors(form, err, ['name', 'description', 'permissions']));
    }
  };

  const title = !role
    ? ''
    : role === 'new'
      ? t('roles.create')
      : 'copyOf' in role
        ? t('roles.copy')
        : locked
          ? t('roles.view')
          : t('roles.edit');

  return (
    <Drawer
      open={!!role}
      onClose={onClose}
      title={title}
      size={980}
      destroyOnHidden
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>{locked ? t('common.close') : t('common.cancel')}</Button>
          {existing?.isBuiltIn && !readOnly ? (
            <Button icon={<CopyOutlined />} onClick={() => onCopy(existing)} data-testid="role-copy">
              {t('roles.copyToCustom')}
            </Button>
          ) : null}
          {locked ? null : (
            <Button type="primary" loading={save.isPending} onClick={() => void submit()} data-testid="role-save">
              {t('common.save')}
            </Button>
          )}
        </Space>
      }
      data-testid="role-drawer"
    >
      {existing?.isBuiltIn ? (
        <Alert type="info" showIcon title={t('roles.builtInReadOnly')} style={{ marginBottom: 16 }} />
      ) : null}
      {error ? (
        <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} data-testid="role-form-error" />
      ) : null}
      <Form form={form} layout="vertical" disabled={locked} preserve={false}>
        <Form.Item
          name="name"
          label={t('fields.label')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input maxLength={100} data-testid="role-name" />
        </Form.Item>
        <Form.Item name="description" label={t('fields.description')}>
          <Input.TextArea rows={2} maxLength={500} data-testid="role-description" />
        </Form.Item>
        <Form.Item name="permissions" label={t('roles.permissions')}>
          <PermissionMatrix
            modules={catalogue.data?.modules ?? []}
            actions={catalogue.data?.actions ?? []}
            readOnly={locked}
          />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

import { useEffect, useState } from 'react';
import { Alert, App, Button, Drawer, Form, Input, Select, Space, Switch, TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import { applyServerErrors } from '../../components/forms';
import { newPasswordRules } from '../auth/PasswordRules';
import { roleLabel, useCreateUser, useDepartments, useRoles, useUpdateUser, type StaffUser } from './api';
import { buildDepartmentTree } from './department-tree';

type Values = {
  name: string;
  email: string;
  mobile?: string;
  password?: string;
  roleIds: string[];
  departmentId?: string | null;
  active: boolean;
};

const fieldNames = ['name', 'email', 'mobile', 'password', 'roleIds', 'departmentId', 'active'];

/** Create or edit a staff member; the server's field errors appear under each field. */
export function UserDrawer({ user, onClose }: { user: StaffUser | 'new' | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const roles = useRoles();
  const departments = useDepartments();
  const create = useCreateUser();
  const update = useUpdateUser();
  const [error, setError] = useState<string | null>(null);
  const isNew = user === 'new';
  const existing = user && user !== 'new' ? user : null;

  useEffect(() => {
    if (!user) return;
    setError(null);
    form.resetFields();
    if (existing)
      form.setFieldsValue({
        name: existing.name,
        email: existing.email,
        mobile: existing.mobile ?? '',
        roleIds: existing.roles.map((r) => r.id),
        departmentId: existing.department?.id ?? null,
        active: existing.active,
      });
    else form.setFieldsValue({ roleIds: [], active: true, departmentId: null });
  }, [user, existing, form]);

  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    const common = {
      name: v.name,
      email: v.email,
      mobile: v.mobile ? v.mobile : null,
      roleIds: v.roleIds ?? [],
      departmentId: v.departmentId ?? null,
      active: v.active,
    };
    try {
      if (existing)
        await update.mutateAsync({
          id: existing.id,
          body: { ...common, ...(v.password ? { password: v.password } : {}) },
        });
      else await create.mutateAsync({ ...common, password: v.password ?? '' });
      message.success(isNew ? t('users.created') : t('common.saved'));
      onClose();
    } catch (err) {
      setError(applyServerErrors(form, err, fieldNames));
    }
  };

  return (
    <Drawer
      open={!!user}
      onClose={onClose}
      title={isNew ? t('users.create') : t('users.edit')}
      size={480}
      destroyOnHidden
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={create.isPending || update.isPending}
            onClick={() => void submit()}
            data-testid="user-save"
          >
            {t('common.save')}
          </Button>
        </Space>
      }
      data-testid="user-drawer"
    >
      {error ? (
        <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} data-testid="user-form-error" />
      ) : null}
      <Form form={form} layout="vertical" requiredMark="optional" preserve={false}>
        <Form.Item name="name" label={t('fields.name')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input data-testid="user-name" maxLength={100} />
        </Form.Item>
        <Form.Item
          name="email"
          label={t('fields.email')}
          rules={[
            { required: true, message: t('validation.required') },
            { type: 'email', message: t('validation.email') },
          ]}
        >
          <Input data-testid="user-email" autoComplete="off" />
        </Form.Item>
        <Form.Item name="mobile" label={t('fields.mobile')}>
          <Input data-testid="user-mobile" placeholder="13800138000" />
        </Form.Item>
        {isNew ? (
          <Form.Item
            name="password"
            label={t('fields.initialPassword')}
            rules={newPasswordRules(t)}
            extra={t('auth.passwordHint')}
          >
            <Input.Password data-testid="user-password" autoComplete="new-password" />
          </Form.Item>
        ) : null}
        <Form.Item name="departmentId" label={t('fields.department')}>
          <TreeSelect
            allowClear
            treeDefaultExpandAll
            treeData={buildDepartmentTree(departments.data ?? [])}
            placeholder={t('users.noDepartment')}
            data-testid="user-department"
          />
        </Form.Item>
        <Form.Item name="roleIds" label={t('fields.roles')}>
          <Select
            mode="multiple"
            options={(roles.data ?? []).map((r) => ({ value: r.id, label: roleLabel(r) }))}
            optionFilterProp="label"
            data-testid="user-roles"
          />
        </Form.Item>
        <Form.Item name="active" label={t('users.active')} valuePropName="checked">
          <Switch data-testid="user-active" />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

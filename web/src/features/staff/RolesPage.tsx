import { useState } from 'react';
import { App, Button, Card, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useCan } from '../../app/session';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { roleLabel, useDeleteRole, useRoles, type Role } from './api';
import { RoleDrawer } from './RoleDrawer';
import { buttonWithTestId } from '../../components/test-id';

export function RolesPage() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const roles = useRoles();
  const remove = useDeleteRole();
  // roles decide what everyone may do: changing them needs staff.manage
  const canCreate = useCan('staff.manage');
  const canEdit = canCreate;
  const canDelete = canCreate;
  const [open, setOpen] = useState<Role | 'new' | { copyOf: Role } | null>(null);

  const confirmDelete = (role: Role) =>
    modal.confirm({
      title: t('roles.deleteConfirm', { name: role.name }),
      content: role.userCount ? t('roles.deleteInUse', { count: role.userCount }) : undefined,
      okText: t('common.delete'),
      okButtonProps: buttonWithTestId('confirm-ok', { danger: true }),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await remove.mutateAsync(role.id);
          message.success(t('common.deleted'));
        } catch (err) {
          message.error(isApiError(err) ? err.message : t('errors.unexpected'));
        }
      },
    });

  const columns: TableProps<Role>['columns'] = [
    {
      title: t('fields.label'),
      dataIndex: 'name',
      render: (_: string, r) => (
        <Space>
          <a onClick={() => setOpen(r)} data-testid={`role-open-${r.key ?? r.name}`}>
            {roleLabel(r)}
          </a>
          {r.isBuiltIn ? <Tag color="blue">{t('roles.builtInTag')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('fields.description'),
      dataIndex: 'description',
      // built-in roles carry no description of their own; the UI says what each is for
      render: (v: string | null, r) => (
        <Typography.Text type="secondary">
          {v ?? (r.key ? t(`roles.builtInDescriptions.${r.key}`, { defaultValue: '—' }) : '—')}
        </Typography.Text>
      ),
    },
    { title: t('roles.permissionCount'), dataIndex: 'permissions', render: (p: string[]) => p.length, width: 120 },
    { title: t('roles.userCount'), dataIndex: 'userCount', width: 100 },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 200,
      render: (_, r) => (
        <Space>
          {canCreate ? (
            <a onClick={() => setOpen({ copyOf: r })} data-testid={`role-copy-${r.key ?? r.name}`}>
              {t('roles.copy')}
            </a>
          ) : null}
          {canDelete && !r.isBuiltIn ? (
            <a onClick={() => confirmDelete(r)} style={{ color: '#cf1322' }} data-testid={`role-delete-${r.name}`}>
              {t('common.delete')}
            </a>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.items.roles')}
        description={t('roles.description')}
        extra={
          canCreate ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen('new')} data-testid="role-create">
              {t('roles.create')}
            </Button>
          ) : null
        }
      />
      <Card>
        {roles.error ? (
          <ErrorResult error={roles.error} onRetry={() => void roles.refetch()} />
        ) : (
          <Table
            rowKey="id"
            columns={columns}
            dataSource={roles.data ?? []}
            loading={roles.isLoading}
            pagination={false}
            data-testid="roles-table"
          />
        )}
      </Card>
      <RoleDrawer
        role={open}
        onClose={() => setOpen(null)}
        onCopy={(r) => setOpen({ copyOf: r })}
        readOnly={!canEdit && open !== 'new' && !(open && typeof open === 'object' && 'copyOf' in open)}
      />
    </>
  );
}

import { useState } from 'react';
import { App, Badge, Button, Card, Flex, Input, Select, Space, Table, Tag, TreeSelect, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../app/session';
import { CursorPager, useCursorPager } from '../../components/CursorPager';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { isApiError } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { roleLabel, useDepartments, useRoles, useUpdateUser, useUsers, type StaffUser, type UserFilters } from './api';
import { buildDepartmentTree } from './department-tree';
import { UserDrawer } from './UserDrawer';
import { buttonWithTestId } from '../../components/test-id';

export function UsersPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { modal, message } = App.useApp();
  const canCreate = useCan('staff.create');
  const canEdit = useCan('staff.edit');
  const [filters, setFilters] = useState<UserFilters>({ limit: 20 });
  const pager = useCursorPager();
  const users = useUsers(filters, pager.cursor);
  const roles = useRoles();
  const departments = useDepartments();
  const save = useUpdateUser();
  const [editing, setEditing] = useState<StaffUser | 'new' | null>(null);

  const setFilter = (patch: Partial<UserFilters>) => {
    pager.reset();
    setFilters((f) => ({ ...f, ...patch }));
  };

  const setActive = (user: StaffUser, active: boolean) => {
    modal.confirm({
      title: active
        ? t('users.activateConfirm', { name: user.name })
        : t('users.deactivateConfirm', { name: user.name }),
      content: active ? undefined : t('users.deactivateHint'),
      okText: active ? t('users.activate') : t('users.deactivate'),
      okButtonProps: buttonWithTestId('confirm-ok', { danger: !active }),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await save.mutateAsync({ id: user.id, body: { active } });
          message.success(active ? t('users.activated') : t('users.deactivated'));
        } catch (err) {
          message.error(isApiError(err) ? err.message : t('errors.unexpected'));
        }
      },
    });
  };

  const columns: TableProps<StaffUser>['columns'] = [
    {
      title: t('fields.name'),
      dataIndex: 'name',
      render: (v: string, u) => <a onClick={() => canEdit && setEditing(u)}>{v}</a>,
    },
    { title: t('fields.email'), dataIndex: 'email' },
    { title: t('fields.mobile'), dataIndex: 'mobile', render: (v: string | null) => v ?? '—' },
    { title: t('fields.department'), dataIndex: ['department', 'name'], render: (v?: string) => v ?? '—' },
    {
      title: t('fields.roles'),
      dataIndex: 'roles',
      render: (rs: StaffUser['roles']) => rs.map((r) => <Tag key={r.id}>{roleLabel(r)}</Tag>),
    },
    {
      title: t('fields.status'),
      dataIndex: 'active',
      render: (v: boolean) => (
        <Badge status={v ? 'success' : 'default'} text={v ? t('users.active') : t('users.inactive')} />
      ),
    },
    { title: t('users.createdAt'), dataIndex: 'createdAt', render: (v?: string) => fmt.date(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, u) =>
        canEdit ? (
          <Space>
            <a onClick={() => setEditing(u)} data-testid={`user-edit-${u.email}`}>
              {t('common.edit')}
            </a>
            {u.active ? (
              <a
                onClick={() => setActive(u, false)}
                style={{ color: '#cf1322' }}
                data-testid={`user-deactivate-${u.email}`}
              >
                {t('users.deactivate')}
              </a>
            ) : (
              <a onClick={() => setActive(u, true)} data-testid={`user-activate-${u.email}`}>
                {t('users.activate')}
              </a>
            )}
          </Space>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.items.users')}
        description={t('users.description')}
        extra={
          canCreate ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="user-create">
              {t('users.create')}
            </Button>
          ) : null
        }
      />
      <Card>
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          <Input.Search
            placeholder={t('users.searchPlaceholder')}
            allowClear
            onSearch={(q) => setFilter({ q: q || undefined })}
            style={{ width: 260 }}
            data-testid="user-search"
          />
          <TreeSelect
            placeholder={t('fields.department')}
            allowClear
            treeDefaultExpandAll
            treeData={buildDepartmentTree(departments.data ?? [])}
            onChange={(v?: string) => setFilter({ departmentId: v })}
            style={{ width: 200 }}
            data-testid="user-filter-department"
          />
          <Select
            placeholder={t('fields.roles')}
            allowClear
            options={(roles.data ?? []).map((r) => ({ value: r.id, label: roleLabel(r) }))}
            onChange={(v?: string) => setFilter({ roleId: v })}
            style={{ width: 180 }}
            data-testid="user-filter-role"
          />
          <Select
            placeholder={t('fields.status')}
            allowClear
            options={[
              { value: 'true', label: t('users.active') },
              { value: 'false', label: t('users.inactive') },
            ]}
            onChange={(v?: 'true' | 'false') => setFilter({ active: v })}
            style={{ width: 140 }}
            data-testid="user-filter-active"
          />
        </Flex>
        {users.error ? (
          <ErrorResult error={users.error} onRetry={() => void users.refetch()} />
        ) : (
          <>
            <Table
              rowKey="id"
              columns={columns}
              dataSource={users.data?.items ?? []}
              loading={users.isFetching}
              pagination={false}
              data-testid="users-table"
              scroll={{ x: 900 }}
            />
            <CursorPager pager={pager} nextCursor={users.data?.nextCursor} loading={users.isFetching} />
          </>
        )}
      </Card>
      <UserDrawer user={editing} onClose={() => setEditing(null)} />
    </>
  );
}

import { useState } from 'react';
import { App, Button, Card, Col, Descriptions, Empty, Row, Tree } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useCan } from '../../app/session';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { useDeleteDepartment, useDepartments } from './api';
import { buildDepartmentTree } from './department-tree';
import { DepartmentForm } from './DepartmentForm';
import { buttonWithTestId } from '../../components/test-id';

type Mode = { kind: 'view'; id: string } | { kind: 'add'; parentId: string | null } | null;

export function DepartmentsPage() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const departments = useDepartments();
  const remove = useDeleteDepartment();
  const canCreate = useCan('staff.create');
  const canEdit = useCan('staff.edit');
  const canDelete = useCan('staff.delete');
  const [mode, setMode] = useState<Mode>(null);
  const all = departments.data ?? [];
  const selected = mode?.kind === 'view' ? all.find((d) => d.id === mode.id) : undefined;

  const confirmDelete = () => {
    if (!selected) return;
    modal.confirm({
      title: t('departments.deleteConfirm', { name: selected.name }),
      content: t('departments.deleteHint'),
      okText: t('common.delete'),
      okButtonProps: buttonWithTestId('confirm-ok', { danger: true }),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await remove.mutateAsync(selected.id);
          message.success(t('common.deleted'));
          setMode(null);
        } catch (err) {
          message.error(isApiError(err) ? err.message : t('errors.unexpected'));
        }
      },
    });
  };

  if (departments.error) return <ErrorResult error={departments.error} onRetry={() => void departments.refetch()} />;

  const tree = buildDepartmentTree(all).map(function label(n): object {
    return { key: n.key, title: `${n.title} (${n.dept.userCount})`, children: n.children.map(label) };
  });

  return (
    <>
      <PageHeader
        title={t('nav.items.departments')}
        description={t('departments.description')}
        extra={
          canCreate ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setMode({ kind: 'add', parentId: null })}
              data-testid="department-add"
            >
              {t('departments.add')}
            </Button>
          ) : null
        }
      />
      <Row gutter={16}>
        <Col xs={24} md={10}>
          <Card title={t('departments.tree')} loading={departments.isLoading}>
            {all.length ? (
              <Tree
                // remount when departments come or go so new branches show expanded
                key={all.map((d) => d.id).join()}
                treeData={tree as never}
                defaultExpandAll
                selectedKeys={selected ? [selected.id] : []}
                onSelect={(keys) => setMode(keys[0] ? { kind: 'view', id: String(keys[0]) } : null)}
                data-testid="department-tree"
              />
            ) : (
              <Empty description={t('departments.empty')} />
            )}
          </Card>
        </Col>
        <Col xs={24} md={14}>
          {mode?.kind === 'add' ? (
            <Card title={mode.parentId ? t('departments.addChild') : t('departments.add')}>
              <DepartmentForm
                dept={null}
                defaultParentId={mode.parentId}
                all={all}
                onDone={(d) => setMode({ kind: 'view', id: d.id })}
              />
            </Card>
          ) : selected ? (
            <Card
              title={selected.name}
              extra={
                <>
                  {canCreate ? (
                    <Button
                      size="small"
                      icon={<PlusOutlined />}
                      onClick={() => setMode({ kind: 'add', parentId: selected.id })}
                      data-testid="department-add-child"
                    >
                      {t('departments.addChild')}
                    </Button>
                  ) : null}{' '}
                  {canDelete ? (
                    <Button
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      onClick={confirmDelete}
                      data-testid="department-delete"
                    >
                      {t('common.delete')}
                    </Button>
                  ) : null}
                </>
              }
            >
              <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
                <Descriptions.Item label={t('departments.userCount')}>{selected.userCount}</Descriptions.Item>
              </Descriptions>
              <DepartmentForm
                dept={selected}
                defaultParentId={null}
                all={all}
                onDone={() => undefined}
                readOnly={!canEdit}
              />
            </Card>
          ) : (
            <Card>
              <Empty description={t('departments.pick')} />
            </Card>
          )}
        </Col>
      </Row>
    </>
  );
}

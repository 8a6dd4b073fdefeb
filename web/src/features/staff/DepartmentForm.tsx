import { useEffect, useState } from 'react';
import { Alert, App, Button, Form, Input, Space, TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import { applyServerErrors } from '../../components/forms';
import { useSaveDepartment, type Department } from './api';
import { buildDepartmentTree, descendantIds, type DeptNode } from './department-tree';

type Values = { name: string; parentId: string | null };

/** Add (dept null) or rename / move one department. */
export function DepartmentForm({
  dept,
  defaultParentId,
  all,
  onDone,
  readOnly,
}: {
  dept: Department | null;
  defaultParentId: string | null;
  all: Department[];
  onDone: (saved: Department) => void;
  readOnly?: boolean;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useSaveDepartment();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    form.setFieldsValue({ name: dept?.name ?? '', parentId: dept ? dept.parentId : defaultParentId });
  }, [dept, defaultParentId, form]);

  // a department cannot move under itself or its own descendants
  const blocked = dept ? descendantIds(all, dept.id) : new Set<string>();
  const mark = (nodes: DeptNode[]): DeptNode[] =>
    nodes.map((n) => ({ ...n, disabled: blocked.has(n.key), children: mark(n.children) }));

  const submit = async (v: Values) => {
    setError(null);
    try {
      const saved = await save.mutateAsync({ id: dept?.id, body: { name: v.name, parentId: v.parentId ?? null } });
      message.success(dept ? t('common.saved') : t('departments.created'));
      onDone(saved);
      if (!dept) form.resetFields();
    } catch (err) {
      setError(applyServerErrors(form, err, ['name', 'parentId']));
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} disabled={readOnly}>
      {error ? <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} /> : null}
      <Form.Item name="name" label={t('fields.label')} rules={[{ required: true, message: t('validation.required') }]}>
        <Input maxLength={100} data-testid="department-name" />
      </Form.Item>
      <Form.Item name="parentId" label={t('departments.parent')}>
        <TreeSelect
          allowClear
          treeDefaultExpandAll
          placeholder={t('departments.topLevel')}
          treeData={mark(buildDepartmentTree(all))}
          data-testid="department-parent"
        />
      </Form.Item>
      {readOnly ? null : (
        <Space>
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="department-save">
            {dept ? t('common.save') : t('departments.add')}
          </Button>
        </Space>
      )}
    </Form>
  );
}

import { useState } from 'react';
import { App, Button, Card, Empty, Form, Input, Modal, Space, Tree, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { applyServerErrors } from '../../components/forms';
import { buttonWithTestId } from '../../components/test-id';
import { useCategories, useDeleteCategory, useSaveCategory, type ProductCategory } from './api';
import { buildCategoryTree, type CategoryNode } from './category-tree';

type Editing = { kind: 'add'; parentId: string | null } | { kind: 'rename'; category: ProductCategory } | null;

/** The category tree as a filter; holders of orders.manage also add, rename and delete categories. */
export function CategoryPanel({
  selectedId,
  onSelect,
  canManage,
}: {
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  canManage: boolean;
}) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const categories = useCategories();
  const save = useSaveCategory();
  const remove = useDeleteCategory();
  const [editing, setEditing] = useState<Editing>(null);
  const [form] = Form.useForm<{ name: string }>();
  const all = categories.data ?? [];
  const selected = all.find((c) => c.id === selectedId) ?? null;

  const tree = buildCategoryTree(all).map(function label(n: CategoryNode): object {
    return { key: n.key, title: `${n.title} (${n.total})`, children: n.children.map(label) };
  });

  const open = (e: Editing) => {
    form.resetFields();
    if (e?.kind === 'rename') form.setFieldsValue({ name: e.category.name });
    setEditing(e);
  };

  const submit = async () => {
    const { name } = await form.validateFields();
    try {
      if (editing?.kind === 'rename') await save.mutateAsync({ id: editing.category.id, body: { name: name.trim() } });
      else if (editing?.kind === 'add') {
        const created = await save.mutateAsync({ body: { name: name.trim(), parentId: editing.parentId } });
        onSelect(created.id);
      }
      message.success(t('common.saved'));
      setEditing(null);
    } catch (err) {
      const left = applyServerErrors(form, err, ['name']);
      if (left) message.error(left);
    }
  };

  const confirmDelete = () => {
    if (!selected) return;
    modal.confirm({
      title: t('products.categoryDeleteConfirm', { name: selected.name }),
      content: t('products.categoryDeleteHint'),
      okText: t('common.delete'),
      okButtonProps: buttonWithTestId('confirm-ok', { danger: true }),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await remove.mutateAsync(selected.id);
          message.success(t('common.deleted'));
          onSelect(null);
        } catch (err) {
          message.error(isApiError(err) ? err.message : t('errors.unexpected'));
        }
      },
    });
  };

  return (
    <Card
      title={t('products.categories')}
      loading={categories.isLoading}
      extra={
        canManage ? (
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => open({ kind: 'add', parentId: null })}
            data-testid="category-add"
          >
            {t('products.addCategory')}
          </Button>
        ) : null
      }
    >
      <Typography.Link onClick={() => onSelect(null)} strong={!selectedId} data-testid="category-all">
        {t('products.allCategories')}
      </Typography.Link>
      {all.length ? (
        <Tree
          key={all.map((c) => c.id).join()}
          treeData={tree as never}
          defaultExpandAll
          selectedKeys={selectedId ? [selectedId] : []}
          onSelect={(keys) => onSelect(keys[0] ? String(keys[0]) : null)}
          style={{ marginTop: 8 }}
          data-testid="category-tree"
        />
      ) : (
        <Empty description={t('products.noCategories')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      )}
      {canManage && selected ? (
        <Space wrap style={{ marginTop: 16 }}>
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => open({ kind: 'add', parentId: selected.id })}
            data-testid="category-add-child"
          >
            {t('products.addSubcategory')}
          </Button>
          <Button
            size="small"
            icon={<EditOutlined />}
            onClick={() => open({ kind: 'rename', category: selected })}
            data-testid="category-rename"
          >
            {t('products.renameCategory')}
          </Button>
          <Button size="small" danger icon={<DeleteOutlined />} onClick={confirmDelete} data-testid="category-delete">
            {t('common.delete')}
          </Button>
        </Space>
      ) : null}
      <Modal
        open={!!editing}
        title={editing?.kind === 'rename' ? t('products.renameCategory') : t('products.addCategory')}
        onCancel={() => setEditing(null)}
        onOk={() => void submit()}
        okButtonProps={buttonWithTestId('category-save', { loading: save.isPending })}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item
            name="name"
            label={t('products.fields.categoryName')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
          >
            <Input maxLength={50} data-testid="category-name" onPressEnter={() => void submit()} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

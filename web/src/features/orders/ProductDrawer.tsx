import { useEffect, useState } from 'react';
import { Alert, App, Button, Drawer, Form, Input, Space, Switch, TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import { applyServerErrors } from '../../components/forms';
import { useCategories, useSaveProduct, type Product } from './api';
import { buildCategoryTree } from './category-tree';
import { moneyPattern } from './money';

type Values = { sku: string; name: string; categoryId?: string | null; price: string; isActive: boolean };
const fieldNames = ['sku', 'name', 'categoryId', 'price', 'isActive'];

/** Create or edit a product; the server's field errors appear under each field. */
export function ProductDrawer({
  product,
  defaultCategoryId,
  onClose,
}: {
  product: Product | 'new' | null;
  defaultCategoryId?: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const categories = useCategories();
  const save = useSaveProduct();
  const [error, setError] = useState<string | null>(null);
  const existing = product && product !== 'new' ? product : null;

  useEffect(() => {
    if (!product) return;
    setError(null);
    form.resetFields();
    form.setFieldsValue(
      existing
        ? {
            sku: existing.sku,
            name: existing.name,
            categoryId: existing.category?.id ?? null,
            price: existing.price,
            isActive: existing.isActive,
          }
        : { categoryId: defaultCategoryId ?? null, isActive: true },
    );
  }, [product, existing, defaultCategoryId, form]);

  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    try {
      await save.mutateAsync({
        id: existing?.id,
        body: {
          sku: v.sku.trim(),
          name: v.name.trim(),
          categoryId: v.categoryId ?? null,
          price: v.price.trim(),
          isActive: v.isActive,
        },
      });
      message.success(existing ? t('common.saved') : t('products.created'));
      onClose();
    } catch (err) {
      setError(applyServerErrors(form, err, fieldNames));
    }
  };

  return (
    <Drawer
      open={!!product}
      onClose={onClose}
      title={existing ? t('products.edit') : t('products.create')}
      size={480}
      destroyOnHidden
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => void submit()} data-testid="product-save">
            {t('common.save')}
          </Button>
        </Space>
      }
      data-testid="product-drawer"
    >
      {error ? <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" requiredMark="optional" preserve={false}>
        <Form.Item
          name="sku"
          label={t('products.fields.sku')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input maxLength={64} data-testid="product-sku" />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('products.fields.name')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input maxLength={200} data-testid="product-name" />
        </Form.Item>
        <Form.Item name="categoryId" label={t('products.fields.category')}>
          <TreeSelect
            allowClear
            treeDefaultExpandAll
            treeData={buildCategoryTree(categories.data ?? [])}
            placeholder={t('products.noCategory')}
            data-testid="product-category"
          />
        </Form.Item>
        <Form.Item
          name="price"
          label={t('products.fields.price')}
          rules={[
            { required: true, message: t('validation.required') },
            { pattern: moneyPattern, message: t('orders.invalidAmount') },
          ]}
        >
          <Input prefix="¥" inputMode="decimal" data-testid="product-price" />
        </Form.Item>
        <Form.Item name="isActive" label={t('products.fields.isActive')} valuePropName="checked">
          <Switch data-testid="product-active" />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

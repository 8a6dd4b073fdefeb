import { useState } from 'react';
import { Badge, Button, Card, Col, Flex, Input, Row, Select, Table, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../app/session';
import { CursorPager, useCursorPager } from '../../components/CursorPager';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { useProducts, type Product, type ProductFilters } from './api';
import { CategoryPanel } from './CategoryPanel';
import { ProductDrawer } from './ProductDrawer';

/** The catalogue: products by name, filtered by a category (and everything below it). */
export function ProductsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const canManage = useCan('orders.manage');
  const [filters, setFilters] = useState<ProductFilters>({ limit: 20 });
  const pager = useCursorPager();
  const products = useProducts(filters, pager.cursor);
  const [editing, setEditing] = useState<Product | 'new' | null>(null);

  const setFilter = (patch: Partial<ProductFilters>) => {
    pager.reset();
    setFilters((f) => ({ ...f, ...patch }));
  };

  const columns: TableProps<Product>['columns'] = [
    { title: t('products.fields.sku'), dataIndex: 'sku' },
    {
      title: t('products.fields.name'),
      dataIndex: 'name',
      render: (v: string, p) =>
        canManage ? (
          <a onClick={() => setEditing(p)} data-testid={`product-edit-${p.sku}`}>
            {v}
          </a>
        ) : (
          v
        ),
    },
    { title: t('products.fields.category'), dataIndex: ['category', 'name'], render: (v?: string) => v ?? '—' },
    { title: t('products.fields.price'), dataIndex: 'price', align: 'right', render: (v: string) => fmt.money(v) },
    {
      title: t('products.fields.isActive'),
      dataIndex: 'isActive',
      render: (v: boolean) => (
        <Badge status={v ? 'success' : 'default'} text={v ? t('products.active') : t('products.inactive')} />
      ),
    },
    { title: t('products.fields.createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.date(v) },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.items.products')}
        description={t('products.description')}
        extra={
          canManage ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing('new')}
              data-testid="product-create"
            >
              {t('products.create')}
            </Button>
          ) : null
        }
      />
      <Row gutter={16}>
        <Col xs={24} lg={7}>
          <CategoryPanel
            selectedId={filters.categoryId ?? null}
            onSelect={(id) => setFilter({ categoryId: id ?? undefined })}
            canManage={canManage}
          />
        </Col>
        <Col xs={24} lg={17}>
          <Card>
            <Flex gap={8} wrap style={{ marginBottom: 16 }}>
              <Input.Search
                placeholder={t('products.searchPlaceholder')}
                allowClear
                onSearch={(q) => setFilter({ search: q.trim() || undefined })}
                style={{ width: 260 }}
                data-testid="product-search"
              />
              <Select
                placeholder={t('products.fields.isActive')}
                allowClear
                options={[
                  { value: 'true', label: t('products.active') },
                  { value: 'false', label: t('products.inactive') },
                ]}
                onChange={(v?: 'true' | 'false') => setFilter({ isActive: v })}
                style={{ width: 140 }}
                data-testid="product-filter-active"
              />
            </Flex>
            {products.error ? (
              <ErrorResult error={products.error} onRetry={() => void products.refetch()} />
            ) : (
              <>
                <Table
                  rowKey="id"
                  columns={columns}
                  dataSource={products.data?.items ?? []}
                  loading={products.isFetching}
                  pagination={false}
                  data-testid="products-table"
                  scroll={{ x: 800 }}
                />
                <CursorPager pager={pager} nextCursor={products.data?.nextCursor} loading={products.isFetching} />
              </>
            )}
          </Card>
        </Col>
      </Row>
      <ProductDrawer product={editing} defaultCategoryId={filters.categoryId} onClose={() => setEditing(null)} />
    </>
  );
}

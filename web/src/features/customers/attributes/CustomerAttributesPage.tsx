import { useState } from 'react';
import { App, Button, Card, Flex, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../api/client';
import { ErrorResult } from '../../../components/ErrorResult';
import { PageHeader } from '../../../components/PageHeader';
import { buttonWithTestId } from '../../../components/test-id';
import { useAttributes, useDeleteAttribute, type AttributeDefinition } from './api';
import { AttributeDrawer } from './AttributeDrawer';
import { TagManager } from './TagManager';

/** Administration of the fields customers carry beyond the built-in profile, and of the tag vocabulary. */
export function CustomerAttributesPage() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const attributes = useAttributes();
  const remove = useDeleteAttribute();
  const [editing, setEditing] = useState<AttributeDefinition | 'new' | null>(null);
  const items = attributes.data ?? [];

  if (attributes.error) return <ErrorResult error={attributes.error} onRetry={() => void attributes.refetch()} />;

  const confirmDelete = (a: AttributeDefinition) => {
    modal.confirm({
      title: t('customerAttributes.deleteConfirm', { label: a.label }),
      content: t('customerAttributes.deleteHint', { key: a.key }),
      okText: t('common.delete'),
      okButtonProps: buttonWithTestId('confirm-ok', { danger: true }),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await remove.mutateAsync(a.id);
          message.success(t('common.deleted'));
        } catch (err) {
          message.error(isApiError(err) ? err.message : t('errors.unexpected'));
        }
      },
    });
  };

  const columns: TableProps<AttributeDefinition>['columns'] = [
    { title: t('customerAttributes.fields.sortOrder'), dataIndex: 'sortOrder', width: 80 },
    {
      title: t('customerAttributes.fields.label'),
      dataIndex: 'label',
      render: (label: string, a) => (
        <Flex vertical>
          <a onClick={() => setEditing(a)} data-testid={`attribute-row-${a.key}`}>
            {label}
          </a>
          {a.description ? <Typography.Text type="secondary">{a.description}</Typography.Text> : null}
        </Flex>
      ),
    },
    { title: t('customerAttributes.fields.key'), dataIndex: 'key', render: (k: string) => <code>{k}</code> },
    {
      title: t('customerAttributes.fields.type'),
      dataIndex: 'type',
      render: (v: string) => <Tag>{t(`customerAttributes.types.${v}`, { defaultValue: v })}</Tag>,
    },
    {
      title: t('customerAttributes.fields.options'),
      dataIndex: 'options',
      render: (options: AttributeDefinition['options']) =>
        options.length ? (
          <Space size={[0, 4]} wrap>
            {options.slice(0, 6).map((o) => (
              <Tag key={o.value}>{o.label}</Tag>
            ))}
            {options.length > 6 ? <Tag>+{options.length - 6}</Tag> : null}
          </Space>
        ) : (
          '—'
        ),
    },
    {
      title: t('customerAttributes.fields.isRequired'),
      dataIndex: 'isRequired',
      render: (v: boolean) =>
        v ? <Tag color="orange">{t('customerAttributes.required')}</Tag> : t('customerAttributes.optional'),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, a) => (
        <Space>
          <a onClick={() => setEditing(a)} data-testid={`attribute-edit-${a.key}`}>
            {t('common.edit')}
          </a>
          <Typography.Link type="danger" onClick={() => confirmDelete(a)} data-testid={`attribute-delete-${a.key}`}>
            {t('common.delete')}
          </Typography.Link>
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.items.customerAttributes')}
        description={t('customerAttributes.description')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="attribute-create"
          >
            {t('customerAttributes.create')}
          </Button>
        }
      />
      <Card title={t('customerAttributes.title')} style={{ marginBottom: 16 }}>
        <Table<AttributeDefinition>
          rowKey="id"
          size="middle"
          loading={attributes.isLoading}
          columns={columns}
          dataSource={items}
          pagination={false}
          locale={{ emptyText: t('customerAttributes.empty') }}
          data-testid="attribute-table"
        />
      </Card>
      <TagManager />
      <AttributeDrawer
        attribute={editing}
        nextSortOrder={items.length ? Math.max(...items.map((a) => a.sortOrder)) + 10 : 10}
        onClose={() => setEditing(null)}
      />
    </>
  );
}

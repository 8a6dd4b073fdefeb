import { useState } from 'react';
import {
  App,
  Button,
  Card,
  Empty,
  Flex,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type TableProps,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../api/client';
import { applyServerErrors } from '../../../components/forms';
import { buttonWithTestId } from '../../../components/test-id';
import { useFormat } from '../../../i18n/format';
import { useCreateTag, useDeleteTag, useTags, type CustomerTag } from './api';

const colors = ['magenta', 'red', 'volcano', 'orange', 'gold', 'lime', 'green', 'cyan', 'blue', 'geekblue', 'purple'];
type Values = { name: string; color?: string };

/** The tag vocabulary: what pickers offer, how many customers carry each tag, and deleting one everywhere. */
export function TagManager() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { modal, message } = App.useApp();
  const tags = useTags();
  const create = useCreateTag();
  const remove = useDeleteTag();
  const [form] = Form.useForm<Values>();
  const [filter, setFilter] = useState('');

  const submit = async (v: Values) => {
    try {
      await create.mutateAsync({ name: v.name, color: v.color ?? null });
      message.success(t('tags.created'));
      form.resetFields();
    } catch (err) {
      const top = applyServerErrors(form, err, ['name', 'color']);
      if (top) message.error(top);
    }
  };

  const confirmDelete = (tag: CustomerTag) => {
    modal.confirm({
      title: t('tags.deleteConfirm', { name: tag.name }),
      content: tag.customerCount ? t('tags.deleteHint', { count: tag.customerCount }) : undefined,
      okText: t('common.delete'),
      okButtonProps: buttonWithTestId('confirm-ok', { danger: true }),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await remove.mutateAsync(tag.name);
          message.success(t('common.deleted'));
        } catch (err) {
          message.error(isApiError(err) ? err.message : t('errors.unexpected'));
        }
      },
    });
  };

  const items = (tags.data ?? []).filter((tag) => !filter || tag.name.toLowerCase().includes(filter.toLowerCase()));
  const columns: TableProps<CustomerTag>['columns'] = [
    {
      title: t('tags.name'),
      dataIndex: 'name',
      render: (name: string, tag) => <Tag color={tag.color ?? undefined}>{name}</Tag>,
    },
    {
      title: t('tags.customerCount'),
      dataIndex: 'customerCount',
      align: 'right',
      sorter: (a, b) => a.customerCount - b.customerCount,
      render: (n: number) => fmt.number(n),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      render: (_, tag) => (
        <Typography.Link type="danger" onClick={() => confirmDelete(tag)} data-testid={`tag-delete-${tag.name}`}>
          {t('common.delete')}
        </Typography.Link>
      ),
    },
  ];

  return (
    <Card title={t('tags.title')} data-testid="tag-manager">
      <Typography.Paragraph type="secondary">{t('tags.description')}</Typography.Paragraph>
      <Flex justify="space-between" gap={16} wrap style={{ marginBottom: 16 }}>
        <Form form={form} layout="inline" onFinish={(v) => void submit(v)}>
          <Form.Item name="name" rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
            <Input placeholder={t('tags.name')} maxLength={30} data-testid="tag-name" />
          </Form.Item>
          <Form.Item name="color">
            <Select
              allowClear
              placeholder={t('tags.color')}
              style={{ width: 140 }}
              options={colors.map((c) => ({ value: c, label: <Tag color={c}>{t(`tags.colors.${c}`)}</Tag> }))}
              data-testid="tag-color"
            />
          </Form.Item>
          <Space>
            <Button htmlType="submit" icon={<PlusOutlined />} loading={create.isPending} data-testid="tag-create">
              {t('tags.create')}
            </Button>
          </Space>
        </Form>
        <Input.Search
          allowClear
          placeholder={t('tags.search')}
          onChange={(e) => setFilter(e.target.value)}
          style={{ width: 220 }}
          data-testid="tag-search"
        />
      </Flex>
      <Table<CustomerTag>
        rowKey="name"
        size="small"
        loading={tags.isLoading}
        columns={columns}
        dataSource={items}
        pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tags.empty')} /> }}
        data-testid="tag-table"
      />
    </Card>
  );
}

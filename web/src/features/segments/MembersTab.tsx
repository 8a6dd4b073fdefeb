import { useMemo, useState } from 'react';
import { App, Button, Flex, Popconfirm, Table, Typography } from 'antd';
import { MinusCircleOutlined, UnorderedListOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../api/client';
import { CursorPager, useCursorPager } from '../../components/CursorPager';
import { ErrorResult } from '../../components/ErrorResult';
import { useFormat } from '../../i18n/format';
import { useAttributeDefinitions, useCustomers, type Customer } from '../customers/api';
import { customerColumns } from '../customers/columns';
import { useRemoveMembers, type Segment } from './api';
import { UploadModal } from './UploadModal';

const pageSize = 20;
/** The columns a member list needs; the full list (with every column and filter) is one click away. */
export const memberColumns = ['name', 'gender', 'mobile', 'region', 'tags', 'orderCount', 'totalSpent', 'lastOrderAt'];

/** The segment's current members (the customer list filtered by it); a static one can be edited here. */
export function MembersTab({ segment, canEdit }: { segment: Segment; canEdit: boolean }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { message } = App.useApp();
  const pager = useCursorPager();
  const [selected, setSelected] = useState<string[]>([]);
  const [uploading, setUploading] = useState(false);
  const definitions = useAttributeDefinitions();
  const filters = useMemo(() => ({ segmentId: segment.id }), [segment.id]);
  const customers = useCustomers(filters, '-createdAt', pageSize, pager.cursor);
  const remove = useRemoveMembers();
  const isEditable = canEdit && segment.kind === 'static';
  const columns = customerColumns(t, fmt, definitions.data ?? []).filter((c) => memberColumns.includes(c.key));

  const removeSelected = async () => {
    try {
      await remove.mutateAsync({ id: segment.id, customerIds: selected });
      message.success(t('segments.members.removed', { count: selected.length }));
      setSelected([]);
    } catch (err) {
      message.error(isApiError(err) ? err.message : t('errors.unexpected'));
    }
  };

  if (customers.error) return <ErrorResult error={customers.error} onRetry={() => void customers.refetch()} />;
  return (
    <>
      <Flex gap={8} align="center" wrap style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">
          {t('segments.members.summary', { count: segment.memberCount, formatted: fmt.number(segment.memberCount) })}
        </Typography.Text>
        <div style={{ flex: 1 }} />
        {isEditable ? (
          <>
            <Popconfirm
              title={t('segments.members.removeConfirm', { count: selected.length })}
              okText={t('segments.members.remove')}
              okButtonProps={{ danger: true }}
              cancelText={t('common.cancel')}
              onConfirm={() => removeSelected()}
              disabled={!selected.length}
            >
              <Button
                icon={<MinusCircleOutlined />}
                disabled={!selected.length}
                loading={remove.isPending}
                data-testid="members-remove"
              >
                {t('segments.members.remove')}
              </Button>
            </Popconfirm>
            <Button icon={<UploadOutlined />} onClick={() => setUploading(true)} data-testid="members-upload">
              {t('segments.members.upload')}
            </Button>
          </>
        ) : null}
        <Link to={`/customers?segmentId=${segment.id}`} data-testid="members-open-list">
          <UnorderedListOutlined /> {t('segments.members.openList')}
        </Link>
      </Flex>
      <Table<Customer>
        rowKey="id"
        size="small"
        columns={columns.map((c) => c.column)}
        dataSource={customers.data?.items ?? []}
        loading={customers.isFetching}
        pagination={false}
        rowSelection={
          isEditable ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } : undefined
        }
        locale={{ emptyText: t('segments.members.empty') }}
        scroll={{ x: 'max-content' }}
        data-testid="segment-members"
      />
      <CursorPager pager={pager} nextCursor={customers.data?.nextCursor} loading={customers.isFetching} />
      {isEditable ? <UploadModal segmentId={segment.id} open={uploading} onClose={() => setUploading(false)} /> : null}
    </>
  );
}

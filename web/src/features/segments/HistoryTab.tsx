import { Button, Flex, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorResult } from '../../components/ErrorResult';
import { useFormat } from '../../i18n/format';
import { useChanges, type MemberChange } from './api';

/** Who entered and who left, newest first, a page at a time. */
export function HistoryTab({ segmentId }: { segmentId: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const changes = useChanges(segmentId);
  if (changes.error) return <ErrorResult error={changes.error} onRetry={() => void changes.refetch()} />;
  const items = changes.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <Table<MemberChange>
        rowKey={(c) => `${c.customerId}-${c.at}-${c.kind}`}
        size="small"
        loading={changes.isLoading}
        dataSource={items}
        pagination={false}
        locale={{ emptyText: t('segments.history.empty') }}
        data-testid="segment-history"
        columns={[
          { title: t('segments.history.at'), dataIndex: 'at', render: (v: string) => fmt.dateTime(v) },
          {
            title: t('segments.history.kind'),
            dataIndex: 'kind',
            render: (k: MemberChange['kind']) => (
              <Tag color={k === 'entered' ? 'green' : 'orange'}>{t(`segments.history.${k}`)}</Tag>
            ),
          },
          {
            title: t('segments.history.customer'),
            dataIndex: 'customerName',
            render: (name: string | null, c) => (
              <Link to={`/customers/${c.customerId}`}>{name ?? t('segments.history.deletedCustomer')}</Link>
            ),
          },
        ]}
      />
      {changes.hasNextPage ? (
        <Flex justify="center" style={{ marginTop: 12 }}>
          <Button
            onClick={() => void changes.fetchNextPage()}
            loading={changes.isFetchingNextPage}
            data-testid="history-more"
          >
            {t('segments.history.more')}
          </Button>
        </Flex>
      ) : null}
    </>
  );
}

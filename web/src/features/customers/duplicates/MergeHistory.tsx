import { App, Button, Flex, Popconfirm, Table, Tag, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../../api/client';
import { useCan } from '../../../app/session';
import { CursorPager, useCursorPager } from '../../../components/CursorPager';
import { ErrorResult } from '../../../components/ErrorResult';
import { buttonWithTestId } from '../../../components/test-id';
import { useFormat } from '../../../i18n/format';
import { useMerges, useUndoMerge, type Merge } from './api';

/** Every merge, newest first, with what moved and an undo while it still applies. */
export function MergeHistory() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const { message } = App.useApp();
  const canEdit = useCan('customers.edit');
  const pager = useCursorPager();
  const list = useMerges(pager.cursor);
  const undo = useUndoMerge();
  const conj = new Intl.ListFormat(i18n.language, { type: 'conjunction' });

  const runUndo = async (m: Merge) => {
    try {
      const res = await undo.mutateAsync(m.id);
      message.success(
        res.kept.length
          ? t('duplicates.history.kept', {
              fields: conj.format(res.kept.map((f) => t(`customers.fields.${f}`, { defaultValue: f }))),
            })
          : t('duplicates.history.undoneMsg', { name: m.merged.name }),
      );
    } catch (err) {
      message.error(isApiError(err) ? err.message : t('errors.unexpected'));
    }
  };

  if (list.error) return <ErrorResult error={list.error} onRetry={() => void list.refetch()} />;

  const columns: TableProps<Merge>['columns'] = [
    { title: t('duplicates.history.at'), dataIndex: 'mergedAt', width: 170, render: (v: string) => fmt.dateTime(v) },
    {
      title: t('duplicates.history.survivor'),
      key: 'survivor',
      render: (_, m) =>
        m.survivor.name !== null ? (
          <Link to={`/customers/${m.survivor.id}`}>{m.survivor.name}</Link>
        ) : (
          <Typography.Text type="secondary">{t('duplicates.history.gone')}</Typography.Text>
        ),
    },
    {
      title: t('duplicates.history.merged'),
      key: 'merged',
      render: (_, m) =>
        m.undoneAt ? <Link to={`/customers/${m.merged.id}`}>{m.merged.name}</Link> : <span>{m.merged.name}</span>,
    },
    {
      title: t('duplicates.history.moved'),
      key: 'moved',
      render: (_, m) =>
        conj.format(
          Object.entries(m.moved)
            .filter(([, n]) => n > 0)
            .map(([name, count]) => t(`duplicates.moved.${name}`, { count, defaultValue: `${name}: ${count}` })),
        ) || '—',
    },
    {
      title: t('duplicates.history.by'),
      key: 'by',
      render: (_, m) =>
        m.autoRule ? (
          <Tag color="purple">{t('duplicates.history.auto', { rule: t(`duplicates.rules.${m.autoRule}`) })}</Tag>
        ) : (
          (m.mergedBy?.name ?? '—')
        ),
    },
    {
      title: t('duplicates.history.status'),
      key: 'status',
      render: (_, m) =>
        m.undoneAt ? (
          <Flex vertical align="flex-start">
            <Tag>{t('duplicates.history.undone')}</Tag>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {fmt.dateTime(m.undoneAt)} {m.undoneBy?.name ?? ''}
            </Typography.Text>
          </Flex>
        ) : (
          <Tag color="green">{t('duplicates.history.active')}</Tag>
        ),
    },
    {
      title: t('duplicates.columns.actions'),
      key: 'actions',
      width: 120,
      render: (_, m) =>
        canEdit && !m.undoneAt ? (
          <Popconfirm
            title={t('duplicates.history.undoConfirm', { name: m.merged.name })}
            okText={t('duplicates.history.undo')}
            cancelText={t('common.cancel')}
            okButtonProps={buttonWithTestId('undo-confirm-ok')}
            onConfirm={() => runUndo(m)}
          >
            <Button type="link" size="small" data-testid="merge-undo">
              {t('duplicates.history.undo')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <>
      <Table<Merge>
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        columns={columns}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('duplicates.history.empty') }}
        data-testid="merge-history"
      />
      <CursorPager pager={pager} nextCursor={list.data?.nextCursor} loading={list.isFetching} />
    </>
  );
}

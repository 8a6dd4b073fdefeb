import { useState } from 'react';
import { Button, Card, Popconfirm, Table, Tag, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useCan } from '../../app/session';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { isBusy, useDeleteImport, useImports, type ImportItem, type ImportStatus } from './api';
import { ImportWizard } from './ImportWizard';

const statusColors: Record<ImportStatus, string> = {
  uploaded: 'default',
  validating: 'processing',
  validated: 'blue',
  running: 'processing',
  done: 'success',
  failed: 'error',
};

/** Bulk import of customers and orders: the wizard on top, the history of imports below. */
export function ImportsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const canCreate = useCan('ingest.create');
  const canDelete = useCan('ingest.delete');
  const [params, setParams] = useSearchParams();
  const id = params.get('id');
  const open = (next: string | null) => setParams(next ? { id: next } : {});
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const list = useImports(cursors[cursors.length - 1]);
  const remove = useDeleteImport();

  if (list.error) return <ErrorResult error={list.error} onRetry={() => void list.refetch()} />;

  const columns: TableProps<ImportItem>['columns'] = [
    {
      title: t('imports.history.file'),
      dataIndex: 'fileName',
      render: (name: string, r) => (
        <a onClick={() => open(r.id)} data-testid={`import-row-${r.id}`}>
          {name}
        </a>
      ),
    },
    {
      title: t('imports.history.kind'),
      dataIndex: 'kind',
      render: (k: ImportItem['kind']) => (k ? t(`imports.kinds.${k}`) : '—'),
    },
    {
      title: t('imports.history.status'),
      dataIndex: 'status',
      render: (s: ImportStatus, r) => (
        <Tag color={statusColors[s]}>
          {t(`imports.status.${s}`)}
          {isBusy(s) ? ` ${r.progress}%` : ''}
        </Tag>
      ),
    },
    {
      title: t('imports.history.rows'),
      dataIndex: 'totalRows',
      render: (n: number | null) => (n === null ? '—' : fmt.number(n)),
    },
    {
      title: t('imports.history.outcome'),
      key: 'outcome',
      render: (_, r) =>
        r.status === 'done' || (r.status === 'failed' && r.startedAt)
          ? t('imports.history.outcomeText', {
              created: fmt.number(r.result.created),
              updated: fmt.number(r.result.updated + r.result.unchanged + r.result.skipped),
              failed: fmt.number(r.result.failed),
            })
          : '—',
    },
    { title: t('imports.history.createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
    {
      title: '',
      key: 'actions',
      render: (_, r) =>
        canDelete && !isBusy(r.status) ? (
          <Popconfirm
            title={t('imports.history.confirmDelete')}
            onConfirm={() => remove.mutate(r.id, { onSuccess: () => id === r.id && open(null) })}
          >
            <a data-testid={`import-delete-${r.id}`}>{t('common.delete')}</a>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('imports.title')}
        description={t('imports.description')}
        extra={
          id && canCreate ? (
            <Button icon={<PlusOutlined />} onClick={() => open(null)} data-testid="import-new-top">
              {t('imports.summary.new')}
            </Button>
          ) : null
        }
      />
      {canCreate ? (
        <Card style={{ marginBottom: 16 }}>
          <ImportWizard id={id} onOpen={open} />
        </Card>
      ) : null}
      <Card title={t('imports.history.title')}>
        <Table<ImportItem>
          rowKey="id"
          size="small"
          loading={list.isLoading}
          dataSource={list.data?.items ?? []}
          columns={columns}
          pagination={false}
          locale={{ emptyText: t('imports.history.none') }}
          data-testid="import-history"
        />
        {cursors.length > 1 || list.data?.nextCursor ? (
          <div style={{ marginTop: 8, textAlign: 'right' }}>
            <Button size="small" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
              {t('pager.prev')}
            </Button>{' '}
            <Button
              size="small"
              disabled={!list.data?.nextCursor}
              onClick={() => list.data?.nextCursor && setCursors([...cursors, list.data.nextCursor])}
            >
              {t('pager.next')}
            </Button>
          </div>
        ) : null}
      </Card>
    </>
  );
}

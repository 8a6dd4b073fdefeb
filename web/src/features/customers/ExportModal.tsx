import { useEffect, useState } from 'react';
import { Alert, Button, Divider, Flex, Modal, Progress, Radio, Table, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useCan } from '../../app/session';
import { useFormat } from '../../i18n/format';
import {
  exportDownloadUrl,
  useCreateExport,
  useExport,
  useExports,
  type CustomerExport,
  type CustomerFilters,
  type CustomerSort,
  type ExportFormat,
} from './api';

const statusColors: Record<CustomerExport['status'], string> = {
  queued: 'default',
  running: 'processing',
  done: 'success',
  failed: 'error',
};

function DownloadLink({ exp, testId }: { exp: CustomerExport; testId?: string }) {
  const { t } = useTranslation();
  if (exp.status !== 'done') return null;
  return (
    <a href={exportDownloadUrl(exp.id)} download={exp.fileName ?? undefined} data-testid={testId}>
      <DownloadOutlined /> {t('customers.export.download')}
    </a>
  );
}

/**
 * Exports the filtered list with the columns on screen: starts a job, follows its progress and
 * offers the file when it is ready; the user's recent exports are listed below.
 */
export function ExportModal({
  open,
  onClose,
  filters,
  sort,
  columns,
  columnCount,
  count,
}: {
  open: boolean;
  onClose: () => void;
  filters: CustomerFilters;
  sort: CustomerSort;
  columns: string[];
  /** Columns as the list shows them (one "region" column exports as province, city, district). */
  columnCount: number;
  count: number | undefined;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const canReveal = useCan('customers.reveal');
  const [format, setFormat] = useState<ExportFormat>('xlsx');
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = useCreateExport();
  const current = useExport(currentId);
  const recent = useExports();
  const exp = current.data;
  const finished = exp?.status === 'done' || exp?.status === 'failed';
  const refetchRecent = recent.refetch;
  useEffect(() => {
    if (finished) void refetchRecent();
  }, [finished, refetchRecent]);

  const start = async () => {
    setError(null);
    try {
      const created = await create.mutateAsync({ format, filters: { ...filters, sort }, columns });
      setCurrentId(created.id);
    } catch (err) {
      setError(isApiError(err) ? err.message : t('errors.unexpected'));
    }
  };

  const close = () => {
    setCurrentId(null);
    setError(null);
    onClose();
  };

  return (
    <Modal
      open={open}
      onCancel={close}
      title={t('customers.export.title')}
      width={720}
      footer={<Button onClick={close}>{t('common.close')}</Button>}
      destroyOnHidden
      data-testid="export-modal"
    >
      <Typography.Paragraph>
        {count === undefined
          ? t('customers.export.summaryUnknown', { columns: columnCount })
          : t('customers.export.summary', { count, formatted: fmt.number(count), columns: columnCount })}
      </Typography.Paragraph>
      {!canReveal ? (
        <Alert type="info" showIcon title={t('customers.export.masked')} style={{ marginBottom: 12 }} />
      ) : null}
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      <Flex align="center" gap={12} wrap>
        <Radio.Group
          value={format}
          onChange={(e) => setFormat(e.target.value as ExportFormat)}
          optionType="button"
          options={[
            { value: 'xlsx', label: 'Excel (XLSX)' },
            { value: 'csv', label: 'CSV' },
          ]}
          data-testid="export-format"
        />
        <Button
          type="primary"
          onClick={() => void start()}
          loading={create.isPending}
          disabled={!!exp && exp.status !== 'done' && exp.status !== 'failed'}
          data-testid="export-start"
        >
          {t('customers.export.start')}
        </Button>
      </Flex>
      {exp ? (
        <div style={{ marginTop: 16 }} data-testid="export-progress">
          <Progress
            percent={exp.status === 'done' ? 100 : Math.round(exp.progress)}
            status={exp.status === 'failed' ? 'exception' : exp.status === 'done' ? 'success' : 'active'}
          />
          <Flex justify="space-between" align="center">
            <Typography.Text type="secondary">
              {exp.status === 'failed'
                ? (exp.error ?? t('customers.export.failed'))
                : t(`customers.export.status.${exp.status}`) +
                  (exp.totalRows !== null
                    ? ` · ${t('customers.export.rows', { done: fmt.number(exp.rowCount), total: fmt.number(exp.totalRows) })}`
                    : '')}
            </Typography.Text>
            <DownloadLink exp={exp} testId="export-download" />
          </Flex>
        </div>
      ) : null}
      <Divider titlePlacement="start">{t('customers.export.recent')}</Divider>
      <Table<CustomerExport>
        rowKey="id"
        size="small"
        pagination={false}
        loading={recent.isLoading}
        dataSource={(recent.data ?? []).slice(0, 10)}
        locale={{ emptyText: t('customers.export.none') }}
        columns={[
          { title: t('customers.export.createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
          { title: t('customers.export.format'), dataIndex: 'format', render: (v: string) => v.toUpperCase() },
          { title: t('customers.export.rowCount'), dataIndex: 'rowCount', render: (v: number) => fmt.number(v) },
          {
            title: t('customers.export.statusTitle'),
            dataIndex: 'status',
            render: (s: CustomerExport['status'], e) => (
              <>
                <Tag color={statusColors[s]}>{t(`customers.export.status.${s}`)}</Tag>
                {e.isMasked ? <Tag>{t('customers.export.maskedTag')}</Tag> : null}
              </>
            ),
          },
          { title: '', key: 'download', render: (_, e) => <DownloadLink exp={e} /> },
        ]}
        data-testid="export-list"
      />
    </Modal>
  );
}

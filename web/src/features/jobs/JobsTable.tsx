import { useState } from 'react';
import { App, Button, Flex, Input, Progress, Table, Tag, Typography, type TableProps } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useCan } from '../../app/session';
import { CursorPager, useCursorPager } from '../../components/CursorPager';
import { ErrorResult } from '../../components/ErrorResult';
import { useFormat } from '../../i18n/format';
import { jobStates, useJobs, useRetryJob, type Job, type JobFilters, type JobState } from './api';

export const stateColors: Record<JobState, string> = {
  created: 'default',
  retry: 'orange',
  active: 'blue',
  completed: 'green',
  cancelled: 'default',
  failed: 'red',
};

export function JobsTable() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { message } = App.useApp();
  const canRetry = useCan('settings.manage');
  const [filters, setFilters] = useState<JobFilters>({ limit: 50 });
  const pager = useCursorPager();
  const jobs = useJobs(filters, pager.cursor);
  const retry = useRetryJob();

  const setFilter = (patch: Partial<JobFilters>) => {
    pager.reset();
    setFilters((f) => ({ ...f, ...patch }));
  };

  const doRetry = async (job: Job) => {
    try {
      await retry.mutateAsync(job.id);
      message.success(t('jobs.retried'));
    } catch (err) {
      message.error(isApiError(err) ? err.message : t('errors.unexpected'));
    }
  };

  const columns: TableProps<Job>['columns'] = [
    { title: t('jobs.name'), dataIndex: 'name', render: (n: string) => <Typography.Text code>{n}</Typography.Text> },
    {
      title: t('jobs.state'),
      dataIndex: 'state',
      width: 110,
      render: (s: JobState) => <Tag color={stateColors[s]}>{t(`jobs.states.${s}`)}</Tag>,
    },
    {
      title: t('jobs.progress'),
      key: 'progress',
      width: 180,
      render: (_, j) =>
        j.state === 'completed' ? (
          <Progress percent={100} size="small" />
        ) : j.progress != null ? (
          <Progress
            percent={Math.round(j.progress)}
            size="small"
            status={j.state === 'failed' ? 'exception' : 'active'}
          />
        ) : (
          '—'
        ),
    },
    { title: t('jobs.createdAt'), dataIndex: 'createdAt', width: 180, render: (v: string) => fmt.dateTime(v) },
    {
      title: t('jobs.completedAt'),
      dataIndex: 'completedAt',
      width: 180,
      render: (v: string | null) => fmt.dateTime(v),
    },
    { title: t('jobs.retries'), dataIndex: 'retryCount', width: 80 },
    {
      title: t('jobs.error'),
      dataIndex: 'error',
      render: (e?: string | null) =>
        e ? (
          <Typography.Text type="danger" ellipsis={{ tooltip: e }} style={{ maxWidth: 280 }}>
            {e}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      render: (_, j) =>
        canRetry && (j.state === 'failed' || j.state === 'cancelled') ? (
          <Button
            size="small"
            icon={<ReloadOutlined />}
            onClick={() => void doRetry(j)}
            data-testid={`job-retry-${j.id}`}
          >
            {t('jobs.retry')}
          </Button>
        ) : null,
    },
  ];

  const counts: Partial<Record<JobState, number>> = jobs.data?.counts ?? {};
  return (
    <>
      <Flex gap={8} wrap align="center" style={{ marginBottom: 16 }} data-testid="job-counts">
        <Tag.CheckableTag checked={!filters.state} onChange={() => setFilter({ state: undefined })}>
          {t('jobs.allStates')}
        </Tag.CheckableTag>
        {jobStates.map((s) => (
          <Tag.CheckableTag
            key={s}
            checked={filters.state === s}
            onChange={(on) => setFilter({ state: on ? s : undefined })}
            data-testid={`job-state-${s}`}
          >
            {t(`jobs.states.${s}`)} <b>{fmt.number(counts[s] ?? 0)}</b>
          </Tag.CheckableTag>
        ))}
        <Input.Search
          placeholder={t('jobs.namePlaceholder')}
          allowClear
          onSearch={(v) => setFilter({ name: v.trim() || undefined })}
          style={{ width: 240, marginLeft: 'auto' }}
          data-testid="job-filter-name"
        />
      </Flex>
      {jobs.error ? (
        <ErrorResult error={jobs.error} onRetry={() => void jobs.refetch()} />
      ) : (
        <>
          <Table
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={jobs.data?.items ?? []}
            loading={jobs.isLoading}
            pagination={false}
            data-testid="jobs-table"
            scroll={{ x: 1000 }}
          />
          <CursorPager pager={pager} nextCursor={jobs.data?.nextCursor} loading={jobs.isFetching} />
        </>
      )}
    </>
  );
}

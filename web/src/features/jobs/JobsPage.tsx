import { Card, Table, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { useSchedules, type Schedule } from './api';
import { JobsTable } from './JobsTable';

function SchedulesTable() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const schedules = useSchedules();
  if (schedules.error) return <ErrorResult error={schedules.error} onRetry={() => void schedules.refetch()} />;
  return (
    <Table<Schedule>
      rowKey="name"
      loading={schedules.isLoading}
      dataSource={schedules.data ?? []}
      pagination={false}
      data-testid="schedules-table"
      columns={[
        {
          title: t('jobs.name'),
          dataIndex: 'name',
          render: (n: string) => <Typography.Text code>{n}</Typography.Text>,
        },
        {
          title: t('jobs.cron'),
          dataIndex: 'cron',
          render: (c: string) => <Typography.Text code>{c}</Typography.Text>,
        },
        { title: t('fields.timeZone'), dataIndex: 'timeZone' },
        { title: t('jobs.nextRunAt'), dataIndex: 'nextRunAt', render: (v: string | null) => fmt.dateTime(v) },
      ]}
    />
  );
}

export function JobsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('nav.items.jobs')} description={t('jobs.description')} />
      <Card>
        <Tabs
          items={[
            { key: 'jobs', label: <span data-testid="jobs-tab">{t('jobs.tabJobs')}</span>, children: <JobsTable /> },
            {
              key: 'schedules',
              label: <span data-testid="schedules-tab">{t('jobs.tabSchedules')}</span>,
              children: <SchedulesTable />,
            },
          ]}
        />
      </Card>
    </>
  );
}

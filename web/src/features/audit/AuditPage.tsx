import { useState } from 'react';
import { Card, DatePicker, Flex, Input, Select, Table, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { CursorPager, useCursorPager } from '../../components/CursorPager';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { useAudit, type AuditEntry, type AuditFilters } from './api';
import { AuditDetailsDrawer } from './AuditDetailsDrawer';
import { OutcomeTag } from './OutcomeTag';

export function AuditPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [filters, setFilters] = useState<AuditFilters>({ limit: 50 });
  const pager = useCursorPager();
  const audit = useAudit(filters, pager.cursor);
  const [open, setOpen] = useState<AuditEntry | null>(null);

  const setFilter = (patch: Partial<AuditFilters>) => {
    pager.reset();
    setFilters((f) => ({ ...f, ...patch }));
  };

  const columns: TableProps<AuditEntry>['columns'] = [
    { title: t('audit.at'), dataIndex: 'at', width: 190, render: (v: string) => fmt.dateTime(v) },
    {
      title: t('audit.actor'),
      key: 'actor',
      render: (_, e) => e.actorName ?? t(`audit.actorKinds.${e.actorKind}`),
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      render: (a: string) => (
        <>
          <Typography.Text code>{a}</Typography.Text>{' '}
          <Typography.Text type="secondary">
            {t(`audit.actions.${a.replace(/\./g, '_')}`, { defaultValue: '' })}
          </Typography.Text>
        </>
      ),
    },
    {
      title: t('audit.outcome'),
      dataIndex: 'outcome',
      width: 100,
      render: (o: AuditEntry['outcome']) => <OutcomeTag outcome={o} />,
    },
    {
      title: t('audit.entity'),
      key: 'entity',
      render: (_, e) => (e.entityType ? `${e.entityType}${e.entityId ? ` · ${e.entityId.slice(0, 8)}` : ''}` : '—'),
    },
    { title: t('audit.ip'), dataIndex: 'ip', width: 140, render: (v: string | null) => v ?? '—' },
  ];

  return (
    <>
      <PageHeader title={t('nav.items.audit')} description={t('audit.description')} />
      <Card>
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          <Input.Search
            placeholder={t('audit.actionPlaceholder')}
            allowClear
            onSearch={(v) => setFilter({ action: v.trim() || undefined })}
            style={{ width: 240 }}
            data-testid="audit-filter-action"
          />
          <Select
            placeholder={t('audit.outcome')}
            allowClear
            style={{ width: 140 }}
            options={(['success', 'failure', 'denied'] as const).map((o) => ({
              value: o,
              label: t(`audit.outcomes.${o}`),
            }))}
            onChange={(v?: AuditFilters['outcome']) => setFilter({ outcome: v })}
            data-testid="audit-filter-outcome"
          />
          <Input.Search
            placeholder={t('audit.entityTypePlaceholder')}
            allowClear
            onSearch={(v) => setFilter({ entityType: v.trim() || undefined })}
            style={{ width: 200 }}
            data-testid="audit-filter-entity-type"
          />
          <Input.Search
            placeholder={t('audit.entityIdPlaceholder')}
            allowClear
            onSearch={(v) => setFilter({ entityId: v.trim() || undefined })}
            style={{ width: 220 }}
            data-testid="audit-filter-entity-id"
          />
          <DatePicker.RangePicker
            showTime
            onChange={(range) =>
              setFilter({ from: range?.[0]?.toISOString() ?? undefined, to: range?.[1]?.toISOString() ?? undefined })
            }
            data-testid="audit-filter-range"
          />
        </Flex>
        {audit.error ? (
          <ErrorResult error={audit.error} onRetry={() => void audit.refetch()} />
        ) : (
          <>
            <Table
              rowKey="id"
              size="middle"
              columns={columns}
              dataSource={audit.data?.items ?? []}
              loading={audit.isFetching}
              pagination={false}
              onRow={(e) => ({ onClick: () => setOpen(e), style: { cursor: 'pointer' } })}
              data-testid="audit-table"
            />
            <CursorPager pager={pager} nextCursor={audit.data?.nextCursor} loading={audit.isFetching} />
          </>
        )}
      </Card>
      <AuditDetailsDrawer entry={open} onClose={() => setOpen(null)} />
    </>
  );
}

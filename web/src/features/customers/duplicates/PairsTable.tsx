import { useState } from 'react';
import { App, Button, Flex, Select, Space, Table, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../../api/client';
import { useCan } from '../../../app/session';
import { CursorPager, useCursorPager } from '../../../components/CursorPager';
import { ErrorResult } from '../../../components/ErrorResult';
import { useFormat } from '../../../i18n/format';
import type { Customer } from '../api';
import { regionText } from '../labels';
import {
  duplicateRules,
  useDismissPair,
  useDuplicates,
  useReopenPair,
  type DuplicateFilters,
  type DuplicatePair,
  type DuplicateRule,
} from './api';

const scoreColor = (score: number) => (score >= 90 ? 'red' : score >= 70 ? 'orange' : 'gold');

/** One side of a pair: who it is and what tells them apart, identities masked. */
function CustomerCell({ customer: c }: { customer: Customer }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const details = [c.mobile, c.email, regionText(c), c.birthday].filter(Boolean);
  return (
    <Flex vertical gap={2}>
      <Link to={`/customers/${c.id}`} data-testid="pair-customer">
        {c.name}
      </Link>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {details.join(' · ') || '—'}
      </Typography.Text>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('duplicates.createdOrders', { at: fmt.date(c.createdAt), count: c.orderCount })}
      </Typography.Text>
    </Flex>
  );
}

/** Possible duplicates of one status, best first, with the rules that found them. */
export function PairsTable({
  status,
  onCompare,
}: {
  status: 'open' | 'dismissed';
  onCompare: (pair: DuplicatePair) => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { message } = App.useApp();
  const canEdit = useCan('customers.edit');
  const [rule, setRule] = useState<DuplicateRule>();
  const [minScore, setMinScore] = useState<number>();
  const pager = useCursorPager();
  const filters: DuplicateFilters = { status, rule, minScore };
  const list = useDuplicates(filters, pager.cursor);
  const dismiss = useDismissPair();
  const reopen = useReopenPair();

  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
      message.success(done);
    } catch (err) {
      message.error(isApiError(err) ? err.message : t('errors.unexpected'));
    }
  };

  if (list.error) return <ErrorResult error={list.error} onRetry={() => void list.refetch()} />;

  const columns: TableProps<DuplicatePair>['columns'] = [
    { title: t('duplicates.columns.a'), key: 'a', render: (_, p) => <CustomerCell customer={p.customers[0]} /> },
    { title: t('duplicates.columns.b'), key: 'b', render: (_, p) => <CustomerCell customer={p.customers[1]} /> },
    {
      title: t('duplicates.columns.reasons'),
      key: 'rules',
      render: (_, p) => (
        <Flex vertical gap={4} align="flex-start">
          {p.rules.map((r) => (
            <Tag key={r} data-testid={`rule-${r}`}>
              {t(`duplicates.rules.${r}`)}
            </Tag>
          ))}
          {p.autoRefusal ? (
            <Tooltip title={t('duplicates.refusalHint')}>
              <Tag color="warning">{t(`duplicates.refusals.${p.autoRefusal}`, { defaultValue: p.autoRefusal })}</Tag>
            </Tooltip>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('duplicates.columns.score'),
      dataIndex: 'score',
      width: 80,
      render: (score: number) => <Tag color={scoreColor(score)}>{score}</Tag>,
    },
    {
      title: status === 'open' ? t('duplicates.columns.detectedAt') : t('duplicates.columns.decidedAt'),
      key: 'at',
      width: 170,
      render: (_, p) =>
        status === 'open' ? (
          fmt.dateTime(p.detectedAt)
        ) : (
          <Flex vertical>
            <span>{fmt.dateTime(p.decidedAt)}</span>
            <Typography.Text type="secondary">{p.decidedBy?.name ?? ''}</Typography.Text>
          </Flex>
        ),
    },
    {
      title: t('duplicates.columns.actions'),
      key: 'actions',
      width: 200,
      render: (_, p) =>
        !canEdit ? null : status === 'open' ? (
          <Space size={4} wrap>
            <Button type="link" size="small" onClick={() => onCompare(p)} data-testid="pair-compare">
              {t('duplicates.compare')}
            </Button>
            <Button
              type="link"
              size="small"
              onClick={() => void act(() => dismiss.mutateAsync(p.id), t('duplicates.dismissed'))}
              data-testid="pair-dismiss"
            >
              {t('duplicates.dismiss')}
            </Button>
          </Space>
        ) : (
          <Button
            type="link"
            size="small"
            onClick={() => void act(() => reopen.mutateAsync(p.id), t('duplicates.reopened'))}
            data-testid="pair-reopen"
          >
            {t('duplicates.reopen')}
          </Button>
        ),
    },
  ];

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          style={{ width: 260 }}
          placeholder={t('duplicates.filters.rule')}
          value={rule}
          onChange={(v: DuplicateRule | undefined) => {
            setRule(v);
            pager.reset();
          }}
          options={duplicateRules.map((r) => ({ value: r, label: t(`duplicates.rules.${r}`) }))}
          data-testid="filter-rule"
        />
        <Select
          allowClear
          style={{ width: 160 }}
          placeholder={t('duplicates.filters.minScore')}
          value={minScore}
          onChange={(v: number | undefined) => {
            setMinScore(v);
            pager.reset();
          }}
          options={[90, 80, 60].map((s) => ({ value: s, label: t('duplicates.filters.atLeast', { score: s }) }))}
          data-testid="filter-score"
        />
      </Space>
      <Table<DuplicatePair>
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        columns={columns}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t(status === 'open' ? 'duplicates.empty' : 'duplicates.emptyDismissed') }}
        data-testid={`pairs-${status}`}
      />
      <CursorPager pager={pager} nextCursor={list.data?.nextCursor} loading={list.isFetching} />
    </>
  );
}

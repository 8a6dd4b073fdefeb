import { useState } from 'react';
import { Button, Flex, Table, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { issuesDownloadUrl, useIssues, type Issue, type IssuePhase } from './api';

/** The bad rows of a dry run or a run: line, column, reason, a page at a time, and the whole list as CSV. */
export function IssuesPanel({ id, phase, count }: { id: string; phase: IssuePhase; count: number }) {
  const { t } = useTranslation();
  // keyset pages: the stack of "after" lines walked so far
  const [stack, setStack] = useState<number[]>([0]);
  const after = stack[stack.length - 1];
  const issues = useIssues(id, phase, after, count > 0);
  if (count === 0) return null;
  const next = issues.data?.nextAfter ?? null;

  return (
    <div data-testid={`import-issues-${phase}`}>
      <Flex justify="space-between" align="center" style={{ margin: '16px 0 8px' }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t(`imports.issues.title.${phase}`)}
        </Typography.Title>
        <Button
          icon={<DownloadOutlined />}
          href={issuesDownloadUrl(id, phase)}
          download
          data-testid={`import-issues-download-${phase}`}
        >
          {t('imports.issues.download')}
        </Button>
      </Flex>
      <Table<Issue>
        rowKey="line"
        size="small"
        loading={issues.isFetching && !issues.data}
        dataSource={issues.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('imports.issues.line'), dataIndex: 'line', width: 80 },
          {
            title: t('imports.issues.column'),
            key: 'column',
            width: 160,
            render: (_, r) =>
              [...new Set(r.problems.map((p) => p.column).filter(Boolean))].join(t('imports.issues.columnSeparator')) ||
              '—',
          },
          {
            title: t('imports.issues.reason'),
            key: 'reason',
            render: (_, r) => (
              <Flex vertical>
                {r.problems.map((p, i) => (
                  <span key={i}>
                    {p.column ? t('imports.issues.problem', { column: p.column, message: p.message }) : p.message}
                  </span>
                ))}
              </Flex>
            ),
          },
        ]}
      />
      {stack.length > 1 || next !== null ? (
        <Flex justify="flex-end" gap={8} style={{ marginTop: 8 }}>
          <Button size="small" disabled={stack.length <= 1} onClick={() => setStack(stack.slice(0, -1))}>
            {t('pager.prev')}
          </Button>
          <Button size="small" disabled={next === null} onClick={() => next !== null && setStack([...stack, next])}>
            {t('pager.next')}
          </Button>
        </Flex>
      ) : null}
    </div>
  );
}

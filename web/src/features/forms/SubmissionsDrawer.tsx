import { useState } from 'react';
import { Button, Drawer, Flex, Switch, Table, Tag, Typography, type TableProps } from 'antd';
import { EyeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../../app/session';
import { ErrorResult } from '../../components/ErrorResult';
import { useFormat } from '../../i18n/format';
import { useFieldOptions, useSubmissions, type Form, type Submission } from './api';
import { useFieldName } from './FieldsEditor';

const statusColors = { received: 'blue', pending: 'orange', confirmed: 'green' } as const;

/** A form's submissions, newest first; mobile, email and address masked unless shown in clear. */
export function SubmissionsDrawer({ form, onClose }: { form: Form | null; onClose: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const canReveal = useCan('customers.reveal');
  const canViewCustomers = useCan('customers.view');
  const [reveal, setReveal] = useState(false);
  const options = useFieldOptions();
  const nameOf = useFieldName(options.data);
  const list = useSubmissions(form?.id ?? null, reveal);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const fieldKeys = form?.fields.map((f) => f.key) ?? [];

  const columns: TableProps<Submission>['columns'] = [
    {
      title: t('forms.submissions.at'),
      dataIndex: 'createdAt',
      width: 170,
      render: (at: string) => fmt.dateTime(at),
    },
    {
      title: t('forms.submissions.customer'),
      dataIndex: 'customer',
      width: 140,
      render: (c: Submission['customer'], s) => (
        <Flex vertical>
          {canViewCustomers ? (
            <Link to={`/customers/${c.id}`} data-testid={`submission-customer-${s.id}`}>
              {c.name ?? t('forms.submissions.open')}
            </Link>
          ) : (
            <span>{c.name ?? '—'}</span>
          )}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(`forms.outcomes.${s.outcome}`, { defaultValue: s.outcome })}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('forms.submissions.answers'),
      dataIndex: 'answers',
      render: (answers: Submission['answers']) => (
        <Flex vertical gap={2}>
          {fieldKeys
            .filter((k) => answers[k] !== undefined)
            .map((k) => (
              <span key={k}>
                {t('customers.labeled', {
                  label: nameOf(k),
                  value: Array.isArray(answers[k]) ? (answers[k] as string[]).join(', ') : answers[k],
                })}
              </span>
            ))}
        </Flex>
      ),
    },
    {
      title: t('forms.submissions.consents'),
      dataIndex: 'consents',
      width: 200,
      render: (consents: Submission['consents']) => (
        <Flex wrap gap={4}>
          {consents.map((c) => (
            <Tag key={`${c.purpose}:${c.channel}`} color={c.pending ? 'orange' : 'green'}>
              {t(`consents.purposes.${c.purpose}`)} · {t(`consents.channels.${c.channel}`)}
            </Tag>
          ))}
        </Flex>
      ),
    },
    {
      title: t('forms.submissions.status'),
      dataIndex: 'status',
      width: 110,
      render: (status: Submission['status']) => (
        <Tag color={statusColors[status]}>{t(`forms.submissionStatus.${status}`)}</Tag>
      ),
    },
  ];

  return (
    <Drawer
      open={!!form}
      onClose={onClose}
      title={form ? t('forms.submissions.title', { name: form.name }) : ''}
      size={1000}
      destroyOnHidden
      extra={
        canReveal ? (
          <Flex align="center" gap={8}>
            <EyeOutlined />
            <span>{t('forms.submissions.reveal')}</span>
            <Switch checked={reveal} onChange={setReveal} data-testid="submissions-reveal" />
          </Flex>
        ) : null
      }
      data-testid="form-submissions"
    >
      {list.error ? (
        <ErrorResult error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Typography.Paragraph type="secondary">
            {reveal ? t('forms.submissions.revealedHint') : t('forms.submissions.maskedHint')}
          </Typography.Paragraph>
          <Table
            rowKey="id"
            size="small"
            loading={list.isLoading}
            columns={columns}
            dataSource={items}
            pagination={false}
            data-testid="submissions-table"
          />
          {list.hasNextPage ? (
            <Flex justify="center" style={{ marginTop: 12 }}>
              <Button loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                {t('forms.submissions.more')}
              </Button>
            </Flex>
          ) : null}
        </>
      )}
    </Drawer>
  );
}

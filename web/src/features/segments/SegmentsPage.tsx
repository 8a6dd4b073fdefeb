import { App, Button, Card, Popconfirm, Progress, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined, SyncOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { isApiError } from '../../api/client';
import { useCan } from '../../app/session';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { isRefreshing, useDeleteSegment, useRefreshSegment, useSegments, type Segment } from './api';
import { KindTag } from './KindTag';
import { Sparkline } from './Sparkline';

/** All segments: how big each is, when it was last counted, and the way into each. */
export function SegmentsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const canCreate = useCan('segments.create');
  const canEdit = useCan('segments.edit');
  const canDelete = useCan('segments.delete');
  const segments = useSegments();
  const refresh = useRefreshSegment();
  const remove = useDeleteSegment();

  const failed = (err: unknown) => message.error(isApiError(err) ? err.message : t('errors.unexpected'));

  return (
    <>
      <PageHeader
        title={t('nav.items.segments')}
        description={t('segments.description')}
        extra={
          canCreate ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => void navigate('/segments/new')}
              data-testid="segment-create"
            >
              {t('segments.create')}
            </Button>
          ) : null
        }
      />
      <Card>
        {segments.error ? (
          <ErrorResult error={segments.error} onRetry={() => void segments.refetch()} />
        ) : (
          <Table<Segment>
            rowKey="id"
            loading={segments.isLoading}
            dataSource={segments.data ?? []}
            pagination={false}
            locale={{ emptyText: t('segments.empty') }}
            onRow={(s) => ({ onDoubleClick: () => void navigate(`/segments/${s.id}`) })}
            scroll={{ x: 'max-content' }}
            data-testid="segments-table"
            columns={[
              {
                title: t('segments.fields.name'),
                dataIndex: 'name',
                render: (name: string, s) => (
                  <div>
                    <Link to={`/segments/${s.id}`} data-testid={`segment-link-${name}`}>
                      {name}
                    </Link>
                    {s.description ? (
                      <Typography.Text
                        type="secondary"
                        ellipsis
                        style={{ display: 'block', maxWidth: 360, fontSize: 12 }}
                      >
                        {s.description}
                      </Typography.Text>
                    ) : null}
                  </div>
                ),
              },
              {
                title: t('segments.fields.kind'),
                dataIndex: 'kind',
                render: (k: Segment['kind']) => <KindTag kind={k} />,
              },
              {
                title: t('segments.fields.memberCount'),
                dataIndex: 'memberCount',
                align: 'right',
                render: (n: number, s) =>
                  isRefreshing(s) ? (
                    <Progress
                      percent={Math.round((s.refresh?.progress ?? 0) * 100)}
                      size="small"
                      style={{ width: 100 }}
                    />
                  ) : (
                    <Link to={`/customers?segmentId=${s.id}`}>{fmt.number(n)}</Link>
                  ),
              },
              { title: t('segments.fields.trend'), key: 'trend', render: (_, s) => <Sparkline segmentId={s.id} /> },
              {
                title: t('segments.fields.refreshedAt'),
                dataIndex: 'refreshedAt',
                render: (v: string | null, s) =>
                  s.kind === 'static' && !v ? (
                    '—'
                  ) : v ? (
                    <Tooltip title={fmt.dateTime(v)}>{fmt.ago(v)}</Tooltip>
                  ) : (
                    <Tag>{t('segments.neverRefreshed')}</Tag>
                  ),
              },
              {
                title: t('common.actions'),
                key: 'actions',
                render: (_, s) => (
                  <Space size={0}>
                    {canEdit ? (
                      <Tooltip title={t('common.edit')}>
                        <Button
                          type="text"
                          icon={<EditOutlined />}
                          onClick={() => void navigate(`/segments/${s.id}/edit`)}
                          aria-label={t('common.edit')}
                          data-testid={`segment-edit-${s.id}`}
                        />
                      </Tooltip>
                    ) : null}
                    {canEdit && s.kind === 'dynamic' ? (
                      <Tooltip title={t('segments.refresh')}>
                        <Button
                          type="text"
                          icon={<SyncOutlined spin={isRefreshing(s)} />}
                          disabled={isRefreshing(s)}
                          onClick={() => refresh.mutateAsync(s.id).catch(failed)}
                          aria-label={t('segments.refresh')}
                          data-testid={`segment-refresh-${s.id}`}
                        />
                      </Tooltip>
                    ) : null}
                    {canDelete ? (
                      <Popconfirm
                        title={t('segments.deleteConfirm', { name: s.name })}
                        okText={t('common.delete')}
                        okButtonProps={{ danger: true }}
                        cancelText={t('common.cancel')}
                        onConfirm={() =>
                          remove.mutateAsync(s.id).then(() => message.success(t('common.deleted')), failed)
                        }
                      >
                        <Button
                          type="text"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={t('common.delete')}
                          data-testid={`segment-delete-${s.id}`}
                        />
                      </Popconfirm>
                    ) : null}
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}

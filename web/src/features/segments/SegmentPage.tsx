import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Empty, Flex, Progress, Space, Tabs, Typography } from 'antd';
import { ArrowLeftOutlined, DeleteOutlined, DownloadOutlined, EditOutlined, SyncOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { useCan } from '../../app/session';
import { ErrorResult } from '../../components/ErrorResult';
import { FullPageSpin } from '../../components/FullPageSpin';
import { NotFound } from '../../components/NotFound';
import { RuleBuilder } from '../../components/rule-builder';
import { buttonWithTestId } from '../../components/test-id';
import { useFormat } from '../../i18n/format';
import { customerColumns } from '../customers/columns';
import { ExportModal } from '../customers/ExportModal';
import { isRefreshing, useDeleteSegment, useRefreshSegment, useSegment, type Segment } from './api';
import { HistoryTab } from './HistoryTab';
import { KindTag } from './KindTag';
import { MembersTab, memberColumns } from './MembersTab';
import { SizeChart } from './SizeChart';

function Header({ segment: s }: { segment: Segment }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const canEdit = useCan('segments.edit');
  const canDelete = useCan('segments.delete');
  const canExport = useCan('segments.export');
  const refresh = useRefreshSegment();
  const remove = useDeleteSegment();
  const [exporting, setExporting] = useState(false);
  const busy = isRefreshing(s);
  const failed = (err: unknown) => message.error(isApiError(err) ? err.message : t('errors.unexpected'));
  const exportColumns = customerColumns(t, fmt, [])
    .filter((c) => memberColumns.includes(c.key))
    .flatMap((c) => c.exportColumns);

  const confirmDelete = () =>
    modal.confirm({
      title: t('segments.deleteConfirm', { name: s.name }),
      content: t('segments.deleteHint'),
      okText: t('common.delete'),
      okButtonProps: buttonWithTestId('confirm-ok', { danger: true }),
      cancelText: t('common.cancel'),
      onOk: () =>
        remove.mutateAsync(s.id).then(() => {
          message.success(t('common.deleted'));
          void navigate('/segments');
        }, failed),
    });

  return (
    <Card style={{ marginBottom: 16 }} data-testid="segment-header">
      <Flex justify="space-between" align="flex-start" gap={16} wrap>
        <div>
          <Flex align="center" gap={8}>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="segment-title">
              {s.name}
            </Typography.Title>
            <KindTag kind={s.kind} />
          </Flex>
          {s.description ? (
            <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
              {s.description}
            </Typography.Paragraph>
          ) : null}
        </div>
        <Space wrap>
          {canEdit && s.kind === 'dynamic' ? (
            <Button
              icon={<SyncOutlined spin={busy} />}
              disabled={busy}
              onClick={() => refresh.mutateAsync(s.id).then(() => message.info(t('segments.refreshStarted')), failed)}
              data-testid="segment-refresh"
            >
              {t('segments.refresh')}
            </Button>
          ) : null}
          {canExport ? (
            <Button icon={<DownloadOutlined />} onClick={() => setExporting(true)} data-testid="segment-export">
              {t('segments.export')}
            </Button>
          ) : null}
          {canEdit ? (
            <Button
              icon={<EditOutlined />}
              onClick={() => void navigate(`/segments/${s.id}/edit`)}
              data-testid="segment-edit"
            >
              {t('common.edit')}
            </Button>
          ) : null}
          {canDelete ? (
            <Button danger icon={<DeleteOutlined />} onClick={confirmDelete} data-testid="segment-delete">
              {t('common.delete')}
            </Button>
          ) : null}
        </Space>
      </Flex>
      <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginTop: 16 }}>
        <Descriptions.Item label={t('segments.fields.memberCount')}>
          <span data-testid="segment-member-count">{fmt.number(s.memberCount)}</span>
        </Descriptions.Item>
        {s.kind === 'dynamic' ? (
          <Descriptions.Item label={t('segments.fields.refreshedAt')}>
            {s.refreshedAt ? fmt.dateTime(s.refreshedAt) : t('segments.neverRefreshed')}
          </Descriptions.Item>
        ) : (
          <Descriptions.Item label={t('segments.fields.createdAt')}>{fmt.dateTime(s.createdAt)}</Descriptions.Item>
        )}
        <Descriptions.Item label={t('segments.fields.updatedAt')}>{fmt.dateTime(s.updatedAt)}</Descriptions.Item>
      </Descriptions>
      {busy ? (
        <div data-testid="segment-refresh-progress">
          <Typography.Text type="secondary">
            {t(`segments.refreshStatus.${s.refresh?.status ?? 'queued'}`)}
          </Typography.Text>
          <Progress percent={Math.round((s.refresh?.progress ?? 0) * 100)} status="active" />
        </div>
      ) : s.refresh?.status === 'failed' ? (
        <Alert
          type="warning"
          showIcon
          title={t('segments.refreshStatus.failed')}
          description={canEdit && s.kind === 'dynamic' ? t('segments.refreshFailedHint') : undefined}
          data-testid="segment-refresh-failed"
        />
      ) : null}
      {canExport ? (
        <ExportModal
          open={exporting}
          onClose={() => setExporting(false)}
          filters={{ segmentId: s.id }}
          sort="-createdAt"
          columns={exportColumns}
          columnCount={memberColumns.length}
          count={s.memberCount}
        />
      ) : null}
    </Card>
  );
}

/** One segment: its rule, its members, who came and went, and how its size moved. */
export function SegmentPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const segment = useSegment(id);
  const canEdit = useCan('segments.edit');
  const [tab, setTab] = useState('rule');

  if (segment.isLoading) return <FullPageSpin />;
  if (segment.error) {
    if (isApiError(segment.error) && [400, 404].includes(segment.error.status)) return <NotFound />;
    return <ErrorResult error={segment.error} onRetry={() => void segment.refetch()} />;
  }
  const s = segment.data;
  if (!s) return null;

  return (
    <>
      <Link to="/segments" style={{ display: 'inline-block', marginBottom: 12 }} data-testid="back-to-segments">
        <ArrowLeftOutlined /> {t('segments.backToList')}
      </Link>
      <Header segment={s} />
      <Card>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          destroyOnHidden
          items={[
            {
              key: 'rule',
              label: t('segments.tabs.rule'),
              children: s.rules ? (
                <>
                  {s.kind === 'static' ? (
                    <Typography.Paragraph type="secondary">{t('segments.staticRuleNote')}</Typography.Paragraph>
                  ) : null}
                  <RuleBuilder value={s.rules} readOnly selfId={s.id} />
                </>
              ) : (
                <Empty description={t('segments.noRule')} />
              ),
            },
            {
              key: 'members',
              label: t('segments.tabs.members'),
              children: <MembersTab segment={s} canEdit={canEdit} />,
            },
            { key: 'history', label: t('segments.tabs.history'), children: <HistoryTab segmentId={s.id} /> },
            { key: 'sizes', label: t('segments.tabs.sizes'), children: <SizeChart segmentId={s.id} /> },
          ]}
          data-testid="segment-tabs"
        />
      </Card>
    </>
  );
}

import { Alert, App, Button, Descriptions, Progress, Table, Tag, Typography } from 'antd';
import { SyncOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { ErrorResult } from '../../components/ErrorResult';
import { buttonWithTestId } from '../../components/test-id';
import { useFormat } from '../../i18n/format';
import { useJobs } from '../jobs/api';
import { stateColors } from '../jobs/JobsTable';
import { useEncryption, useRotateKey } from './api';

/** The background job that re-encrypts stored values with the new key (server: crypto.reencrypt). */
const reencryptJob = 'crypto.reencrypt';

/** Field-encryption keys, and a rotation that re-encrypts every value in the background. */
export function EncryptionPanel({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { modal, message } = App.useApp();
  const enc = useEncryption();
  const rotate = useRotateKey();
  const lastRun = useJobs({ name: reencryptJob, limit: 1 }, null, 2000);
  const job = lastRun.data?.items[0];
  const running = job?.state === 'created' || job?.state === 'active' || job?.state === 'retry';

  if (enc.error) return <ErrorResult error={enc.error} onRetry={() => void enc.refetch()} />;

  const confirmRotate = () =>
    modal.confirm({
      title: t('encryption.rotateConfirm'),
      content: t('encryption.rotateHint'),
      okText: t('encryption.rotate'),
      okButtonProps: buttonWithTestId('confirm-ok'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await rotate.mutateAsync();
          await lastRun.refetch();
          message.success(t('encryption.rotateStarted'));
        } catch (err) {
          message.error(isApiError(err) ? err.message : t('errors.unexpected'));
        }
      },
    });

  return (
    <div style={{ maxWidth: 760 }} data-testid="encryption-panel">
      <Typography.Paragraph type="secondary">{t('encryption.description')}</Typography.Paragraph>
      {enc.data?.masterKeySource === 'file' ? (
        <Alert type="warning" showIcon title={t('encryption.masterKeyFile')} style={{ marginBottom: 16 }} />
      ) : null}
      <Descriptions column={1} size="small" bordered style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('encryption.masterKey')}>
          {enc.data ? t(`encryption.masterKeySources.${enc.data.masterKeySource}`) : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('encryption.rotation')}>
          {job ? (
            <div data-testid="encryption-rotation">
              <Tag color={stateColors[job.state]}>{t(`jobs.states.${job.state}`)}</Tag>
              {fmt.dateTime(job.completedAt ?? job.startedAt ?? job.createdAt)}
              <Progress
                percent={job.state === 'completed' ? 100 : (job.progress ?? 0)}
                status={job.state === 'failed' ? 'exception' : running ? 'active' : undefined}
                data-testid="encryption-progress"
              />
              {job.error ? <Typography.Text type="danger">{job.error}</Typography.Text> : null}
            </div>
          ) : (
            t('encryption.neverRotated')
          )}
        </Descriptions.Item>
      </Descriptions>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        loading={enc.isLoading}
        dataSource={enc.data?.keys ?? []}
        style={{ marginBottom: 16 }}
        data-testid="encryption-keys"
        columns={[
          {
            title: t('encryption.keyId'),
            dataIndex: 'id',
            render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
          },
          { title: t('encryption.createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
          {
            title: t('fields.status'),
            dataIndex: 'active',
            render: (a: boolean) =>
              a ? <Tag color="green">{t('encryption.active')}</Tag> : <Tag>{t('encryption.retired')}</Tag>,
          },
        ]}
      />
      {running ? <Alert type="info" showIcon title={t('encryption.running')} style={{ marginBottom: 16 }} /> : null}
      {canManage ? (
        <Button
          icon={<SyncOutlined />}
          onClick={confirmRotate}
          loading={rotate.isPending}
          disabled={running}
          data-testid="encryption-rotate"
        >
          {t('encryption.rotate')}
        </Button>
      ) : null}
    </div>
  );
}

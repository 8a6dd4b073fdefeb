import { App, Button, Flex, Progress, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useCan } from '../../app/session';
import { useFormat } from '../../i18n/format';
import { useRecomputeStatus, useStartRecompute } from './api';

/** "Recompute now" with the running job's progress, and when the scores were last computed. */
export function RecomputeBar() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { message } = App.useApp();
  const canManage = useCan('scoring.manage');
  const status = useRecomputeStatus();
  const start = useStartRecompute();
  const s = status.data;
  const running = s?.status === 'queued' || s?.status === 'running';

  return (
    <Flex align="center" gap={12} data-testid="scoring-recompute">
      {running ? (
        <Progress
          percent={Math.round((s?.progress ?? 0) * 100)}
          status="active"
          size="small"
          style={{ width: 180, margin: 0 }}
          data-testid="recompute-progress"
        />
      ) : (
        <Typography.Text
          type={s?.status === 'failed' ? 'danger' : 'secondary'}
          style={{ whiteSpace: 'nowrap' }}
          data-testid="recompute-last"
        >
          {s?.status === 'failed'
            ? t('scoring.recompute.failed')
            : s?.finishedAt
              ? t('scoring.recompute.last', { at: fmt.dateTime(s.finishedAt) })
              : t('scoring.recompute.never')}
        </Typography.Text>
      )}
      {canManage ? (
        <Button
          icon={<ReloadOutlined />}
          loading={start.isPending || running}
          onClick={() =>
            start.mutate(undefined, {
              onError: (err) => message.error(isApiError(err) ? err.message : t('errors.unexpected')),
            })
          }
          data-testid="recompute-start"
        >
          {running ? t('scoring.recompute.running') : t('scoring.recompute.button')}
        </Button>
      ) : null}
    </Flex>
  );
}

import { Alert, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { buttonWithTestId } from '../../components/test-id';
import type { Connection } from './api';
import { SetupSteps } from './SetupSteps';

/**
 * Right after a connection is created (or a generic secret regenerated): where to send, and for a
 * generic connection the secret, which Kehu shows this once and never again.
 */
export function SetupModal({
  created,
  onClose,
}: {
  created: { connection: Connection; secret: string | null } | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  if (!created) return null;
  const { connection, secret } = created;
  return (
    <Modal
      open
      title={t('webhooks.setupTitle', { name: connection.name })}
      onCancel={onClose}
      onOk={onClose}
      okText={secret ? t('webhooks.savedSecret') : t('common.close')}
      okButtonProps={buttonWithTestId('webhook-setup-ok')}
      cancelButtonProps={{ style: { display: 'none' } }}
      mask={{ closable: !secret }}
      width={680}
      data-testid="webhook-setup-modal"
    >
      {secret ? (
        <>
          <Alert type="warning" showIcon title={t('webhooks.secretOnce')} style={{ marginBottom: 12 }} />
          <Typography.Text strong>{t('webhooks.fields.secret')}</Typography.Text>
          <Typography.Paragraph
            code
            copyable={{ text: secret, tooltips: [t('common.copy'), t('common.copied')] }}
            style={{ wordBreak: 'break-all' }}
            data-testid="webhook-secret-value"
          >
            {secret}
          </Typography.Paragraph>
        </>
      ) : null}
      <SetupSteps connection={connection} />
    </Modal>
  );
}

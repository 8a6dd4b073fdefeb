import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';

/** A failed load, said plainly, with the request id support can look up. */
export function ErrorResult({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const message = isApiError(error) ? error.message : t('errors.unexpected');
  const requestId = isApiError(error) ? error.requestId : undefined;
  return (
    <Result
      status="error"
      title={t('errors.loadFailed')}
      subTitle={
        <>
          {message}
          {requestId ? <div style={{ fontSize: 12 }}>{t('errors.requestId', { id: requestId })}</div> : null}
        </>
      }
      extra={onRetry ? <Button onClick={onRetry}>{t('common.retry')}</Button> : undefined}
    />
  );
}

import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** Shown for a direct URL to a page the user's roles do not allow. */
export function Forbidden({ permission }: { permission?: string }) {
  const { t } = useTranslation();
  return (
    <Result
      status="403"
      title={t('forbidden.title')}
      subTitle={
        <>
          <div>{t('forbidden.description')}</div>
          {permission ? <div style={{ fontSize: 12 }}>{t('forbidden.permission', { permission })}</div> : null}
        </>
      }
      extra={
        <Link to="/">
          <Button type="primary">{t('common.backHome')}</Button>
        </Link>
      }
      data-testid="forbidden-page"
    />
  );
}

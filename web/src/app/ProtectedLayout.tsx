import { useEffect } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { FullPageSpin } from '../components/FullPageSpin';
import { ErrorResult } from '../components/ErrorResult';
import { changeLanguage, isLanguage } from '../i18n/i18n';
import { AppLayout } from './AppLayout';
import { BusinessProvider } from './business';
import { SessionProvider, useMeQuery } from './session';

/** Everything behind sign-in: the session, the business settings and the shell. */
export function ProtectedLayout() {
  const { data: me, isPending, error, refetch } = useMeQuery();
  const location = useLocation();
  const { i18n } = useTranslation();

  // the language saved on the user's profile follows them to every device
  useEffect(() => {
    if (me?.locale && isLanguage(me.locale) && me.locale !== i18n.language) void changeLanguage(me.locale);
  }, [me?.locale, i18n.language]);

  if (isPending) return <FullPageSpin />;
  if (error) return <ErrorResult error={error} onRetry={() => void refetch()} />;
  if (!me) {
    const next = location.pathname === '/' ? '' : `?next=${encodeURIComponent(location.pathname + location.search)}`;
    return <Navigate to={`/login${next}`} replace />;
  }
  return (
    <SessionProvider me={me}>
      <BusinessProvider>
        <AppLayout />
      </BusinessProvider>
    </SessionProvider>
  );
}

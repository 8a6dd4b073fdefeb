import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router';
import { ReauthModal } from '../features/auth/ReauthModal';
import { cspNonce } from './csp';
import { router } from './routes';

const csp = cspNonce ? { nonce: cspNonce } : undefined;

/** antd's own texts (pager, date pickers, empty states) follow the UI language. */
export function AppProviders() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      csp={csp}
      locale={i18n.language === 'en' ? enUS : zhCN}
      theme={{ token: { colorPrimary: '#1668dc', borderRadius: 6 } }}
    >
      <AntApp>
        <RouterProvider router={router} />
        <ReauthModal />
      </AntApp>
    </ConfigProvider>
  );
}

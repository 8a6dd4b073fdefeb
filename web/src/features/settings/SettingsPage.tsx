import { Card, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../app/session';
import { ErrorResult } from '../../components/ErrorResult';
import { FullPageSpin } from '../../components/FullPageSpin';
import { PageHeader } from '../../components/PageHeader';
import { useSettings } from './api';
import { EncryptionPanel } from './EncryptionPanel';
import { GeneralSettingsForm } from './GeneralSettingsForm';
import { SmtpSettingsForm } from './SmtpSettingsForm';

export function SettingsPage() {
  const { t } = useTranslation();
  const canManage = useCan('settings.manage');
  const settings = useSettings();
  if (settings.isLoading) return <FullPageSpin />;
  if (settings.error || !settings.data)
    return <ErrorResult error={settings.error} onRetry={() => void settings.refetch()} />;
  return (
    <>
      <PageHeader title={t('nav.items.settings')} description={t('settings.description')} />
      <Card>
        <Tabs
          items={[
            {
              key: 'general',
              label: <span data-testid="settings-tab-general">{t('settings.tabGeneral')}</span>,
              children: <GeneralSettingsForm settings={settings.data} readOnly={!canManage} />,
            },
            {
              key: 'smtp',
              label: <span data-testid="settings-tab-smtp">{t('settings.tabSmtp')}</span>,
              children: <SmtpSettingsForm settings={settings.data} readOnly={!canManage} />,
            },
            {
              key: 'encryption',
              label: <span data-testid="settings-tab-encryption">{t('settings.tabEncryption')}</span>,
              children: <EncryptionPanel canManage={canManage} />,
            },
          ]}
        />
      </Card>
    </>
  );
}

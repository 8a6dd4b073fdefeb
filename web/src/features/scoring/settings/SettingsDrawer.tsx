import { useState } from 'react';
import { Alert, Button, Drawer, Skeleton, Tabs } from 'antd';
import { SettingOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../../app/session';
import { ErrorResult } from '../../../components/ErrorResult';
import { useScoringSettings, type ScoringModel } from '../api';
import { NumberSettingsForm } from './NumberSettingsForm';
import { RfmSettingsForm } from './RfmSettingsForm';
import { RuleListForm } from './RuleListForm';

/**
 * A "settings" button and the drawer it opens: one tab per model the page shows. Everyone with
 * scoring.view may read the settings; only scoring.manage may change them (the server checks too).
 */
export function SettingsDrawer({ models }: { models: ScoringModel[] }) {
  const { t } = useTranslation();
  const canManage = useCan('scoring.manage');
  const [open, setOpen] = useState(false);
  const settings = useScoringSettings();
  const s = settings.data;
  const readOnly = !canManage;

  const body = (model: ScoringModel) => {
    if (!s) return <Skeleton active />;
    switch (model) {
      case 'rfm':
        return <RfmSettingsForm value={s.rfm} readOnly={readOnly} />;
      case 'abc':
        return <NumberSettingsForm model="abc" value={s.abc} readOnly={readOnly} />;
      case 'lifecycle':
        return <NumberSettingsForm model="lifecycle" value={s.lifecycle} readOnly={readOnly} />;
      case 'valueTiers':
        return <RuleListForm model="valueTiers" value={s.valueTiers} readOnly={readOnly} />;
      case 'grades':
        return <RuleListForm model="grades" value={s.grades} readOnly={readOnly} />;
    }
  };

  return (
    <>
      <Button icon={<SettingOutlined />} onClick={() => setOpen(true)} data-testid="scoring-settings">
        {t('scoring.settings.button')}
      </Button>
      <Drawer
        open={open}
        onClose={() => setOpen(false)}
        title={t('scoring.settings.title')}
        size={models.length > 1 ? 760 : 480}
        destroyOnHidden
        data-testid="scoring-settings-drawer"
      >
        {readOnly ? (
          <Alert type="info" showIcon title={t('scoring.settings.readOnly')} style={{ marginBottom: 16 }} />
        ) : null}
        {settings.error ? (
          <ErrorResult error={settings.error} onRetry={() => void settings.refetch()} />
        ) : models.length === 1 ? (
          body(models[0])
        ) : (
          <Tabs
            items={models.map((m) => ({
              key: m,
              label: t(`scoring.settings.tabs.${m}`),
              children: body(m),
            }))}
            data-testid="scoring-settings-tabs"
          />
        )}
        {!readOnly ? (
          <Alert type="warning" showIcon title={t('scoring.settings.recomputeHint')} style={{ marginTop: 16 }} />
        ) : null}
      </Drawer>
    </>
  );
}

import { useState } from 'react';
import { App, Badge, Button, Card, Tabs } from 'antd';
import { ScanOutlined, SettingOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../api/client';
import { useCan } from '../../../app/session';
import { PageHeader } from '../../../components/PageHeader';
import { useDuplicates, useScanDuplicates, type DuplicatePair } from './api';
import { AutoMergeSettings } from './AutoMergeSettings';
import { MergeDrawer } from './MergeDrawer';
import { MergeHistory } from './MergeHistory';
import { PairsTable } from './PairsTable';

type TabKey = 'open' | 'dismissed' | 'merges';

/** Duplicate review: possible duplicates to compare and merge, decisions taken, merges to undo. */
export function DuplicatesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canEdit = useCan('customers.edit');
  const [tab, setTab] = useState<TabKey>('open');
  const [comparing, setComparing] = useState<{ a: string; b: string; pairId: string } | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const counts = useDuplicates({ status: 'open' }, null).data?.counts;
  const scan = useScanDuplicates();

  const startScan = async () => {
    try {
      await scan.mutateAsync(undefined);
      message.success(t('duplicates.scanQueued'));
    } catch (err) {
      message.error(isApiError(err) ? err.message : t('errors.unexpected'));
    }
  };
  const compare = (p: DuplicatePair) => setComparing({ a: p.customers[0].id, b: p.customers[1].id, pairId: p.id });

  return (
    <>
      <PageHeader
        title={t('duplicates.title')}
        description={t('duplicates.description')}
        extra={
          <>
            <Button icon={<SettingOutlined />} onClick={() => setSettingsOpen(true)} data-testid="auto-merge-open">
              {t('duplicates.auto.title')}
            </Button>
            {canEdit ? (
              <Button
                icon={<ScanOutlined />}
                onClick={() => void startScan()}
                loading={scan.isPending}
                data-testid="scan"
              >
                {t('duplicates.scan')}
              </Button>
            ) : null}
          </>
        }
      />
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(k) => setTab(k as TabKey)}
          destroyOnHidden
          items={[
            {
              key: 'open',
              label: (
                <span data-testid="tab-open">
                  {t('duplicates.tabs.open')} <Badge count={counts?.open ?? 0} showZero={false} overflowCount={9999} />
                </span>
              ),
              children: <PairsTable status="open" onCompare={compare} />,
            },
            {
              key: 'dismissed',
              label: <span data-testid="tab-dismissed">{t('duplicates.tabs.dismissed')}</span>,
              children: <PairsTable status="dismissed" onCompare={compare} />,
            },
            {
              key: 'merges',
              label: <span data-testid="tab-merges">{t('duplicates.tabs.merges')}</span>,
              children: <MergeHistory />,
            },
          ]}
        />
      </Card>
      <MergeDrawer pair={comparing} onClose={() => setComparing(null)} />
      <AutoMergeSettings open={settingsOpen} onClose={() => setSettingsOpen(false)} />
    </>
  );
}

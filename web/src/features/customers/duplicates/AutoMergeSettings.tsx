import { useEffect, useState } from 'react';
import { Alert, App, Checkbox, Flex, Modal, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../api/client';
import { useCan } from '../../../app/session';
import { buttonWithTestId } from '../../../components/test-id';
import { useFormat } from '../../../i18n/format';
import { useMergeSettings, useUpdateMergeSettings, type AutoRule } from './api';

/** Which detection rules merge on their own (all off by default); guards that always hold are stated. */
export function AutoMergeSettings({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { message } = App.useApp();
  const canManage = useCan('customers.manage');
  const settings = useMergeSettings();
  const update = useUpdateMergeSettings();
  const [rules, setRules] = useState<AutoRule[]>([]);
  useEffect(() => {
    if (open && settings.data) setRules(settings.data.autoRules);
  }, [open, settings.data]);

  const change = (rule: string, patch: Partial<AutoRule>) =>
    setRules((rs) => rs.map((r) => (r.rule === rule ? { ...r, ...patch } : r)));

  const save = async () => {
    try {
      await update.mutateAsync(rules);
      message.success(t('duplicates.auto.saved'));
      onClose();
    } catch (err) {
      message.error(isApiError(err) ? err.message : t('errors.unexpected'));
    }
  };

  return (
    <Modal
      open={open}
      title={t('duplicates.auto.title')}
      onCancel={onClose}
      onOk={() => void save()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={buttonWithTestId('auto-save', { disabled: !canManage, loading: update.isPending })}
      width={620}
      data-testid="auto-merge-settings"
    >
      <Typography.Paragraph type="secondary">{t('duplicates.auto.description')}</Typography.Paragraph>
      <Alert type="warning" showIcon title={t('duplicates.auto.guards')} style={{ marginBottom: 16 }} />
      <Flex vertical gap={12}>
        {rules.map((r) => (
          <Flex key={r.rule} justify="space-between" align="center" gap={16}>
            <Flex vertical>
              <span>{t(`duplicates.rules.${r.rule}`)}</span>
              {r.rule === 'identifier' ? (
                <Checkbox
                  checked={r.verifiedOnly}
                  disabled={!canManage || !r.enabled}
                  onChange={(e) => change(r.rule, { verifiedOnly: e.target.checked })}
                  data-testid="auto-verified-only"
                >
                  {t('duplicates.auto.verifiedOnly')}
                </Checkbox>
              ) : null}
            </Flex>
            <Switch
              checked={r.enabled}
              disabled={!canManage}
              onChange={(enabled) => change(r.rule, { enabled })}
              data-testid={`auto-${r.rule}`}
            />
          </Flex>
        ))}
      </Flex>
      {!canManage ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
          {t('duplicates.auto.readOnly')}
        </Typography.Paragraph>
      ) : null}
      {settings.data?.updatedAt ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
          {t('duplicates.auto.updated', {
            name: settings.data.updatedBy?.name ?? '—',
            at: fmt.dateTime(settings.data.updatedAt),
          })}
        </Typography.Paragraph>
      ) : null}
    </Modal>
  );
}

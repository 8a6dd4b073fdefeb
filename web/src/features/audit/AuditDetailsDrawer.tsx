import { Descriptions, Drawer, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import type { AuditEntry } from './api';
import { OutcomeTag } from './OutcomeTag';

export function AuditDetailsDrawer({ entry, onClose }: { entry: AuditEntry | null; onClose: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <Drawer open={!!entry} onClose={onClose} title={t('audit.details')} size={560} data-testid="audit-details">
      {entry ? (
        <>
          <Descriptions column={1} size="small" bordered styles={{ label: { whiteSpace: 'nowrap', width: 120 } }}>
            <Descriptions.Item label={t('audit.at')}>{fmt.dateTime(entry.at)}</Descriptions.Item>
            <Descriptions.Item label={t('audit.action')}>
              <Typography.Text code>{entry.action}</Typography.Text>{' '}
              {t(`audit.actions.${entry.action.replace(/\./g, '_')}`, { defaultValue: '' })}
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.outcome')}>
              <OutcomeTag outcome={entry.outcome} />
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.actor')}>
              <Tag>{t(`audit.actorKinds.${entry.actorKind}`)}</Tag> {entry.actorName ?? '—'}
              {entry.actorId ? <div style={{ fontSize: 12, color: '#888' }}>{entry.actorId}</div> : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.entity')}>
              {entry.entityType ?? '—'}{' '}
              {entry.entityId ? <Typography.Text code>{entry.entityId}</Typography.Text> : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.ip')}>{entry.ip ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('audit.userAgent')}>{entry.userAgent ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('audit.requestId')}>
              {entry.requestId ? (
                <Typography.Text code copyable>
                  {entry.requestId}
                </Typography.Text>
              ) : (
                '—'
              )}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('audit.detailsJson')}
          </Typography.Title>
          <pre style={{ background: '#fafafa', padding: 12, borderRadius: 6, overflow: 'auto', fontSize: 12 }}>
            {JSON.stringify(entry.details, null, 2)}
          </pre>
        </>
      ) : null}
    </Drawer>
  );
}

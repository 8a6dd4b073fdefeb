import { Alert, Descriptions, Flex, Form, Radio, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { useTouchpointRegistry } from '../touchpoints/api';
import type { ImportDetail, ImportKind, OnMatch } from './api';

export type Options = { kind: ImportKind; touchpointId: string | null; onMatch: OnMatch };

/** What the file holds, where its people came from (the touchpoint), and what to do with people Kehu knows. */
export function OptionsStep({
  detail,
  value,
  onChange,
}: {
  detail: ImportDetail;
  value: Options;
  onChange: (v: Options) => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const touchpoints = useTouchpointRegistry({ isActive: 'true' });

  return (
    <div data-testid="import-options">
      <Descriptions size="small" column={3} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('imports.file.name')}>{detail.fileName}</Descriptions.Item>
        <Descriptions.Item label={t('imports.file.format')}>
          {detail.format.toUpperCase()}
          {detail.encoding ? ` · ${detail.encoding === 'gb18030' ? 'GBK / GB18030' : 'UTF-8'}` : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('imports.file.columns')}>{fmt.number(detail.headers.length)}</Descriptions.Item>
      </Descriptions>
      {detail.sameFileImportedAt ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('imports.file.sameFile', { at: fmt.dateTime(detail.sameFileImportedAt) })}
          data-testid="import-same-file"
        />
      ) : null}
      <Form layout="vertical" style={{ maxWidth: 640 }}>
        <Form.Item label={t('imports.options.kind')}>
          <Radio.Group
            value={value.kind}
            onChange={(e) => onChange({ ...value, kind: e.target.value as ImportKind })}
            optionType="button"
            options={[
              { value: 'customers', label: t('imports.kinds.customers') },
              { value: 'orders', label: t('imports.kinds.orders') },
            ]}
            data-testid="import-kind"
          />
        </Form.Item>
        <Form.Item label={t('imports.options.touchpoint')} extra={t('imports.options.touchpointHint')}>
          <Select
            allowClear
            value={value.touchpointId ?? undefined}
            placeholder={t('imports.options.touchpointNone')}
            loading={touchpoints.isLoading}
            showSearch={{ optionFilterProp: 'label' }}
            options={(touchpoints.data ?? []).map((tp) => ({ value: tp.id, label: `${tp.name}（${tp.code}）` }))}
            onChange={(v: string | undefined) => onChange({ ...value, touchpointId: v ?? null })}
            data-testid="import-touchpoint"
          />
        </Form.Item>
        <Form.Item label={t('imports.options.onMatch')}>
          <Radio.Group
            value={value.onMatch}
            onChange={(e) => onChange({ ...value, onMatch: e.target.value as OnMatch })}
            data-testid="import-on-match"
          >
            <Flex vertical gap={8}>
              {(['skip', 'fillEmpty', 'overwrite'] as const).map((m) => (
                <Radio key={m} value={m} data-testid={`import-on-match-${m}`}>
                  {t(`imports.onMatch.${m}`)}
                  <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                    {t(`imports.onMatch.${m}Hint`)}
                  </Typography.Text>
                </Radio>
              ))}
            </Flex>
          </Radio.Group>
        </Form.Item>
      </Form>
    </div>
  );
}

import { useEffect, useState } from 'react';
import { App, Button, Card, Flex, Input, Select, Space, Table, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useCan } from '../../app/session';
import { ErrorResult } from '../../components/ErrorResult';
import { useAttributeDefinitions } from '../customers/api';
import { useSaveTrackingSettings, useTrackingSettings, type TrackingSettings, type TraitRule } from './api';

/** The profile fields a trait may fill (the server checks the same list). */
const profileFields = [
  'name',
  'email',
  'mobile',
  'gender',
  'birthday',
  'address',
  'country',
  'province',
  'city',
  'district',
  'occupation',
  'incomeBand',
  'education',
  'wechatOpenId',
  'wechatUnionId',
];

type Row = TraitRule & { key: number };

/**
 * How identify traits become profile fields: rules in order, the first value for a field wins,
 * and what a call may change on a customer it matched.
 */
export function TraitMappingCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canManage = useCan('ingest.manage');
  const settings = useTrackingSettings();
  const definitions = useAttributeDefinitions();
  const save = useSaveTrackingSettings();
  const [rows, setRows] = useState<Row[]>([]);
  const [onMatch, setOnMatch] = useState<TrackingSettings['onMatch']>('fillEmpty');
  const [fieldErrors, setFieldErrors] = useState<Record<number, string>>({});

  const load = (mapping: TraitRule[]) => setRows(mapping.map((r, i) => ({ ...r, key: i })));
  useEffect(() => {
    if (!settings.data) return;
    load(settings.data.traitMapping);
    setOnMatch(settings.data.onMatch);
  }, [settings.data]);

  if (settings.error) return <ErrorResult error={settings.error} onRetry={() => void settings.refetch()} />;

  const fieldOptions = [
    {
      label: t('tracking.mapping.profileFields'),
      options: profileFields.map((f) => ({ value: f, label: t(`customers.fields.${f}`, { defaultValue: f }) })),
    },
    {
      label: t('tracking.mapping.attributes'),
      options: (definitions.data ?? []).map((d) => ({ value: `attributes.${d.key}`, label: d.label })),
    },
  ];
  const change = (key: number, patch: Partial<TraitRule>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const move = (index: number, by: number) =>
    setRows((rs) => {
      const next = [...rs];
      const [r] = next.splice(index, 1);
      next.splice(index + by, 0, r);
      return next;
    });

  const submit = async () => {
    setFieldErrors({});
    try {
      await save.mutateAsync({
        traitMapping: rows.map(({ trait, field }) => ({ trait: trait.trim(), field })),
        onMatch,
      });
      message.success(t('common.saved'));
    } catch (err) {
      if (isApiError(err)) {
        const byRow: Record<number, string> = {};
        for (const f of err.fields) {
          const m = /^traitMapping\.(\d+)/.exec(f.field);
          if (m) byRow[Number(m[1])] = f.message;
        }
        setFieldErrors(byRow);
        message.error(err.message);
      } else message.error(t('errors.unexpected'));
    }
  };

  return (
    <Card title={t('tracking.mapping.title')} loading={settings.isLoading}>
      <Typography.Paragraph type="secondary">{t('tracking.mapping.description')}</Typography.Paragraph>
      <Table<Row>
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          {
            title: t('tracking.mapping.trait'),
            key: 'trait',
            render: (_, r, i) => (
              <Flex vertical>
                <Input
                  value={r.trait}
                  disabled={!canManage}
                  status={fieldErrors[i] ? 'error' : undefined}
                  onChange={(e) => change(r.key, { trait: e.target.value })}
                  placeholder="email, address.city, firstName+lastName"
                  data-testid={`mapping-trait-${i}`}
                />
                {fieldErrors[i] ? <Typography.Text type="danger">{fieldErrors[i]}</Typography.Text> : null}
              </Flex>
            ),
          },
          {
            title: t('tracking.mapping.field'),
            key: 'field',
            width: 260,
            render: (_, r, i) => (
              <Select
                value={r.field}
                disabled={!canManage}
                onChange={(field: string) => change(r.key, { field })}
                options={fieldOptions}
                style={{ width: '100%' }}
                showSearch
                data-testid={`mapping-field-${i}`}
              />
            ),
          },
          ...(canManage
            ? [
                {
                  key: 'actions',
                  width: 120,
                  render: (_: unknown, r: Row, i: number) => (
                    <Space size={4}>
                      <Button size="small" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => move(i, -1)} />
                      <Button
                        size="small"
                        icon={<ArrowDownOutlined />}
                        disabled={i === rows.length - 1}
                        onClick={() => move(i, 1)}
                      />
                      <Button
                        size="small"
                        danger
                        icon={<DeleteOutlined />}
                        onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                        aria-label={t('common.delete')}
                      />
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginTop: 16 }}>
        <Space wrap>
          {canManage ? (
            <Button
              icon={<PlusOutlined />}
              onClick={() =>
                setRows((rs) => [...rs, { key: Math.max(-1, ...rs.map((r) => r.key)) + 1, trait: '', field: 'name' }])
              }
              data-testid="mapping-add"
            >
              {t('tracking.mapping.add')}
            </Button>
          ) : null}
          <span>{t('tracking.mapping.onMatch')}</span>
          <Select<TrackingSettings['onMatch']>
            value={onMatch}
            disabled={!canManage}
            onChange={setOnMatch}
            style={{ width: 220 }}
            options={(['fillEmpty', 'overwrite', 'skip'] as const).map((v) => ({
              value: v,
              label: t(`tracking.mapping.onMatchOptions.${v}`),
            }))}
            data-testid="mapping-on-match"
          />
        </Space>
        {canManage ? (
          <Space>
            <Button onClick={() => load(settings.data?.defaultTraitMapping ?? [])}>
              {t('tracking.mapping.restore')}
            </Button>
            <Button type="primary" onClick={() => void submit()} loading={save.isPending} data-testid="mapping-save">
              {t('common.save')}
            </Button>
          </Space>
        ) : null}
      </Flex>
    </Card>
  );
}

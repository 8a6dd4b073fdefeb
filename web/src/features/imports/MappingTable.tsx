import { Select, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AttributeDefinition } from '../customers/api';
import type { ImportKind } from './api';
import { multiColumnTargets, targetsByKind } from './targets';

type Row = { index: number; header: string; samples: string[]; target: string };

/**
 * One row per column of the file: its header, what the first rows hold, and what it is imported
 * as (recognised from the header, editable). A single target chosen twice is marked.
 */
export function MappingTable({
  kind,
  headers,
  samples,
  columns,
  attributes,
  onChange,
}: {
  kind: ImportKind;
  headers: string[];
  samples: string[][];
  columns: string[];
  attributes: AttributeDefinition[];
  onChange: (columns: string[]) => void;
}) {
  const { t } = useTranslation();
  const label = (target: string) => {
    if (target.startsWith('attributes.')) {
      const def = attributes.find((a) => `attributes.${a.key}` === target);
      return t('imports.mapping.attribute', { label: def?.label ?? target.slice(11) });
    }
    return t(`imports.targets.${target}`);
  };
  const options = [
    { value: '', label: t('imports.mapping.skip') },
    ...targetsByKind[kind].map((value) => ({ value, label: label(value) })),
    ...(kind === 'customers'
      ? attributes.map((a) => ({ value: `attributes.${a.key}`, label: label(`attributes.${a.key}`) }))
      : []),
  ];
  const counts = new Map<string, number>();
  for (const c of columns) if (c) counts.set(c, (counts.get(c) ?? 0) + 1);
  const rows: Row[] = headers.map((header, index) => ({
    index,
    header,
    samples: samples.map((s) => s[index] ?? '').filter((v) => v !== ''),
    target: columns[index] ?? '',
  }));

  return (
    <Table<Row>
      rowKey="index"
      size="small"
      pagination={false}
      dataSource={rows}
      data-testid="import-mapping"
      columns={[
        {
          title: t('imports.mapping.column'),
          dataIndex: 'header',
          width: 200,
          render: (h: string, r) => (
            <Typography.Text strong data-testid={`mapping-header-${r.index}`}>
              {h || t('imports.mapping.unnamed', { n: r.index + 1 })}
            </Typography.Text>
          ),
        },
        {
          title: t('imports.mapping.samples'),
          dataIndex: 'samples',
          render: (s: string[]) =>
            s.length ? (
              <Typography.Text type="secondary" ellipsis style={{ maxWidth: 320 }}>
                {s.slice(0, 3).join(' · ')}
              </Typography.Text>
            ) : (
              <Typography.Text type="secondary">—</Typography.Text>
            ),
        },
        {
          title: t('imports.mapping.target'),
          dataIndex: 'target',
          width: 260,
          render: (target: string, r) => (
            <>
              <Select
                value={target}
                options={options}
                showSearch={{ optionFilterProp: 'label' }}
                style={{ width: 200 }}
                onChange={(v: string) => onChange(columns.map((c, i) => (i === r.index ? v : c)))}
                data-testid={`mapping-target-${r.index}`}
              />
              {target && !multiColumnTargets.has(target) && (counts.get(target) ?? 0) > 1 ? (
                <Tag color="error" style={{ marginLeft: 8 }}>
                  {t('imports.mapping.twice')}
                </Tag>
              ) : null}
            </>
          ),
        },
      ]}
    />
  );
}

import { useState } from 'react';
import { Button, Checkbox, Flex, Popover, Space, Tag, Typography } from 'antd';
import { SettingOutlined } from '@ant-design/icons';
import type { ColumnType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Format } from '../../i18n/format';
import { formatAttribute } from './AttributeInput';
import type { AttributeDefinition, Customer } from './api';
import { countryName, regionText } from './labels';
import { sourceLabel } from '../../i18n/sources';
import { scoreColumns } from '../scoring/columns';

/** One column the list can show; `exportColumns` are the names an export asks the server for. */
export type CustomerColumn = {
  key: string;
  title: string;
  exportColumns: string[];
  column: ColumnType<Customer>;
};

const dash = (v: string | null | undefined) => (v ? v : '—');

/** Every column the list knows, custom attributes last (`attr:<key>`). */
export function customerColumns(
  t: (key: string, opts?: Record<string, unknown>) => string,
  fmt: Format,
  definitions: AttributeDefinition[],
): CustomerColumn[] {
  const col = (
    key: string,
    title: string,
    render: (c: Customer) => React.ReactNode,
    extra: Partial<ColumnType<Customer>> & { exportColumns?: string[] } = {},
  ): CustomerColumn => {
    const { exportColumns, ...rest } = extra;
    return {
      key,
      title,
      exportColumns: exportColumns ?? [key],
      column: {
        key,
        title,
        render: (_: unknown, c: Customer) => render(c),
        // one line per row: the table scrolls sideways rather than wrapping phone numbers
        onCell: () => ({ style: { whiteSpace: 'nowrap' } }),
        onHeaderCell: () => ({ style: { whiteSpace: 'nowrap' } }),
        ...rest,
      },
    };
  };
  const money = { align: 'right' as const };
  return [
    col(
      'name',
      t('customers.fields.name'),
      (c) => (
        <Link to={`/customers/${c.id}`} data-testid={`customer-link-${c.id}`}>
          {c.name}
        </Link>
      ),
      { fixed: 'left' },
    ),
    col('gender', t('customers.fields.gender'), (c) => t(`customers.gender.${c.gender}`)),
    col('age', t('customers.fields.age'), (c) => (c.age === null ? '—' : c.age)),
    col('mobile', t('customers.fields.mobile'), (c) => dash(c.mobile)),
    col('email', t('customers.fields.email'), (c) => dash(c.email)),
    col('wechatOpenId', t('customers.fields.wechatOpenId'), (c) => dash(c.wechatOpenId)),
    col('idNumber', t('customers.fields.idNumber'), (c) => dash(c.idNumber)),
    col('country', t('customers.fields.country'), (c) => countryName(c.country)),
    col('region', t('customers.fields.region'), (c) => dash(regionText(c)), {
      exportColumns: ['province', 'city', 'district'],
    }),
    col('source', t('customers.fields.source'), (c) => sourceLabel(t, c.source)),
    col('touchpoint', t('customers.fields.touchpoint'), (c) => dash(c.touchpoint?.name)),
    col('owner', t('customers.fields.owner'), (c) => dash(c.owner?.name)),
    col(
      'tags',
      t('customers.fields.tags'),
      (c) =>
        c.tags.length ? (
          <Space size={[0, 4]} wrap>
            {c.tags.slice(0, 4).map((tag) => (
              <Tag key={tag}>{tag}</Tag>
            ))}
            {c.tags.length > 4 ? <Typography.Text type="secondary">+{c.tags.length - 4}</Typography.Text> : null}
          </Space>
        ) : (
          '—'
        ),
      { onCell: () => ({ style: { minWidth: 120, maxWidth: 260 } }) },
    ),
    col('orderCount', t('customers.fields.orderCount'), (c) => fmt.number(c.orderCount), { align: 'right' }),
    col('totalSpent', t('customers.fields.totalSpent'), (c) => fmt.money(c.totalSpent), money),
    col('averageOrderValue', t('customers.fields.averageOrderValue'), (c) => fmt.money(c.averageOrderValue), money),
    col('firstOrderAt', t('customers.fields.firstOrderAt'), (c) => fmt.date(c.firstOrderAt)),
    col('lastOrderAt', t('customers.fields.lastOrderAt'), (c) => fmt.date(c.lastOrderAt)),
    col('lastSeenAt', t('customers.fields.lastSeenAt'), (c) => fmt.date(c.lastSeenAt)),
    col('externalId', t('customers.fields.externalId'), (c) => dash(c.externalId)),
    col('createdAt', t('customers.fields.createdAt'), (c) => fmt.date(c.createdAt)),
    ...scoreColumns(t).map((s) => col(s.key, s.title, s.render, { exportColumns: s.exportColumns })),
    ...definitions.map((d) =>
      col(`attr:${d.key}`, d.label, (c) => formatAttribute(d, c.attributes[d.key]), {
        exportColumns: [`attributes.${d.key}`],
      }),
    ),
  ];
}

export const defaultColumns = [
  'name',
  'gender',
  'age',
  'mobile',
  'region',
  'tags',
  'owner',
  'orderCount',
  'totalSpent',
  'lastOrderAt',
];

const storageKey = 'kehu.customers.columns';

function loadColumns(): string[] {
  try {
    const saved = JSON.parse(window.localStorage.getItem(storageKey) ?? 'null') as unknown;
    if (Array.isArray(saved) && saved.every((k) => typeof k === 'string') && saved.length) return saved as string[];
  } catch {
    // a broken saved choice falls back to the defaults
  }
  return defaultColumns;
}

/** Which columns the user shows, remembered on this device. The name column is always shown. */
export function useColumnChoice() {
  const [visible, setVisible] = useState<string[]>(loadColumns);
  const choose = (keys: string[]) => {
    const next = keys.includes('name') ? keys : ['name', ...keys];
    setVisible(next);
    window.localStorage.setItem(storageKey, JSON.stringify(next));
  };
  return { visible, choose, reset: () => choose(defaultColumns) };
}

export function ColumnChooser({
  columns,
  choice,
}: {
  columns: CustomerColumn[];
  choice: ReturnType<typeof useColumnChoice>;
}) {
  const { t } = useTranslation();
  const content = (
    <div style={{}}>
      <Checkbox.Group
        value={choice.visible}
        onChange={(keys) => choice.choose(columns.map((c) => c.key).filter((k) => keys.includes(k)))}
        style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 6 }}
        data-testid="column-chooser-options"
      >
        {columns.map((c) => (
          <Checkbox key={c.key} value={c.key} disabled={c.key === 'name'} data-testid={`column-${c.key}`}>
            {c.title}
          </Checkbox>
        ))}
      </Checkbox.Group>
      <Flex justify="flex-end" style={{ marginTop: 12 }}>
        <Button size="small" onClick={choice.reset}>
          {t('customers.columns.reset')}
        </Button>
      </Flex>
    </div>
  );
  return (
    <Popover content={content} title={t('customers.columns.title')} trigger="click" placement="bottomRight">
      <Button icon={<SettingOutlined />} data-testid="column-chooser">
        {t('customers.columns.button')}
      </Button>
    </Popover>
  );
}

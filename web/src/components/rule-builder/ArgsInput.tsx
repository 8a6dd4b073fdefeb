import { useState } from 'react';
import { DatePicker, Input, InputNumber, Select, Space } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useCategoryOptions, useProductOptions, useStoreOptions } from './api';
import type { RuleField, RuleWindow } from './model';

type Arg = NonNullable<RuleField['args']>[number];

/** The argument key a picker fills (`products` → `productIds`), as the rule format names them. */
const argKey = (a: Arg) => a.name;
const asList = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);

function ProductPicker({ value, onChange, disabled, testId }: PickerProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const products = useProductOptions(search, true);
  return (
    <Select
      mode="multiple"
      value={asList(value)}
      onChange={onChange}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      options={products.data ?? []}
      loading={products.isFetching}
      maxTagCount="responsive"
      placeholder={t('ruleBuilder.args.productIds')}
      disabled={disabled}
      style={{ minWidth: 200, maxWidth: 320 }}
      data-testid={testId}
    />
  );
}

function CategoryPicker({ value, onChange, disabled, testId }: PickerProps) {
  const { t } = useTranslation();
  const categories = useCategoryOptions(true);
  const items = categories.data ?? [];
  const byId = new Map(items.map((c) => [c.id, c]));
  // "饮料 › 茶" so sub-categories with the same name stay apart
  const pathOf = (id: string | null, guard = 0): string => {
    const c = id ? byId.get(id) : undefined;
    if (!c || guard > 10) return '';
    const parent = pathOf(c.parentId, guard + 1);
    return parent ? `${parent} › ${c.name}` : c.name;
  };
  return (
    <Select
      mode="multiple"
      value={asList(value)}
      onChange={onChange}
      showSearch={{ optionFilterProp: 'label' }}
      options={items.map((c) => ({ value: c.id, label: pathOf(c.id) }))}
      loading={categories.isLoading}
      maxTagCount="responsive"
      placeholder={t('ruleBuilder.args.categoryIds')}
      disabled={disabled}
      style={{ minWidth: 200, maxWidth: 320 }}
      data-testid={testId}
    />
  );
}

function StorePicker({ value, onChange, disabled, testId }: PickerProps) {
  const { t } = useTranslation();
  const stores = useStoreOptions(true);
  return (
    <Select
      mode="multiple"
      value={asList(value)}
      onChange={onChange}
      showSearch={{ optionFilterProp: 'label' }}
      options={stores.data ?? []}
      loading={stores.isLoading}
      maxTagCount="responsive"
      placeholder={t('ruleBuilder.args.storeIds')}
      disabled={disabled}
      style={{ minWidth: 200, maxWidth: 320 }}
      data-testid={testId}
    />
  );
}

type PickerProps = { value: unknown; onChange: (v: unknown) => void; disabled?: boolean; testId: string };

/** Inputs for a field's arguments: which products, categories, stores, event or page. */
export function ArgsInput({
  field,
  value,
  onChange,
  disabled,
  testId,
}: {
  field: RuleField;
  value: Record<string, unknown> | undefined;
  onChange: (v: Record<string, unknown>) => void;
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const labelOf = (a: Arg) => a.label ?? t(`ruleBuilder.args.${a.name}`, { defaultValue: a.name });
  const args = field.args ?? [];
  if (!args.length) return null;
  const set = (a: Arg, v: unknown) => onChange({ ...(value ?? {}), [argKey(a)]: v });
  return (
    <>
      {args.map((a) => {
        const props: PickerProps = {
          value: value?.[argKey(a)],
          onChange: (v) => set(a, v),
          disabled,
          testId: `${testId}-${a.name}`,
        };
        switch (a.type) {
          case 'products':
            return <ProductPicker key={a.name} {...props} />;
          case 'categories':
            return <CategoryPicker key={a.name} {...props} />;
          case 'stores':
            return <StorePicker key={a.name} {...props} />;
          case 'text':
            // a list of words (order sources) unless the argument is one piece of text (a URL part)
            if (a.name !== 'urlContains') {
              return (
                <Select
                  key={a.name}
                  mode="tags"
                  open={false}
                  value={asList(props.value)}
                  onChange={(v: string[]) => set(a, v)}
                  tokenSeparators={[',', '，']}
                  placeholder={labelOf(a)}
                  disabled={disabled}
                  style={{ minWidth: 170, maxWidth: 320 }}
                  data-testid={props.testId}
                />
              );
            }
            return (
              <Input
                key={a.name}
                value={typeof props.value === 'string' ? props.value : ''}
                onChange={(e) => set(a, e.target.value)}
                placeholder={labelOf(a)}
                maxLength={500}
                disabled={disabled}
                style={{ width: 200 }}
                data-testid={props.testId}
              />
            );
          case 'event':
            return (
              <Input
                key={a.name}
                value={typeof props.value === 'string' ? props.value : ''}
                onChange={(e) => set(a, e.target.value)}
                placeholder={labelOf(a)}
                maxLength={200}
                disabled={disabled}
                style={{ width: 170 }}
                data-testid={props.testId}
              />
            );
        }
      })}
    </>
  );
}

type WindowMode = 'all' | 'lastDays' | 'between' | 'sinceFirstOrder';
const modeOf = (w: RuleWindow | undefined): WindowMode =>
  !w ? 'all' : 'lastDays' in w ? 'lastDays' : 'sinceFirstOrder' in w ? 'sinceFirstOrder' : 'between';

/** The time window of a behaviour condition: any time, the last N days, between dates, since the first order. */
export function WindowInput({
  value,
  onChange,
  disabled,
  testId,
}: {
  value: RuleWindow | undefined;
  onChange: (w: RuleWindow | undefined) => void;
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const mode = modeOf(value);
  const today = dayjs().format('YYYY-MM-DD');
  const change = (m: WindowMode) => {
    if (m === 'all') onChange(undefined);
    else if (m === 'lastDays') onChange({ lastDays: 30 });
    else if (m === 'sinceFirstOrder') onChange({ sinceFirstOrder: true });
    else onChange({ from: dayjs().subtract(30, 'day').format('YYYY-MM-DD'), to: today });
  };
  return (
    <Space.Compact>
      <Select
        value={mode}
        onChange={change}
        options={(['all', 'lastDays', 'between', 'sinceFirstOrder'] as const).map((m) => ({
          value: m,
          label: t(`ruleBuilder.window.${m}`),
        }))}
        disabled={disabled}
        style={{ width: 130 }}
        data-testid={`${testId}-mode`}
      />
      {value && 'lastDays' in value ? (
        <InputNumber
          value={value.lastDays}
          min={1}
          max={3650}
          precision={0}
          onChange={(n) => onChange({ lastDays: n ?? 1 })}
          suffix={t('ruleBuilder.days')}
          disabled={disabled}
          style={{ width: 120 }}
          data-testid={`${testId}-days`}
        />
      ) : null}
      {value && 'from' in value ? (
        <DatePicker.RangePicker
          value={[dayjs(value.from), dayjs(value.to)]}
          onChange={(r) =>
            onChange({ from: r?.[0]?.format('YYYY-MM-DD') ?? today, to: r?.[1]?.format('YYYY-MM-DD') ?? today })
          }
          allowClear={false}
          disabled={disabled}
          data-testid={`${testId}-range`}
        />
      ) : null}
    </Space.Compact>
  );
}

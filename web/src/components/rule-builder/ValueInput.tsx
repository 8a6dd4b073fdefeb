import { AutoComplete, DatePicker, Input, InputNumber, Select, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useRegions } from '../../features/customers/api';
import { useOwnerOptions, useSegmentOptions, useTagOptions, useTouchpointOptions } from './api';
import { dayOps, type RuleField } from './model';

type Props = {
  field: RuleField;
  op: string;
  value: unknown;
  onChange: (v: unknown) => void;
  disabled?: boolean;
  /** The segment being edited: never offered as "member of" itself. */
  selfId?: string;
  testId: string;
};

const dateFormat = 'YYYY-MM-DD';
const asNumber = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : null);
const asPair = (v: unknown): [unknown, unknown] => (Array.isArray(v) ? [v[0], v[1]] : [null, null]);
const asList = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);
const asDay = (v: unknown) => (typeof v === 'string' && v ? dayjs(v) : null);

function NumberValue({ field, value, onChange, disabled, testId }: Omit<Props, 'op'>) {
  const isMoney = field.type === 'money';
  return (
    <InputNumber
      value={asNumber(value)}
      onChange={(v) => onChange(v === null ? undefined : isMoney ? v.toFixed(2) : v)}
      precision={isMoney ? 2 : undefined}
      prefix={isMoney ? '¥' : undefined}
      disabled={disabled}
      style={{ width: 130 }}
      data-testid={testId}
    />
  );
}

/** "N days ago" or a calendar date, for before/after and friends. */
function DateValue({ value, onChange, disabled, testId }: Omit<Props, 'op' | 'field'>) {
  const { t } = useTranslation();
  const relative = typeof value === 'object' && value !== null && 'lastDays' in value;
  return (
    <Space.Compact>
      <Select
        value={relative ? 'relative' : 'absolute'}
        onChange={(m) => onChange(m === 'relative' ? { lastDays: 30 } : undefined)}
        options={[
          { value: 'absolute', label: t('ruleBuilder.date.absolute') },
          { value: 'relative', label: t('ruleBuilder.date.relative') },
        ]}
        disabled={disabled}
        style={{ width: 110 }}
        data-testid={`${testId}-mode`}
      />
      {relative ? (
        <InputNumber
          value={(value as { lastDays: number }).lastDays}
          min={0}
          precision={0}
          onChange={(n) => onChange({ lastDays: n ?? 0 })}
          suffix={t('ruleBuilder.daysAgo')}
          disabled={disabled}
          style={{ width: 130 }}
          data-testid={testId}
        />
      ) : (
        <DatePicker
          value={asDay(value)}
          onChange={(d) => onChange(d ? d.format(dateFormat) : undefined)}
          disabled={disabled}
          data-testid={testId}
        />
      )}
    </Space.Compact>
  );
}

/** Province and city fields offer the names customers store (广东省, 深圳市); any text is allowed. */
function RegionText({ level, value, onChange, disabled, testId }: Omit<Props, 'op' | 'field'> & { level: 1 | 2 }) {
  const regions = useRegions();
  const names = (regions.data ?? []).flatMap((p) => (level === 1 ? [p.name] : (p.children ?? []).map((c) => c.name)));
  const text = typeof value === 'string' ? value : '';
  return (
    <AutoComplete
      value={text}
      options={[...new Set(names)]
        .filter((n) => !text || n.includes(text))
        .slice(0, 50)
        .map((n) => ({ value: n }))}
      onChange={(v: string) => onChange(v)}
      disabled={disabled}
      style={{ width: 180 }}
      data-testid={testId}
    />
  );
}

/** The value editor a field's type and the chosen operator call for. */
export function ValueInput(props: Props) {
  const { t } = useTranslation();
  const { field, op, value, onChange, disabled, selfId, testId } = props;
  const tags = useTagOptions(field.type === 'tags' && !field.options?.length);
  const segments = useSegmentOptions(field.type === 'segment');
  const noOptions = field.type === 'enum' && !field.options?.length;
  const touchpoints = useTouchpointOptions(noOptions && field.key === 'profile.touchpoint');
  const owners = useOwnerOptions(noOptions && field.key === 'profile.owner');

  if (op === 'isSet' || op === 'notSet') return null;
  if (dayOps.has(op)) {
    return (
      <InputNumber
        value={asNumber(value)}
        min={1}
        precision={0}
        onChange={(n) => onChange(n ?? undefined)}
        suffix={t(`ruleBuilder.suffix.${op}`)}
        disabled={disabled}
        style={{ width: 130 }}
        data-testid={testId}
      />
    );
  }
  if (op === 'between') {
    const [a, b] = asPair(value);
    if (field.type === 'date') {
      return (
        <DatePicker.RangePicker
          value={[asDay(a), asDay(b)]}
          onChange={(r) => onChange([r?.[0]?.format(dateFormat) ?? null, r?.[1]?.format(dateFormat) ?? null])}
          disabled={disabled}
          data-testid={testId}
        />
      );
    }
    return (
      <Space size={4}>
        <NumberValue {...props} value={a} onChange={(v) => onChange([v ?? null, b])} testId={`${testId}-min`} />
        <Typography.Text type="secondary">{t('ruleBuilder.and')}</Typography.Text>
        <NumberValue {...props} value={b} onChange={(v) => onChange([a, v ?? null])} testId={`${testId}-max`} />
      </Space>
    );
  }

  const multi = (options: { value: string; label: string }[], loading = false) => (
    <Select
      mode="multiple"
      value={asList(value)}
      onChange={(v: string[]) => onChange(v)}
      options={options}
      loading={loading}
      showSearch={{ optionFilterProp: 'label' }}
      maxTagCount="responsive"
      disabled={disabled}
      style={{ minWidth: 200, maxWidth: 360 }}
      placeholder={t('ruleBuilder.pickValues')}
      data-testid={testId}
    />
  );

  // any words the user types, one tag each (text in / not in a list)
  const freeList = () => (
    <Select
      mode="tags"
      value={asList(value)}
      onChange={(v: string[]) => onChange(v)}
      open={false}
      tokenSeparators={[',', '，']}
      disabled={disabled}
      style={{ minWidth: 200, maxWidth: 360 }}
      placeholder={t('ruleBuilder.typeValues')}
      data-testid={testId}
    />
  );

  switch (field.type) {
    case 'number':
    case 'money':
      return <NumberValue {...props} />;
    case 'date':
      return <DateValue value={value} onChange={onChange} disabled={disabled} testId={testId} />;
    case 'enum':
      if (!field.options?.length && field.key === 'profile.touchpoint')
        return multi(touchpoints.data ?? [], touchpoints.isLoading);
      if (!field.options?.length && field.key === 'profile.owner') return multi(owners.data ?? [], owners.isLoading);
      return multi(field.options ?? []);
    case 'tags':
      return field.options?.length ? multi(field.options) : multi(tags.data ?? [], tags.isLoading);
    case 'segment':
      return multi(
        (segments.data ?? []).filter((s) => s.value !== selfId),
        segments.isLoading,
      );
    case 'bool':
      return (
        <Select
          value={value === false ? 'false' : 'true'}
          onChange={(v) => onChange(v === 'true')}
          options={[
            { value: 'true', label: t('ruleBuilder.yes') },
            { value: 'false', label: t('ruleBuilder.no') },
          ]}
          disabled={disabled}
          style={{ width: 90 }}
          data-testid={testId}
        />
      );
    case 'text':
      if (op === 'in' || op === 'notIn') return freeList();
      if (field.key === 'profile.province' || field.key === 'profile.city') {
        return (
          <RegionText
            level={field.key === 'profile.province' ? 1 : 2}
            value={value}
            onChange={onChange}
            disabled={disabled}
            testId={testId}
          />
        );
      }
      return (
        <Input
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value)}
          maxLength={200}
          disabled={disabled}
          style={{ width: 180 }}
          data-testid={testId}
        />
      );
  }
}

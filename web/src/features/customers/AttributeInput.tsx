import { DatePicker, Input, InputNumber, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { AttributeDefinition, AttributeValue } from './api';

/**
 * The input for one custom attribute, by its type. Values are what the API stores: text,
 * a number, a date as YYYY-MM-DD, one choice's value, or a list of choice values.
 */
export function AttributeInput({
  definition,
  value,
  onChange,
  testId,
}: {
  definition: AttributeDefinition;
  value?: AttributeValue | null;
  onChange?: (value: AttributeValue | null) => void;
  testId?: string;
}) {
  const id = testId ?? `attr-${definition.key}`;
  const options = definition.options.map((o) => ({ value: o.value, label: o.label }));
  switch (definition.type) {
    case 'number':
      return (
        <InputNumber
          value={typeof value === 'number' ? value : value == null || value === '' ? null : Number(value)}
          onChange={(v) => onChange?.(v ?? null)}
          style={{ width: '100%' }}
          data-testid={id}
        />
      );
    case 'date':
      return (
        <DatePicker
          value={typeof value === 'string' && value ? dayjs(value) : null}
          onChange={(d: Dayjs | null) => onChange?.(d ? d.format('YYYY-MM-DD') : null)}
          style={{ width: '100%' }}
          data-testid={id}
        />
      );
    case 'choice':
      return (
        <Select
          value={typeof value === 'string' ? value : undefined}
          onChange={(v?: string) => onChange?.(v ?? null)}
          options={options}
          allowClear
          data-testid={id}
        />
      );
    case 'multi_choice':
      return (
        <Select
          mode="multiple"
          value={Array.isArray(value) ? value : []}
          onChange={(v: string[]) => onChange?.(v)}
          options={options}
          allowClear
          data-testid={id}
        />
      );
    case 'text':
      return (
        <Input
          value={typeof value === 'string' ? value : value == null ? '' : String(value)}
          onChange={(e) => onChange?.(e.target.value)}
          maxLength={500}
          data-testid={id}
        />
      );
  }
}

/** An attribute value as text for lists and the 360 (choice values shown by their labels). */
export function formatAttribute(definition: AttributeDefinition | undefined, value: AttributeValue | undefined) {
  if (value === undefined || value === null || value === '') return '—';
  if (!definition) return Array.isArray(value) ? value.join(', ') : String(value);
  const labelOf = (v: string) => definition.options.find((o) => o.value === v)?.label ?? v;
  if (Array.isArray(value)) return value.length ? value.map(labelOf).join(', ') : '—';
  if (definition.type === 'choice' || definition.type === 'multi_choice') return labelOf(String(value));
  return String(value);
}

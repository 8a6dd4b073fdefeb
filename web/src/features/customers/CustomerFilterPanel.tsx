import { useEffect } from 'react';
import { Button, Col, DatePicker, Flex, Form, Input, InputNumber, Row, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import {
  useAttributeDefinitions,
  useCustomerTags,
  useStaffOptions,
  useTouchpoints,
  type AttributeDefinition,
  type AttributeFilter,
  type CustomerFilters,
  type Gender,
} from './api';
import { RegionCascader } from './RegionCascader';
import { ScoreFilterFields, countScoreFilters, type ScoreFilters } from '../scoring/customerFilters';
import { genders } from './labels';

type Range = [number | null | undefined, number | null | undefined];
type DateRange = [Dayjs | null, Dayjs | null] | null;

type Values = ScoreFilters & {
  gender?: Gender;
  age?: Range;
  region?: string[];
  source?: string;
  touchpointId?: string;
  ownerId?: string;
  tag?: string[];
  hasOrdered?: 'true' | 'false';
  spent?: Range;
  orderCount?: Range;
  lastOrder?: DateRange;
  attributes?: Record<string, unknown>;
};

const num = (v: number | null | undefined) => (v === null || v === undefined ? undefined : v);
const money = (v: number | null | undefined) => (v === null || v === undefined ? undefined : v.toFixed(2));

function attributeFilter(d: AttributeDefinition, v: unknown): AttributeFilter | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (d.type === 'number') {
    const [min, max] = (v as Range) ?? [];
    if (min == null && max == null) return undefined;
    return { ...(min != null ? { min } : {}), ...(max != null ? { max } : {}) };
  }
  if (d.type === 'date') {
    const [from, to] = (v as DateRange) ?? [null, null];
    if (!from && !to) return undefined;
    return {
      ...(from ? { min: from.format('YYYY-MM-DD') } : {}),
      ...(to ? { max: to.format('YYYY-MM-DD') } : {}),
    };
  }
  if (Array.isArray(v)) return v.length ? (v as string[]) : undefined;
  return typeof v === 'string' ? v.trim() || undefined : undefined;
}

/** The form's values → the list's filters (search and sort live outside the panel). */
function toFilters(v: Values, definitions: AttributeDefinition[]): CustomerFilters {
  const [province, city] = v.region ?? [];
  const attributes: Record<string, AttributeFilter> = {};
  for (const d of definitions) {
    const f = attributeFilter(d, v.attributes?.[d.key]);
    if (f !== undefined) attributes[d.key] = f;
  }
  return {
    gender: v.gender,
    ageMin: num(v.age?.[0]),
    ageMax: num(v.age?.[1]),
    province,
    city,
    source: v.source?.trim() || undefined,
    touchpointId: v.touchpointId,
    ownerId: v.ownerId,
    tag: v.tag?.length ? v.tag : undefined,
    hasOrdered: v.hasOrdered,
    spentMin: money(v.spent?.[0]),
    spentMax: money(v.spent?.[1]),
    orderCountMin: num(v.orderCount?.[0]),
    orderCountMax: num(v.orderCount?.[1]),
    lastOrderFrom: v.lastOrder?.[0]?.format('YYYY-MM-DD'),
    lastOrderTo: v.lastOrder?.[1]?.format('YYYY-MM-DD'),
    attributes: Object.keys(attributes).length ? attributes : undefined,
    rfmClass: v.rfmClass,
    rfmSegment: v.rfmSegment,
    abcClass: v.abcClass,
    valueTier: v.valueTier,
    grade: v.grade,
    lifecycleStage: v.lifecycleStage,
    rScore: v.rScore,
    fScore: v.fScore,
  };
}

/** Two number inputs side by side: a from–to range. */
function NumberRange({
  value,
  onChange,
  min = 0,
  precision,
  testId,
}: {
  value?: Range;
  onChange?: (v: Range) => void;
  min?: number;
  precision?: number;
  testId: string;
}) {
  const { t } = useTranslation();
  const [from, to] = value ?? [undefined, undefined];
  return (
    <Space.Compact style={{ width: '100%' }}>
      <InputNumber
        value={from}
        min={min}
        precision={precision}
        placeholder={t('customers.filters.from')}
        onChange={(v) => onChange?.([v, to])}
        style={{ width: '50%' }}
        data-testid={`${testId}-min`}
      />
      <InputNumber
        value={to}
        min={min}
        precision={precision}
        placeholder={t('customers.filters.to')}
        onChange={(v) => onChange?.([from, v])}
        style={{ width: '50%' }}
        data-testid={`${testId}-max`}
      />
    </Space.Compact>
  );
}

function AttributeFilterInput({ definition }: { definition: AttributeDefinition }) {
  const name = ['attributes', definition.key];
  const testId = `filter-attr-${definition.key}`;
  const options = definition.options.map((o) => ({ value: o.value, label: o.label }));
  const item = (control: React.ReactNode) => (
    <Form.Item name={name} label={definition.label}>
      {control}
    </Form.Item>
  );
  switch (definition.type) {
    case 'number':
      return item(<NumberRange min={-1e12} testId={testId} />);
    case 'date':
      return item(<DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: '100%' }} data-testid={testId} />);
    case 'choice':
    case 'multi_choice':
      return item(
        <Select mode="multiple" allowClear options={options} maxTagCount="responsive" data-testid={testId} />,
      );
    case 'text':
      return item(<Input allowClear maxLength={200} data-testid={testId} />);
  }
}

/** Everything the list can filter by, applied together with "Apply". */
export function CustomerFilterPanel({
  filters,
  onApply,
  canSeeStaff,
}: {
  filters: CustomerFilters;
  onApply: (f: CustomerFilters) => void;
  canSeeStaff: boolean;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const definitions = useAttributeDefinitions();
  const touchpoints = useTouchpoints();
  const tags = useCustomerTags();
  const staff = useStaffOptions(canSeeStaff);

  // the panel reopens showing the filters in force
  useEffect(() => {
    const f = filters;
    form.setFieldsValue({
      gender: f.gender,
      age: [f.ageMin, f.ageMax],
      region: [f.province, f.city].filter((v): v is string => !!v),
      source: f.source,
      touchpointId: f.touchpointId,
      ownerId: f.ownerId,
      tag: f.tag,
      hasOrdered: f.hasOrdered,
      spent: [f.spentMin ? Number(f.spentMin) : undefined, f.spentMax ? Number(f.spentMax) : undefined],
      orderCount: [f.orderCountMin, f.orderCountMax],
      lastOrder:
        f.lastOrderFrom || f.lastOrderTo
          ? [f.lastOrderFrom ? dayjs(f.lastOrderFrom) : null, f.lastOrderTo ? dayjs(f.lastOrderTo) : null]
          : null,
      rfmClass: f.rfmClass,
      rfmSegment: f.rfmSegment,
      abcClass: f.abcClass,
      valueTier: f.valueTier,
      grade: f.grade,
      lifecycleStage: f.lifecycleStage,
      rScore: f.rScore,
      fScore: f.fScore,
    });
  }, [filters, form]);

  const apply = () => onApply(toFilters(form.getFieldsValue(true) as Values, definitions.data ?? []));
  const reset = () => {
    form.resetFields();
    onApply({});
  };

  const span = { xs: 24, sm: 12, lg: 8, xl: 6 };
  return (
    <Form form={form} layout="vertical" size="middle" data-testid="customer-filters" onFinish={apply}>
      <Row gutter={16}>
        <Col {...span}>
          <Form.Item name="gender" label={t('customers.fields.gender')}>
            <Select
              allowClear
              options={genders.map((g) => ({ value: g, label: t(`customers.gender.${g}`) }))}
              data-testid="filter-gender"
            />
          </Form.Item>
        </Col>
        <Col {...span}>
          <Form.Item name="age" label={t('customers.fields.age')}>
            <NumberRange precision={0} testId="filter-age" />
          </Form.Item>
        </Col>
        <Col {...span}>
          <Form.Item name="region" label={t('customers.filters.region')}>
            <RegionCascader depth={2} testId="filter-region" placeholder={t('customers.filters.regionPlaceholder')} />
          </Form.Item>
        </Col>
        <Col {...span}>
          <Form.Item name="source" label={t('customers.fields.source')}>
            <Input allowClear maxLength={100} data-testid="filter-source" />
          </Form.Item>
        </Col>
        <Col {...span}>
          <Form.Item name="touchpointId" label={t('customers.fields.touchpoint')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              options={(touchpoints.data ?? []).map((tp) => ({ value: tp.id, label: tp.name }))}
              data-testid="filter-touchpoint"
            />
          </Form.Item>
        </Col>
        {canSeeStaff ? (
          <Col {...span}>
            <Form.Item name="ownerId" label={t('customers.fields.owner')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                options={(staff.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
                data-testid="filter-owner"
              />
            </Form.Item>
          </Col>
        ) : null}
        <Col {...span}>
          <Form.Item name="tag" label={t('customers.fields.tags')}>
            <Select
              mode="multiple"
              allowClear
              maxTagCount="responsive"
              options={(tags.data ?? []).map((tg) => ({ value: tg.name, label: tg.name }))}
              data-testid="filter-tag"
            />
          </Form.Item>
        </Col>
        <Col {...span}>
          <Form.Item name="hasOrdered" label={t('customers.filters.hasOrdered')}>
            <Select
              allowClear
              options={[
                { value: 'true', label: t('customers.filters.ordered') },
                { value: 'false', label: t('customers.filters.neverOrdered') },
              ]}
              data-testid="filter-has-ordered"
            />
          </Form.Item>
        </Col>
        <Col {...span}>
          <Form.Item name="spent" label={t('customers.filters.spent')}>
            <NumberRange precision={2} testId="filter-spent" />
          </Form.Item>
        </Col>
        <Col {...span}>
          <Form.Item name="orderCount" label={t('customers.fields.orderCount')}>
            <NumberRange precision={0} testId="filter-order-count" />
          </Form.Item>
        </Col>
        <Col {...span}>
          <Form.Item name="lastOrder" label={t('customers.fields.lastOrderAt')}>
            <DatePicker.RangePicker
              allowEmpty={[true, true]}
              style={{ width: '100%' }}
              data-testid="filter-last-order"
            />
          </Form.Item>
        </Col>
        <ScoreFilterFields span={span} />
        {(definitions.data ?? []).map((d) => (
          <Col {...span} key={d.key}>
            <AttributeFilterInput definition={d} />
          </Col>
        ))}
      </Row>
      <Flex justify="flex-end" gap={8}>
        <Button onClick={reset} data-testid="filter-reset">
          {t('customers.filters.reset')}
        </Button>
        <Button type="primary" htmlType="submit" data-testid="filter-apply">
          {t('customers.filters.apply')}
        </Button>
      </Flex>
    </Form>
  );
}

/** How many filters are in force (for the badge on the Filters button). */
export function countFilters(f: CustomerFilters): number {
  const keys: (keyof CustomerFilters)[] = [
    'gender',
    'province',
    'source',
    'touchpointId',
    'ownerId',
    'hasOrdered',
    'lastOrderFrom',
  ];
  let n = keys.filter((k) => f[k] !== undefined).length;
  if (f.ageMin !== undefined || f.ageMax !== undefined) n++;
  if (f.spentMin !== undefined || f.spentMax !== undefined) n++;
  if (f.orderCountMin !== undefined || f.orderCountMax !== undefined) n++;
  if (f.lastOrderFrom === undefined && f.lastOrderTo !== undefined) n++;
  if (f.tag?.length) n++;
  n += Object.keys(f.attributes ?? {}).length;
  n += countScoreFilters(f);
  return n;
}

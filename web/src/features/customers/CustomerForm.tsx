import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, Button, Col, DatePicker, Divider, Drawer, Form, Input, Row, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../api/client';
import { useCan } from '../../app/session';
import { applyServerErrors } from '../../components/forms';
import {
  identityFields,
  useAttributeDefinitions,
  useCreateCustomer,
  useCustomerTags,
  useStaffOptions,
  useTouchpoints,
  useUpdateCustomer,
  type AttributeValue,
  type Customer,
  type CustomerBody,
  type Gender,
  type IdentityField,
} from './api';
import { AttributeInput } from './AttributeInput';
import { RegionCascader } from './RegionCascader';
import { countryOptions, genders } from './labels';

type Values = {
  name: string;
  gender: Gender;
  birthday?: Dayjs | null;
  occupation?: string;
  incomeBand?: string;
  education?: string;
  country: string;
  region?: string[];
  mobile?: string;
  email?: string;
  wechatOpenId?: string;
  wechatUnionId?: string;
  idNumber?: string;
  address?: string;
  externalId?: string;
  source?: string;
  touchpointId?: string | null;
  ownerId?: string | null;
  tags?: string[];
  attributes?: Record<string, AttributeValue | null | undefined>;
};

const plainFields = [
  'name',
  'gender',
  'birthday',
  'occupation',
  'incomeBand',
  'education',
  'country',
  'mobile',
  'email',
  'wechatOpenId',
  'wechatUnionId',
  'idNumber',
  'address',
  'externalId',
  'source',
  'touchpointId',
  'ownerId',
  'tags',
];
const regionFields = ['province', 'city', 'district'];

const emptyToNull = (v: string | undefined | null) => (v && v.trim() ? v.trim() : null);

function isEmptyAttribute(v: AttributeValue | null | undefined) {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/**
 * Create (`customer` = 'new') or edit a customer. Identities arrive masked, so on edit their
 * inputs start empty: left empty they stay as they are; "clear" removes one.
 */
export function CustomerForm({
  customer,
  onClose,
  onSaved,
}: {
  customer: Customer | 'new' | null;
  onClose: () => void;
  onSaved?: (c: Customer) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const canSeeStaff = useCan('staff.view');
  const definitions = useAttributeDefinitions();
  const touchpoints = useTouchpoints();
  const tags = useCustomerTags();
  const staff = useStaffOptions(canSeeStaff && !!customer);
  const create = useCreateCustomer();
  const update = useUpdateCustomer();
  const [error, setError] = useState<string | null>(null);
  const [duplicate, setDuplicate] = useState<{ id: string; name: string } | null>(null);
  const [cleared, setCleared] = useState<Set<IdentityField>>(new Set());
  const topRef = useRef<HTMLDivElement>(null);
  // a problem the fields cannot show is at the top: bring it into view once it is rendered
  useEffect(() => {
    if (error) topRef.current?.scrollIntoView({ block: 'start' });
  }, [error, duplicate]);
  const existing = customer && customer !== 'new' ? customer : null;
  const country = Form.useWatch('country', form);
  const birthday = Form.useWatch('birthday', form);

  useEffect(() => {
    if (!customer) return;
    setError(null);
    setDuplicate(null);
    setCleared(new Set());
    form.resetFields();
    if (!existing) {
      form.setFieldsValue({ gender: 'unknown', country: 'CN', tags: [], attributes: {} });
      return;
    }
    form.setFieldsValue({
      name: existing.name,
      gender: existing.gender,
      birthday: existing.birthday ? dayjs(existing.birthday) : null,
      occupation: existing.occupation ?? '',
      incomeBand: existing.incomeBand ?? '',
      education: existing.education ?? '',
      country: existing.country,
      region: [existing.province, existing.city, existing.district].filter((v): v is string => !!v),
      externalId: existing.externalId ?? '',
      source: existing.source ?? '',
      touchpointId: existing.touchpoint?.id ?? null,
      ownerId: existing.owner?.id ?? null,
      tags: existing.tags,
      attributes: existing.attributes,
    });
  }, [customer, existing, form]);

  const attributeNames = useMemo(() => (definitions.data ?? []).map((d) => `attributes.${d.key}`), [definitions.data]);

  const toBody = (v: Values): CustomerBody => {
    const [province, city, district] = v.country === 'CN' ? (v.region ?? []) : [];
    const attributes: Record<string, AttributeValue | null> = {};
    for (const [k, val] of Object.entries(v.attributes ?? {})) {
      if (!isEmptyAttribute(val)) attributes[k] = val as AttributeValue;
    }
    // PATCH changes attributes per key: a value emptied on the form is cleared with null
    for (const k of Object.keys(existing?.attributes ?? {}))
      if (!(k in attributes) && definitions.data?.some((d) => d.key === k)) attributes[k] = null;
    const body: CustomerBody = {
      name: v.name.trim(),
      gender: v.gender,
      birthday: v.birthday ? v.birthday.format('YYYY-MM-DD') : null,
      occupation: emptyToNull(v.occupation),
      incomeBand: emptyToNull(v.incomeBand),
      education: emptyToNull(v.education),
      country: v.country,
      province: province ?? null,
      city: city ?? null,
      district: district ?? null,
      externalId: emptyToNull(v.externalId),
      source: emptyToNull(v.source),
      touchpointId: v.touchpointId ?? null,
      tags: v.tags ?? [],
      attributes,
    };
    if (canSeeStaff) body.ownerId = v.ownerId ?? null;
    for (const f of identityFields) {
      const typed = emptyToNull(v[f]);
      if (typed) body[f] = typed;
      else if (!existing) body[f] = null;
      else if (cleared.has(f)) body[f] = null;
    }
    if (!existing) {
      // a new customer: leave out what is empty rather than sending nulls
      for (const k of Object.keys(body) as (keyof CustomerBody)[]) if (body[k] === null) delete body[k];
    }
    return body;
  };

  /** A 409 duplicate names the existing customer (when the user may see customers): link to them. */
  const showDuplicate = (err: unknown) => {
    if (!isApiError(err) || err.code !== 'customer_duplicate') return;
    const { customerId, name } = err.details;
    if (typeof customerId === 'string' && customerId !== existing?.id)
      setDuplicate({ id: customerId, name: typeof name === 'string' ? name : '' });
  };

  const submit = async () => {
    let v: Values;
    try {
      v = await form.validateFields();
    } catch (err) {
      // the drawer is long: show the first field that needs attention
      const first = (err as { errorFields?: { name: (string | number)[] }[] }).errorFields?.[0];
      if (first) form.scrollToField(first.name, { block: 'center' });
      return;
    }
    setError(null);
    setDuplicate(null);
    try {
      const body = toBody(v);
      const saved = existing
        ? await update.mutateAsync({ id: existing.id, body })
        : await create.mutateAsync({ ...body, name: v.name.trim() });
      message.success(existing ? t('common.saved') : t('customers.form.created'));
      onSaved?.(saved);
      onClose();
    } catch (err) {
      const names = [...plainFields, 'region', 'attributes', ...attributeNames];
      const rest = applyServerErrors(form, regionOnForm(err), names);
      const banner = rest ?? (isApiError(err) && err.code === 'customer_duplicate' ? err.message : null);
      setError(banner);
      showDuplicate(err);
      if (!banner) {
        const first = form.getFieldsError().find((f) => f.errors.length);
        if (first) form.scrollToField(first.name, { block: 'center' });
      }
    }
  };

  const identityInput = (f: IdentityField, placeholder?: string) => {
    const current = existing?.[f];
    const isCleared = cleared.has(f);
    const toggle = () =>
      setCleared((s) => {
        const next = new Set(s);
        if (next.has(f)) next.delete(f);
        else next.add(f);
        return next;
      });
    return (
      <Form.Item
        name={f}
        label={t(`customers.fields.${f}`)}
        extra={
          current ? (
            <span>
              {isCleared ? t('customers.form.willClear') : t('customers.form.keepHint', { value: current })}{' '}
              <a onClick={toggle} data-testid={`customer-clear-${f}`}>
                {isCleared ? t('customers.form.undoClear') : t('customers.form.clear')}
              </a>
            </span>
          ) : undefined
        }
      >
        {f === 'address' ? (
          <Input.TextArea
            rows={2}
            maxLength={200}
            disabled={isCleared}
            placeholder={current ?? placeholder}
            data-testid={`customer-${f}`}
          />
        ) : (
          <Input
            disabled={isCleared}
            placeholder={current ?? placeholder}
            autoComplete="off"
            data-testid={`customer-${f}`}
          />
        )}
      </Form.Item>
    );
  };

  const age = birthday ? dayjs().diff(birthday, 'year') : null;
  const ownerOptions = [
    ...(staff.data ?? []).map((u) => ({ value: u.id, label: `${u.name} · ${u.email}` })),
    ...(existing?.owner && !staff.data?.some((u) => u.id === existing.owner?.id)
      ? [{ value: existing.owner.id, label: existing.owner.name }]
      : []),
  ];

  return (
    <Drawer
      open={!!customer}
      onClose={onClose}
      title={existing ? t('customers.form.editTitle', { name: existing.name }) : t('customers.form.createTitle')}
      size={720}
      destroyOnHidden
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={create.isPending || update.isPending}
            onClick={() => void submit()}
            data-testid="customer-save"
          >
            {t('common.save')}
          </Button>
        </Space>
      }
      data-testid="customer-drawer"
    >
      <div ref={topRef} />
      {error ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={error}
          description={
            duplicate ? (
              <Link to={`/customers/${duplicate.id}`} onClick={onClose} data-testid="customer-duplicate-link">
                {t('customers.form.openExisting', { name: duplicate.name })}
              </Link>
            ) : undefined
          }
          data-testid="customer-form-error"
        />
      ) : null}
      <Form form={form} layout="vertical" requiredMark preserve={false}>
        <Divider titlePlacement="start" style={{ marginTop: 0 }}>
          {t('customers.form.basics')}
        </Divider>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="name"
              label={t('customers.fields.name')}
              rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
            >
              <Input maxLength={100} data-testid="customer-name" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="gender" label={t('customers.fields.gender')}>
              <Select
                options={genders.map((g) => ({ value: g, label: t(`customers.gender.${g}`) }))}
                data-testid="customer-gender"
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="birthday"
              label={t('customers.fields.birthday')}
              extra={age !== null ? t('customers.ageYears', { count: age }) : undefined}
            >
              <DatePicker
                style={{ width: '100%' }}
                disabledDate={(d) => d.isAfter(dayjs(), 'day')}
                data-testid="customer-birthday"
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="occupation" label={t('customers.fields.occupation')}>
              <Input maxLength={100} data-testid="customer-occupation" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="incomeBand" label={t('customers.fields.incomeBand')}>
              <Input maxLength={50} data-testid="customer-incomeBand" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="education" label={t('customers.fields.education')}>
              <Input maxLength={50} data-testid="customer-education" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="country" label={t('customers.fields.country')}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                options={countryOptions()}
                data-testid="customer-country"
              />
            </Form.Item>
          </Col>
          <Col span={16}>
            {country === 'CN' ? (
              <Form.Item name="region" label={t('customers.fields.region')}>
                <RegionCascader testId="customer-region" />
              </Form.Item>
            ) : null}
          </Col>
        </Row>

        <Divider titlePlacement="start">{t('customers.form.contacts')}</Divider>
        <Row gutter={16}>
          <Col span={12}>{identityInput('mobile', '13800138000')}</Col>
          <Col span={12}>{identityInput('email', 'name@example.com')}</Col>
          <Col span={12}>{identityInput('wechatOpenId')}</Col>
          <Col span={12}>{identityInput('wechatUnionId')}</Col>
          <Col span={12}>{identityInput('idNumber')}</Col>
          <Col span={24}>{identityInput('address')}</Col>
        </Row>

        <Divider titlePlacement="start">{t('customers.form.acquisition')}</Divider>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="source" label={t('customers.fields.source')}>
              <Input maxLength={50} data-testid="customer-source" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="touchpointId" label={t('customers.fields.touchpoint')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                options={(touchpoints.data ?? []).map((tp) => ({ value: tp.id, label: tp.name }))}
                loading={touchpoints.isLoading}
                data-testid="customer-touchpoint"
              />
            </Form.Item>
          </Col>
          {canSeeStaff ? (
            <Col span={12}>
              <Form.Item name="ownerId" label={t('customers.fields.owner')}>
                <Select
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  options={ownerOptions}
                  loading={staff.isLoading}
                  data-testid="customer-owner"
                />
              </Form.Item>
            </Col>
          ) : null}
          <Col span={12}>
            <Form.Item name="externalId" label={t('customers.fields.externalId')}>
              <Input maxLength={100} data-testid="customer-externalId" />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="tags" label={t('customers.fields.tags')}>
              <Select
                mode="tags"
                maxCount={50}
                options={(tags.data ?? []).map((tg) => ({ value: tg.name, label: tg.name }))}
                tokenSeparators={[',', '，']}
                data-testid="customer-tags"
              />
            </Form.Item>
          </Col>
        </Row>

        {definitions.data?.length ? (
          <>
            <Divider titlePlacement="start">{t('customers.form.attributes')}</Divider>
            <Row gutter={16}>
              {definitions.data.map((d) => (
                <Col span={d.type === 'multi_choice' || d.type === 'text' ? 24 : 12} key={d.key}>
                  <Form.Item
                    name={['attributes', d.key]}
                    label={d.label}
                    tooltip={d.description ?? undefined}
                    rules={
                      d.isRequired
                        ? [
                            {
                              required: true,
                              message: t('validation.required'),
                              validator: (_, val: AttributeValue | null | undefined) =>
                                isEmptyAttribute(val) ? Promise.reject(new Error()) : Promise.resolve(),
                            },
                          ]
                        : []
                    }
                  >
                    <AttributeInput definition={d} />
                  </Form.Item>
                </Col>
              ))}
            </Row>
          </>
        ) : null}
      </Form>
    </Drawer>
  );
}

/** The server names `province`, `city` or `district`; the form shows them as one `region` field. */
function regionOnForm(err: unknown): unknown {
  if (!isApiError(err)) return err;
  for (const f of err.fields) if (regionFields.includes(f.field)) f.field = 'region';
  return err;
}

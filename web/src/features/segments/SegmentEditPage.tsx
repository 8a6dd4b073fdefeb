import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, Form, Input, Radio, Row, Space } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError, type FieldError } from '../../api/client';
import { ErrorResult } from '../../components/ErrorResult';
import { FullPageSpin } from '../../components/FullPageSpin';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import { RuleBuilder, countConditions, newCondition, type RuleRoot } from '../../components/rule-builder';
import { applyServerErrors } from '../../components/forms';
import { useCreateSegment, useSegment, useUpdateSegment, type Segment, type SegmentKind } from './api';
import { LivePreview } from './LivePreview';

type Values = { name: string; description?: string; kind: SegmentKind };

/** The editor: name and kind on top, the rule builder beneath, the live count beside it. */
function SegmentEditor({ segment }: { segment: Segment | null }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('kind', form) ?? segment?.kind ?? 'dynamic';
  // a new segment starts with one condition to fill in; a static one without a rule stays empty
  const [rule, setRule] = useState<RuleRoot>(
    () => segment?.rules ?? (segment ? { version: 1, and: [] } : { version: 1, and: [newCondition()] }),
  );
  const [previewErrors, setPreviewErrors] = useState<FieldError[]>([]);
  const [saveErrors, setSaveErrors] = useState<FieldError[] | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const create = useCreateSegment();
  const update = useUpdateSegment();
  const onPreviewErrors = useCallback((f: FieldError[]) => setPreviewErrors(f), []);

  // a new edit makes the errors of the last save stale
  useEffect(() => setSaveErrors(null), [rule]);

  const hasRule = countConditions(rule) > 0;
  const save = async (v: Values) => {
    setFormError(null);
    // a static segment may be built by hand or upload alone: an empty rule means "no rule"
    const rules = v.kind === 'static' && !hasRule ? null : rule;
    const common = { name: v.name.trim(), description: v.description?.trim() || null };
    try {
      // the kind is fixed once created; a static segment's rule is only replaced, never cleared
      const saved = segment
        ? await update.mutateAsync({
            id: segment.id,
            // an unchanged rule is not sent: for a static segment it would take a new snapshot
            body: { ...common, ...(rules && JSON.stringify(rules) !== JSON.stringify(segment.rules) ? { rules } : {}) },
          })
        : await create.mutateAsync({ ...common, kind: v.kind, rules });
      message.success(t('common.saved'));
      void navigate(`/segments/${saved.id}`);
    } catch (err) {
      if (isApiError(err)) setSaveErrors(err.fields.filter((f) => f.field.startsWith('rules')));
      const rest = applyServerErrors(form, err, ['name', 'description', 'kind']);
      if (rest && !(isApiError(err) && err.fields.length)) setFormError(rest);
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={{
        name: segment?.name ?? '',
        description: segment?.description ?? '',
        kind: segment?.kind ?? 'dynamic',
      }}
      onFinish={(v) => void save(v)}
      data-testid="segment-form"
    >
      <Row gutter={16}>
        <Col xs={24} xl={17}>
          <Card style={{ marginBottom: 16 }}>
            {formError ? <Alert type="error" showIcon title={formError} style={{ marginBottom: 12 }} /> : null}
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Form.Item
                  name="name"
                  label={t('segments.fields.name')}
                  rules={[{ required: true, whitespace: true, message: t('segments.nameRequired') }]}
                >
                  <Input maxLength={100} data-testid="segment-name" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name="kind" label={t('segments.fields.kind')} extra={t(`segments.kindHint.${kind}`)}>
                  <Radio.Group
                    optionType="button"
                    disabled={!!segment}
                    options={(['dynamic', 'static'] as const).map((k) => ({
                      value: k,
                      label: t(`segments.kind.${k}`),
                    }))}
                    data-testid="segment-kind"
                  />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="description" label={t('segments.fields.description')} style={{ marginBottom: 0 }}>
              <Input.TextArea rows={2} maxLength={500} data-testid="segment-description" />
            </Form.Item>
          </Card>
          <Card
            title={t('segments.rule')}
            extra={kind === 'static' ? <span style={{ color: '#888' }}>{t('segments.staticRuleHint')}</span> : null}
            style={{ marginBottom: 16 }}
          >
            <RuleBuilder
              value={rule}
              onChange={setRule}
              errors={saveErrors ?? previewErrors}
              selfId={segment?.id}
              emptyText={kind === 'static' ? t('segments.staticNoRule') : undefined}
            />
          </Card>
        </Col>
        <Col xs={24} xl={7}>
          <div style={{ position: 'sticky', top: 16 }}>
            {kind === 'static' && !hasRule ? (
              <Card size="small" title={t('segments.preview.title')}>
                <span style={{ color: '#888' }}>{t('segments.preview.staticEmpty')}</span>
              </Card>
            ) : (
              <LivePreview rule={rule} onErrors={onPreviewErrors} />
            )}
            <Space style={{ marginTop: 16 }}>
              <Button
                type="primary"
                htmlType="submit"
                loading={create.isPending || update.isPending}
                data-testid="segment-save"
              >
                {t('common.save')}
              </Button>
              <Button onClick={() => void navigate(segment ? `/segments/${segment.id}` : '/segments')}>
                {t('common.cancel')}
              </Button>
            </Space>
          </div>
        </Col>
      </Row>
    </Form>
  );
}

/** /segments/new and /segments/:id/edit. */
export function SegmentEditPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const segment = useSegment(id);
  if (id && segment.isLoading) return <FullPageSpin />;
  if (id && segment.error) {
    if (isApiError(segment.error) && [400, 404].includes(segment.error.status)) return <NotFound />;
    return <ErrorResult error={segment.error} onRetry={() => void segment.refetch()} />;
  }
  const current = id ? (segment.data ?? null) : null;
  return (
    <>
      <Link
        to={current ? `/segments/${current.id}` : '/segments'}
        style={{ display: 'inline-block', marginBottom: 12 }}
      >
        <ArrowLeftOutlined /> {current ? current.name : t('segments.backToList')}
      </Link>
      <PageHeader title={current ? t('segments.editTitle', { name: current.name }) : t('segments.newTitle')} />
      <SegmentEditor key={current?.id ?? 'new'} segment={current} />
    </>
  );
}

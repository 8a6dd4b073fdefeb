import { useEffect, useState } from 'react';
import { Alert, App, Badge, Button, Col, Drawer, Form, Row, Space, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useFieldOptions, useSaveForm, type Form as FormDto, type FormBody } from './api';
import { ConsentsEditor } from './ConsentsEditor';
import { newFormBody } from './defaults';
import { FieldsEditor } from './FieldsEditor';
import { FormPreview, type PreviewValues } from './FormPreview';
import { SettingsEditor } from './SettingsEditor';

type Values = FormBody & { slug?: string };
type Tab = 'fields' | 'consents' | 'settings';

/** `fields.2.label.en` → ['fields', 2, 'label', 'en']: list indexes are numbers in antd's name paths. */
const namePath = (field: string) => field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
const tabOf = (field: string): Tab =>
  field.startsWith('fields') ? 'fields' : field.startsWith('consents') ? 'consents' : 'settings';

function valuesOf(form: FormDto): Values {
  return {
    name: form.name,
    slug: form.slug,
    language: form.language,
    doubleOptIn: form.doubleOptIn,
    touchpointId: form.touchpointId,
    tags: form.tags,
    title: form.title,
    description: form.description,
    submitLabel: form.submitLabel,
    successMessage: form.successMessage,
    fields: form.fields,
    consents: form.consents.map((c) => ({ ...c, policyVersion: c.policyVersion ?? null })),
  };
}

/**
 * Builds or changes a form: its fields, consent checkboxes and settings, with the public page
 * previewed beside them. The server checks the whole form and names each problem.
 */
export function FormBuilder({ form: editing, onClose }: { form: FormDto | 'new' | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const options = useFieldOptions();
  const save = useSaveForm();
  const [tab, setTab] = useState<Tab>('fields');
  const [preview, setPreview] = useState<PreviewValues>({});
  const [problems, setProblems] = useState<string[]>([]);
  const [badTabs, setBadTabs] = useState<Set<Tab>>(new Set());
  const existing = editing && editing !== 'new' ? editing : null;

  useEffect(() => {
    if (!editing) return;
    const initial = existing ? valuesOf(existing) : newFormBody(i18n.language);
    form.resetFields();
    form.setFieldsValue(initial);
    setPreview(initial);
    setProblems([]);
    setBadTabs(new Set());
    setTab('fields');
  }, [editing, existing, form, i18n.language]);

  const submit = async () => {
    let v: Values;
    try {
      v = await form.validateFields();
    } catch (err) {
      const failed = (err as { errorFields?: { name: (string | number)[] }[] }).errorFields ?? [];
      const tabs = new Set(failed.map((f) => tabOf(String(f.name[0]))));
      setBadTabs(tabs);
      if (tabs.size && !tabs.has(tab)) setTab([...tabs][0]!);
      return;
    }
    setProblems([]);
    setBadTabs(new Set());
    // a cleared touchpoint is null, so a change clears it rather than keeping the old one
    const body = { ...v, slug: v.slug?.trim() || undefined, touchpointId: v.touchpointId ?? null };
    try {
      await save.mutateAsync({ id: existing?.id, body });
      message.success(existing ? t('common.saved') : t('forms.created'));
      onClose();
    } catch (err) {
      if (!isApiError(err)) {
        setProblems([String(err)]);
        return;
      }
      const fields = err.fields.length ? err.fields : [{ field: '', code: err.code, message: err.message }];
      // put each problem under its input where there is one; list them all at the top as well
      form.setFields(
        fields
          .filter((f) => f.field && f.field !== 'fields' && f.field !== 'consents')
          .map((f) => ({ name: namePath(f.field) as never, errors: [f.message] })),
      );
      setProblems(fields.map((f) => f.message));
      const tabs = new Set(fields.filter((f) => f.field).map((f) => tabOf(f.field)));
      setBadTabs(tabs);
      if (tabs.size && !tabs.has(tab)) setTab([...tabs][0]!);
    }
  };

  const tabLabel = (key: Tab) => (
    <Badge dot={badTabs.has(key)} offset={[6, 0]}>
      {t(`forms.builder.tabs.${key}`)}
    </Badge>
  );

  return (
    <Drawer
      open={!!editing}
      onClose={onClose}
      title={existing ? t('forms.edit', { name: existing.name }) : t('forms.create')}
      size={1180}
      destroyOnHidden
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => void submit()} data-testid="form-save">
            {t('common.save')}
          </Button>
        </Space>
      }
      data-testid="form-builder"
    >
      {problems.length ? (
        <Alert
          type="error"
          showIcon
          title={t('forms.builder.problems')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {problems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          }
          style={{ marginBottom: 16 }}
          data-testid="form-builder-error"
        />
      ) : null}
      <Row gutter={24}>
        <Col xs={24} lg={14}>
          <Form form={form} layout="vertical" preserve onValuesChange={(_, all) => setPreview(all as PreviewValues)}>
            <Tabs
              activeKey={tab}
              onChange={(k) => setTab(k as Tab)}
              items={[
                {
                  key: 'fields',
                  label: tabLabel('fields'),
                  forceRender: true,
                  children: <FieldsEditor options={options.data} />,
                },
                {
                  key: 'consents',
                  label: tabLabel('consents'),
                  forceRender: true,
                  children: <ConsentsEditor options={options.data} />,
                },
                { key: 'settings', label: tabLabel('settings'), forceRender: true, children: <SettingsEditor /> },
              ]}
              data-testid="form-builder-tabs"
            />
          </Form>
        </Col>
        <Col xs={24} lg={10}>
          <div style={{ position: 'sticky', top: 0 }}>
            <FormPreview values={preview} options={options.data} />
          </div>
        </Col>
      </Row>
    </Drawer>
  );
}

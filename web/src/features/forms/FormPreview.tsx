import { useState } from 'react';
import { Button, Card, Checkbox, DatePicker, Flex, Input, Radio, Segmented, Select, Typography } from 'antd';
import i18n from 'i18next';
import { useTranslation } from 'react-i18next';
import type { FieldOptions, FormConsent, FormField, Localized } from './api';

type Lang = 'zh-CN' | 'en';
export type PreviewValues = {
  language?: Lang;
  title?: Localized;
  description?: Localized;
  submitLabel?: Localized;
  fields?: FormField[];
  consents?: FormConsent[];
};

const pick = (text: Localized | undefined, lang: Lang) =>
  (text?.[lang] || text?.[lang === 'en' ? 'zh-CN' : 'en'] || '').trim();

/** One field as the public page will show it (inputs work, nothing is sent). */
function PreviewField({ field, lang, options }: { field: FormField; lang: Lang; options: FieldOptions | undefined }) {
  const pt = i18n.getFixedT(lang);
  const label = pick(field.label, lang);
  let control: React.ReactNode = <Input />;
  if (field.key === 'gender') {
    control = (
      <Radio.Group
        options={(['female', 'male', 'unknown'] as const).map((g) => ({ value: g, label: pt(`forms.gender.${g}`) }))}
      />
    );
  } else if (field.key === 'birthday') {
    control = <DatePicker style={{ width: '100%' }} />;
  } else if (field.key === 'region') {
    control = (
      <Flex gap={8}>
        <Select style={{ flex: 1 }} placeholder={pt('forms.preview.province')} />
        <Select style={{ flex: 1 }} placeholder={pt('forms.preview.city')} />
      </Flex>
    );
  } else if (field.key.startsWith('attributes.')) {
    const def = options?.attributes.find((a) => `attributes.${a.key}` === field.key);
    const choices = (def?.options ?? []).map((o) => ({ value: o.value, label: o.label }));
    if (def?.type === 'choice') control = <Select options={choices} placeholder={pt('forms.preview.choose')} />;
    else if (def?.type === 'multi_choice') control = <Checkbox.Group options={choices} />;
    else if (def?.type === 'date') control = <DatePicker style={{ width: '100%' }} />;
  }
  return (
    <div style={{ marginBottom: 14 }}>
      <div style={{ fontWeight: 600, marginBottom: 4 }}>
        {label}
        {field.required ? <span style={{ color: '#cf1322' }}> *</span> : null}
      </div>
      {control}
    </div>
  );
}

/** The public page, drawn from what the builder holds right now, in either language. */
export function FormPreview({ values, options }: { values: PreviewValues; options: FieldOptions | undefined }) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<Lang | null>(null);
  const lang = chosen ?? values.language ?? 'zh-CN';
  const pt = i18n.getFixedT(lang);
  const description = pick(values.description, lang);
  return (
    <Card
      size="small"
      title={t('forms.preview.title')}
      extra={
        <Segmented<Lang>
          size="small"
          value={lang}
          onChange={setChosen}
          options={[
            { value: 'zh-CN', label: '中文' },
            { value: 'en', label: 'English' },
          ]}
          data-testid="form-preview-language"
        />
      }
      styles={{ body: { background: '#f5f6f8', padding: 16 } }}
      data-testid="form-preview"
    >
      <div style={{ maxWidth: 420, margin: '0 auto', background: '#fff', borderRadius: 12, padding: 20 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }} data-testid="form-preview-title">
          {pick(values.title, lang)}
        </Typography.Title>
        {description ? (
          <Typography.Paragraph style={{ whiteSpace: 'pre-line' }}>{description}</Typography.Paragraph>
        ) : null}
        {(values.fields ?? []).map((f) => (
          <PreviewField key={f.key} field={f} lang={lang} options={options} />
        ))}
        {(values.consents ?? []).map((c) => (
          <div key={c.id} style={{ marginBottom: 10, fontSize: 13 }}>
            <Checkbox>
              {pick(c.label, lang)}
              {c.required ? <span style={{ color: '#cf1322' }}> *</span> : null}
            </Checkbox>
            {pick(c.policyText, lang) ? (
              <details style={{ marginLeft: 24, color: '#595959' }}>
                <summary style={{ color: '#1677ff', cursor: 'pointer' }}>{pt('forms.preview.policy')}</summary>
                <div style={{ whiteSpace: 'pre-line' }}>{pick(c.policyText, lang)}</div>
              </details>
            ) : null}
          </div>
        ))}
        <Button type="primary" block size="large" style={{ marginTop: 8 }}>
          {pick(values.submitLabel, lang)}
        </Button>
      </div>
    </Card>
  );
}

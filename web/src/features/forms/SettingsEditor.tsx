import { Alert, Form, Input, Radio, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../app/session';
import { useCustomerTags, useTouchpoints } from '../customers/api';
import { LocalizedInput } from './LocalizedInput';

/** The form as a whole: names, texts, language, double opt-in, where submissions come from, tags. */
export function SettingsEditor() {
  const { t } = useTranslation();
  const canSeeCustomers = useCan('customers.view');
  const touchpoints = useTouchpoints();
  const tags = useCustomerTags();
  const doubleOptIn = Form.useWatch('doubleOptIn', Form.useFormInstance()) as boolean | undefined;

  return (
    <>
      <Form.Item
        name="name"
        label={t('forms.fields.name')}
        extra={t('forms.builder.nameHint')}
        rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
      >
        <Input maxLength={100} data-testid="form-name" />
      </Form.Item>
      <Form.Item
        name="slug"
        label={t('forms.fields.slug')}
        extra={t('forms.builder.slugHint')}
        rules={[{ pattern: /^[a-z0-9][a-z0-9-]{2,49}$/, message: t('forms.builder.slugInvalid') }]}
      >
        <Input addonBefore={`${window.location.host}/f/`} maxLength={50} data-testid="form-slug" />
      </Form.Item>
      <Form.Item name="language" label={t('forms.fields.language')} extra={t('forms.builder.languageHint')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'zh-CN', label: '中文' },
            { value: 'en', label: 'English' },
          ]}
          data-testid="form-language"
        />
      </Form.Item>
      <LocalizedInput name="title" label={t('forms.fields.title')} required maxLength={200} testId="form-title" />
      <LocalizedInput name="description" label={t('forms.fields.description')} multiline maxLength={2000} />
      <LocalizedInput name="submitLabel" label={t('forms.fields.submitLabel')} required maxLength={50} />
      <LocalizedInput
        name="successMessage"
        label={t('forms.fields.successMessage')}
        required
        multiline
        maxLength={2000}
        testId="form-success"
      />
      <Form.Item
        name="doubleOptIn"
        label={t('forms.fields.doubleOptIn')}
        valuePropName="checked"
        extra={t('forms.builder.doubleOptInHint')}
      >
        <Switch data-testid="form-double-opt-in" />
      </Form.Item>
      {doubleOptIn ? (
        <Alert type="info" showIcon title={t('forms.builder.doubleOptInNeedsMail')} style={{ marginBottom: 16 }} />
      ) : null}
      <Form.Item name="touchpointId" label={t('forms.fields.touchpoint')} extra={t('forms.builder.touchpointHint')}>
        <Select
          allowClear
          disabled={!canSeeCustomers}
          loading={touchpoints.isLoading}
          options={(touchpoints.data ?? []).map((tp) => ({ value: tp.id, label: tp.name }))}
          placeholder={t('forms.builder.noTouchpoint')}
          data-testid="form-touchpoint"
        />
      </Form.Item>
      <Form.Item name="tags" label={t('forms.fields.tags')} extra={t('forms.builder.tagsHint')}>
        <Select
          mode="tags"
          maxCount={20}
          options={(tags.data ?? []).map((tag) => ({ value: tag.name, label: tag.name }))}
          data-testid="form-tags"
        />
      </Form.Item>
    </>
  );
}

import { useEffect, useState } from 'react';
import { Alert, App, Button, Drawer, Flex, Form, Input, InputNumber, Select, Space, Switch } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { applyServerErrors } from '../../../components/forms';
import {
  attributeTypes,
  useSaveAttribute,
  type AttributeDefinition,
  type AttributeOption,
  type AttributeType,
} from './api';

type Values = {
  key: string;
  label: string;
  description?: string;
  type: AttributeType;
  options?: AttributeOption[];
  isRequired: boolean;
  sortOrder: number;
};
const fieldNames = ['key', 'label', 'description', 'type', 'options', 'isRequired', 'sortOrder'];
const isChoice = (type?: AttributeType) => type === 'choice' || type === 'multi_choice';

/** Define or change a custom attribute; key and type are fixed after creation. */
export function AttributeDrawer({
  attribute,
  nextSortOrder,
  onClose,
}: {
  attribute: AttributeDefinition | 'new' | null;
  nextSortOrder: number;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useSaveAttribute();
  const [error, setError] = useState<string | null>(null);
  const existing = attribute && attribute !== 'new' ? attribute : null;
  const type = Form.useWatch('type', form);

  useEffect(() => {
    if (!attribute) return;
    setError(null);
    form.resetFields();
    if (existing)
      form.setFieldsValue({
        key: existing.key,
        label: existing.label,
        description: existing.description ?? '',
        type: existing.type,
        options: existing.options,
        isRequired: existing.isRequired,
        sortOrder: existing.sortOrder,
      });
    else form.setFieldsValue({ type: 'text', isRequired: false, sortOrder: nextSortOrder, options: [] });
  }, [attribute, existing, nextSortOrder, form]);

  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    const common = {
      label: v.label,
      description: v.description ? v.description : null,
      options: isChoice(v.type) ? (v.options ?? []) : [],
      isRequired: v.isRequired,
      sortOrder: v.sortOrder,
    };
    try {
      if (existing) await save.mutateAsync({ id: existing.id, body: common });
      else await save.mutateAsync({ body: { ...common, key: v.key, type: v.type } });
      message.success(existing ? t('common.saved') : t('customerAttributes.created'));
      onClose();
    } catch (err) {
      setError(applyServerErrors(form, err, fieldNames));
    }
  };

  return (
    <Drawer
      open={!!attribute}
      onClose={onClose}
      title={existing ? t('customerAttributes.edit') : t('customerAttributes.create')}
      size={520}
      destroyOnHidden
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => void submit()} data-testid="attribute-save">
            {t('common.save')}
          </Button>
        </Space>
      }
      data-testid="attribute-drawer"
    >
      {error ? (
        <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} data-testid="attribute-form-error" />
      ) : null}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="label"
          label={t('customerAttributes.fields.label')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input maxLength={100} data-testid="attribute-label" />
        </Form.Item>
        <Form.Item
          name="key"
          label={t('customerAttributes.fields.key')}
          extra={existing ? t('customerAttributes.keyFixed') : t('customerAttributes.keyHint')}
          rules={[
            { required: true, message: t('validation.required') },
            { pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('customerAttributes.keyInvalid') },
          ]}
        >
          <Input maxLength={40} disabled={!!existing} data-testid="attribute-key" placeholder="member_level" />
        </Form.Item>
        <Form.Item
          name="type"
          label={t('customerAttributes.fields.type')}
          extra={existing ? t('customerAttributes.typeFixed') : undefined}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Select
            disabled={!!existing}
            options={attributeTypes.map((v) => ({ value: v, label: t(`customerAttributes.types.${v}`) }))}
            data-testid="attribute-type"
          />
        </Form.Item>
        {isChoice(type) ? (
          <Form.Item label={t('customerAttributes.fields.options')} required>
            <Form.List
              name="options"
              rules={[
                {
                  validator: async (_, options?: AttributeOption[]) => {
                    if (!options?.length) throw new Error(t('customerAttributes.optionsRequired'));
                  },
                },
              ]}
            >
              {(fields, { add, remove }, { errors }) => (
                <>
                  {fields.map((field, i) => (
                    <Flex key={field.key} gap={8} align="baseline">
                      <Form.Item
                        name={[field.name, 'value']}
                        rules={[{ required: true, message: t('validation.required') }]}
                        style={{ flex: 1 }}
                      >
                        <Input
                          placeholder={t('customerAttributes.optionValue')}
                          maxLength={100}
                          data-testid={`attribute-option-value-${i}`}
                        />
                      </Form.Item>
                      <Form.Item
                        name={[field.name, 'label']}
                        rules={[{ required: true, message: t('validation.required') }]}
                        style={{ flex: 1 }}
                      >
                        <Input
                          placeholder={t('customerAttributes.optionLabel')}
                          maxLength={100}
                          data-testid={`attribute-option-label-${i}`}
                        />
                      </Form.Item>
                      <Button
                        type="text"
                        icon={<DeleteOutlined />}
                        onClick={() => remove(field.name)}
                        aria-label={t('common.delete')}
                      />
                    </Flex>
                  ))}
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    onClick={() => add({ value: '', label: '' })}
                    block
                    data-testid="attribute-option-add"
                  >
                    {t('customerAttributes.addOption')}
                  </Button>
                  <Form.ErrorList errors={errors} />
                </>
              )}
            </Form.List>
          </Form.Item>
        ) : null}
        <Form.Item name="description" label={t('customerAttributes.fields.description')}>
          <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} data-testid="attribute-description" />
        </Form.Item>
        <Flex gap={32}>
          <Form.Item name="isRequired" label={t('customerAttributes.fields.isRequired')} valuePropName="checked">
            <Switch data-testid="attribute-required" />
          </Form.Item>
          <Form.Item name="sortOrder" label={t('customerAttributes.fields.sortOrder')}>
            <InputNumber min={0} max={1000000} precision={0} data-testid="attribute-order" />
          </Form.Item>
        </Flex>
      </Form>
    </Drawer>
  );
}

import { Button, Card, Empty, Flex, Form, Input, Select, Switch, Tag, Tooltip, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { FieldOptions, FormField } from './api';
import { newField } from './defaults';
import { LocalizedInput } from './LocalizedInput';

/** The field's name for staff: the profile field's name, or the custom attribute's label and type. */
export function useFieldName(options: FieldOptions | undefined) {
  const { t } = useTranslation();
  return (key: string) => {
    if (!key.startsWith('attributes.')) return t(`forms.profileFields.${key}`, { defaultValue: key });
    const def = options?.attributes.find((a) => `attributes.${a.key}` === key);
    return def ? def.label : key;
  };
}

/** Which profile fields and custom attributes the form asks for, in order, with labels and whether required. */
export function FieldsEditor({ options }: { options: FieldOptions | undefined }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const fields = (Form.useWatch('fields', form) as FormField[] | undefined) ?? [];
  const nameOf = useFieldName(options);
  const used = new Set(fields.map((f) => f.key));
  const addable = [
    {
      label: t('forms.builder.profileGroup'),
      title: 'profile',
      options: (options?.profileFields ?? []).filter((k) => !used.has(k)).map((k) => ({ value: k, label: nameOf(k) })),
    },
    {
      label: t('forms.builder.attributesGroup'),
      title: 'attributes',
      options: (options?.attributes ?? [])
        .filter((a) => !used.has(`attributes.${a.key}`))
        .map((a) => ({
          value: `attributes.${a.key}`,
          label: `${a.label} · ${t(`forms.attributeTypes.${a.type}`, { defaultValue: a.type })}`,
        })),
    },
  ];

  return (
    <Form.List name="fields">
      {(items, { add, remove, move }) => (
        <Flex vertical gap={12}>
          <Select
            showSearch
            value={null}
            placeholder={t('forms.builder.addField')}
            options={addable}
            optionFilterProp="label"
            onChange={(key: string | null) => {
              if (key) add(newField(key, options?.attributes ?? []));
            }}
            data-testid="form-add-field"
            style={{ width: '100%' }}
          />
          {items.length === 0 ? <Empty description={t('forms.builder.noFields')} /> : null}
          {items.map((item, index) => {
            const key = fields[index]?.key ?? '';
            return (
              <Card
                key={item.key}
                size="small"
                data-testid={`form-field-${key}`}
                title={
                  <Flex align="center" gap={8}>
                    <Typography.Text strong>{nameOf(key)}</Typography.Text>
                    <Tag>
                      {key.startsWith('attributes.') ? t('forms.builder.attribute') : t('forms.builder.profile')}
                    </Tag>
                  </Flex>
                }
                extra={
                  <Flex align="center" gap={4}>
                    <Form.Item name={[item.name, 'required']} valuePropName="checked" noStyle>
                      <Switch
                        size="small"
                        checkedChildren={t('forms.builder.required')}
                        unCheckedChildren={t('forms.builder.optional')}
                        data-testid={`form-field-${key}-required`}
                      />
                    </Form.Item>
                    <Tooltip title={t('forms.builder.moveUp')}>
                      <Button
                        type="text"
                        size="small"
                        icon={<ArrowUpOutlined />}
                        disabled={index === 0}
                        onClick={() => move(index, index - 1)}
                        aria-label={t('forms.builder.moveUp')}
                      />
                    </Tooltip>
                    <Tooltip title={t('forms.builder.moveDown')}>
                      <Button
                        type="text"
                        size="small"
                        icon={<ArrowDownOutlined />}
                        disabled={index === items.length - 1}
                        onClick={() => move(index, index + 1)}
                        aria-label={t('forms.builder.moveDown')}
                      />
                    </Tooltip>
                    <Tooltip title={t('common.delete')}>
                      <Button
                        type="text"
                        size="small"
                        danger
                        icon={<DeleteOutlined />}
                        onClick={() => remove(index)}
                        aria-label={t('common.delete')}
                        data-testid={`form-field-${key}-remove`}
                      />
                    </Tooltip>
                  </Flex>
                }
              >
                <Form.Item name={[item.name, 'key']} hidden>
                  <Input />
                </Form.Item>
                <LocalizedInput
                  name={[item.name, 'label']}
                  label={t('forms.builder.label')}
                  required
                  maxLength={200}
                  testId={`form-field-${key}-label`}
                />
              </Card>
            );
          })}
        </Flex>
      )}
    </Form.List>
  );
}

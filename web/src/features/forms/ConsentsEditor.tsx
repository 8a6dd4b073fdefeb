import { Button, Card, Col, Empty, Flex, Form, Input, Row, Select, Space, Switch, Tooltip, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { FieldOptions, FormConsent } from './api';
import { newConsent } from './defaults';
import { LocalizedInput } from './LocalizedInput';

/**
 * The consent checkboxes: what each is for (purpose, channel), the sentence beside it, the
 * policy it refers to (kept with every consent given), and whether the form needs it ticked.
 */
export function ConsentsEditor({ options }: { options: FieldOptions | undefined }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const consents = (Form.useWatch('consents', form) as FormConsent[] | undefined) ?? [];
  const purposes = (options?.purposes ?? []).map((p) => ({ value: p, label: t(`consents.purposes.${p}`) }));
  const channels = (options?.channels ?? []).map((c) => ({ value: c, label: t(`consents.channels.${c}`) }));

  return (
    <Form.List name="consents">
      {(items, { add, remove }) => (
        <Flex vertical gap={12}>
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            {t('forms.builder.consentsHint')}
          </Typography.Paragraph>
          {items.length === 0 ? <Empty description={t('forms.builder.noConsents')} /> : null}
          {items.map((item, index) => (
            <Card
              key={item.key}
              size="small"
              data-testid={`form-consent-${index}`}
              title={t('forms.builder.consentN', { n: index + 1 })}
              extra={
                <Flex align="center" gap={4}>
                  <Form.Item name={[item.name, 'required']} valuePropName="checked" noStyle>
                    <Switch
                      size="small"
                      checkedChildren={t('forms.builder.mustTick')}
                      unCheckedChildren={t('forms.builder.optional')}
                      data-testid={`form-consent-${index}-required`}
                    />
                  </Form.Item>
                  <Tooltip title={t('common.delete')}>
                    <Button
                      type="text"
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      onClick={() => remove(index)}
                      aria-label={t('common.delete')}
                    />
                  </Tooltip>
                </Flex>
              }
            >
              <Form.Item name={[item.name, 'id']} hidden>
                <Input />
              </Form.Item>
              <Row gutter={8}>
                <Col xs={24} md={9}>
                  <Form.Item name={[item.name, 'purpose']} label={t('consents.purpose')} rules={[{ required: true }]}>
                    <Select options={purposes} data-testid={`form-consent-${index}-purpose`} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name={[item.name, 'channel']} label={t('consents.channel')} rules={[{ required: true }]}>
                    <Select options={channels} data-testid={`form-consent-${index}-channel`} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={7}>
                  <Form.Item name={[item.name, 'policyVersion']} label={t('consents.policyVersion')}>
                    <Input maxLength={50} placeholder="v1" />
                  </Form.Item>
                </Col>
              </Row>
              <LocalizedInput
                name={[item.name, 'label']}
                label={t('forms.builder.checkboxText')}
                required
                multiline
                maxLength={500}
                testId={`form-consent-${index}-label`}
              />
              <LocalizedInput
                name={[item.name, 'policyText']}
                label={t('forms.builder.policyText')}
                multiline
                maxLength={5000}
              />
            </Card>
          ))}
          <Space wrap>
            <Button
              icon={<PlusOutlined />}
              onClick={() => add(newConsent(consents, 'marketing'))}
              disabled={items.length >= 10}
              data-testid="form-add-marketing-consent"
            >
              {t('forms.builder.addMarketing')}
            </Button>
            <Button
              icon={<PlusOutlined />}
              onClick={() => add(newConsent(consents, 'privacy'))}
              disabled={items.length >= 10}
            >
              {t('forms.builder.addPrivacy')}
            </Button>
          </Space>
        </Flex>
      )}
    </Form.List>
  );
}

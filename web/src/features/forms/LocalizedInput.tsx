import { Col, Form, Input, Row, Tag } from 'antd';
import type { NamePath } from 'antd/es/form/interface';
import { useTranslation } from 'react-i18next';

// each language named in itself, as language pickers do
const languageName = { 'zh-CN': '中文', en: 'English' } as const;

/**
 * One text in both languages the public page can speak: Chinese and English side by side.
 * `name` is the path of a `{ 'zh-CN': string, en: string }` value.
 */
export function LocalizedInput({
  name,
  label,
  required = false,
  multiline = false,
  maxLength,
  testId,
}: {
  name: NamePath;
  label?: string;
  required?: boolean;
  multiline?: boolean;
  maxLength: number;
  testId?: string;
}) {
  const { t } = useTranslation();
  const path = Array.isArray(name) ? name : [name];
  const rules = required ? [{ required: true, whitespace: true, message: t('validation.required') }] : [];
  const input = (lang: 'zh-CN' | 'en') =>
    multiline ? (
      <Input.TextArea
        autoSize={{ minRows: 2, maxRows: 8 }}
        maxLength={maxLength}
        placeholder={languageName[lang]}
        data-testid={testId ? `${testId}-${lang}` : undefined}
      />
    ) : (
      <Input
        maxLength={maxLength}
        placeholder={languageName[lang]}
        prefix={<Tag style={{ marginInlineEnd: 4 }}>{lang === 'en' ? 'EN' : '中'}</Tag>}
        data-testid={testId ? `${testId}-${lang}` : undefined}
      />
    );
  return (
    <Form.Item label={label} required={required} style={{ marginBottom: 8 }}>
      <Row gutter={8}>
        <Col xs={24} md={12}>
          <Form.Item name={[...path, 'zh-CN']} rules={rules} style={{ marginBottom: 4 }}>
            {input('zh-CN')}
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={[...path, 'en']} rules={rules} style={{ marginBottom: 4 }}>
            {input('en')}
          </Form.Item>
        </Col>
      </Row>
    </Form.Item>
  );
}

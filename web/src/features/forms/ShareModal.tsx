import { Alert, Button, Flex, Modal, Typography } from 'antd';
import { ExportOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { embedSnippets, publicUrlOf, type Form } from './api';

function Snippet({ title, hint, code, testId }: { title: string; hint: string; code: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <div>
      <Typography.Title level={5} style={{ marginBottom: 4 }}>
        {title}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 6 }}>
        {hint}
      </Typography.Paragraph>
      <Typography.Paragraph
        code
        copyable={{ text: code, tooltips: [t('common.copy'), t('common.copied')] }}
        style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap', marginBottom: 0 }}
        data-testid={testId}
      >
        {code}
      </Typography.Paragraph>
    </div>
  );
}

/** Where a published form lives and how to put it on another site. */
export function ShareModal({ form, onClose }: { form: Form | null; onClose: () => void }) {
  const { t } = useTranslation();
  if (!form) return null;
  const url = publicUrlOf(form);
  const snippets = embedSnippets(form);
  return (
    <Modal
      open
      onCancel={onClose}
      title={t('forms.share.title', { name: form.name })}
      footer={<Button onClick={onClose}>{t('common.close')}</Button>}
      width={680}
      data-testid="form-share"
    >
      <Flex vertical gap={16}>
        {form.status !== 'published' ? (
          <Alert type="warning" showIcon title={t('forms.share.notPublished')} data-testid="form-share-unpublished" />
        ) : null}
        <div>
          <Typography.Title level={5} style={{ marginBottom: 4 }}>
            {t('forms.share.link')}
          </Typography.Title>
          <Flex align="center" gap={8} wrap>
            <Typography.Text
              copyable={{ text: url, tooltips: [t('common.copy'), t('common.copied')] }}
              data-testid="form-share-url"
            >
              {url}
            </Typography.Text>
            <Button
              size="small"
              icon={<ExportOutlined />}
              href={url}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="form-share-open"
            >
              {t('forms.share.open')}
            </Button>
          </Flex>
        </div>
        <Snippet
          title={t('forms.share.script')}
          hint={t('forms.share.scriptHint')}
          code={snippets.script}
          testId="form-share-script"
        />
        <Snippet
          title={t('forms.share.iframe')}
          hint={t('forms.share.iframeHint')}
          code={snippets.iframe}
          testId="form-share-iframe"
        />
      </Flex>
    </Modal>
  );
}

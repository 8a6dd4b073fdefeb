import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Connection } from './api';

const shopifySteps = ['open', 'create', 'topics', 'secret', 'test'];
const genericSteps = ['url', 'sign', 'id', 'docs'];

/** The endpoint to paste and what to do in the shop, for the kind of connection. */
export function SetupSteps({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  const steps = (connection.kind === 'shopify' ? shopifySteps : genericSteps).map((step) =>
    t(`webhooks.steps.${connection.kind}.${step}`),
  );
  return (
    <>
      <Typography.Text strong>{t('webhooks.fields.endpointUrl')}</Typography.Text>
      <Typography.Paragraph
        code
        copyable={{ text: connection.endpointUrl, tooltips: [t('common.copy'), t('common.copied')] }}
        style={{ wordBreak: 'break-all' }}
        data-testid="webhook-endpoint"
      >
        {connection.endpointUrl}
      </Typography.Paragraph>
      <ol style={{ paddingInlineStart: 20, margin: 0 }}>
        {steps.map((step) => (
          <li key={step}>
            <Typography.Text>{step}</Typography.Text>
          </li>
        ))}
      </ol>
    </>
  );
}

import { Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SourceType } from './api';

/** Where SDKs should send: this Kehu's own address, as the browser reached it. */
export function trackingHost(): { origin: string; host: string; protocol: 'http' | 'https' } {
  const { origin, host, protocol } = window.location;
  return { origin, host, protocol: protocol === 'https:' ? 'https' : 'http' };
}

function browserSnippet(key: string) {
  const { host, protocol } = trackingHost();
  return `import { AnalyticsBrowser } from '@segment/analytics-next';

// npm i @segment/analytics-next — the settings below replace Segment's CDN, so nothing leaves your site but to Kehu
export const analytics = AnalyticsBrowser.load({
  writeKey: '${key}',
  cdnSettings: {
    integrations: {
      'Segment.io': { apiKey: '${key}', apiHost: '${host}/v1', protocol: '${protocol}' },
    },
  },
});

analytics.page();
analytics.track('Product Viewed', { sku: 'A-001', price: 99 });
analytics.identify('user-123', { name: '林小雨', email: 'lin@example.com', phone: '13800138000' });`;
}

function nodeSnippet(key: string) {
  const { origin } = trackingHost();
  return `import { Analytics } from '@segment/analytics-node';

// npm i @segment/analytics-node
const analytics = new Analytics({ writeKey: '${key}', host: '${origin}' });

analytics.identify({ userId: 'user-123', traits: { name: '林小雨', email: 'lin@example.com' } });
analytics.track({ userId: 'user-123', event: 'Order Completed', properties: { total: 199, currency: 'CNY' } });

// before the process exits
await analytics.closeAndFlush();`;
}

function httpSnippet(key: string) {
  const { origin } = trackingHost();
  return `curl ${origin}/v1/track \\
  -u '${key}:' \\
  -H 'Content-Type: application/json' \\
  -d '{"userId":"user-123","event":"Order Completed","properties":{"total":199}}'

# up to 2,500 events (500 KB) at once; gzip with -H 'Content-Encoding: gzip'
curl ${origin}/v1/batch -u '${key}:' -H 'Content-Type: application/json' \\
  -d '{"batch":[{"type":"page","anonymousId":"device-1","name":"Home"},{"type":"identify","anonymousId":"device-1","userId":"user-123"}]}'`;
}

/** Copy-paste set-up for the source's SDKs, pointed at this Kehu. */
export function Snippets({ writeKey, type }: { writeKey: string; type: SourceType }) {
  const { t } = useTranslation();
  const code = (text: string, id: string) => (
    <Typography.Paragraph
      copyable={{ text, tooltips: [t('common.copy'), t('common.copied')] }}
      style={{ margin: 0 }}
      data-testid={`snippet-${id}`}
    >
      <pre style={{ margin: 0, maxHeight: 280, overflow: 'auto', fontSize: 12, whiteSpace: 'pre' }}>{text}</pre>
    </Typography.Paragraph>
  );
  const first = type === 'website' ? 'browser' : type === 'server' ? 'node' : 'http';
  return (
    <Tabs
      size="small"
      defaultActiveKey={first}
      items={[
        { key: 'browser', label: t('tracking.snippets.browser'), children: code(browserSnippet(writeKey), 'browser') },
        { key: 'node', label: t('tracking.snippets.node'), children: code(nodeSnippet(writeKey), 'node') },
        { key: 'http', label: t('tracking.snippets.http'), children: code(httpSnippet(writeKey), 'http') },
      ]}
    />
  );
}

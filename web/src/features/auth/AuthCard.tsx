import type { ReactNode } from 'react';
import { Card, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../components/LanguageSwitch';

/** The frame of every page before sign-in: product name, language switch, one card. */
export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Flex
      vertical
      align="center"
      justify="center"
      style={{ minHeight: '100vh', background: 'linear-gradient(160deg,#f0f5ff 0%,#fafafa 60%)', padding: 16 }}
    >
      <Card style={{ width: 400, maxWidth: '100%' }}>
        <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
          <Flex align="center" gap={8}>
            <img src="/favicon.svg" alt="" width={32} height={32} />
            <Typography.Text strong style={{ fontSize: 18 }}>
              Kehu {t('app.productName')}
            </Typography.Text>
          </Flex>
          <LanguageSwitch />
        </Flex>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {title}
        </Typography.Title>
        {subtitle ? <Typography.Paragraph type="secondary">{subtitle}</Typography.Paragraph> : null}
        {children}
      </Card>
      <Typography.Text type="secondary" style={{ marginTop: 16, fontSize: 12 }}>
        {t('app.tagline')}
      </Typography.Text>
    </Flex>
  );
}

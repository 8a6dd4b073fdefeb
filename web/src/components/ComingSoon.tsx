import { Card, Result, Typography } from 'antd';
import { ClockCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { NavItem } from '../app/nav';

/** A module not built yet: says so, says what it will do, and which issue builds it. */
export function ComingSoon({ item }: { item: NavItem }) {
  const { t } = useTranslation();
  return (
    <Card data-testid="coming-soon">
      <Result
        icon={<ClockCircleOutlined />}
        title={t('comingSoon.title', { module: t(`nav.items.${item.key}`) })}
        subTitle={
          <div style={{ maxWidth: 640, margin: '0 auto' }}>
            <Typography.Paragraph>{t(`modules.${item.key}`)}</Typography.Paragraph>
            <Typography.Paragraph type="secondary">
              {item.issue ? t('comingSoon.issue', { issue: item.issue }) : t('comingSoon.later')}
            </Typography.Paragraph>
          </div>
        }
      />
    </Card>
  );
}

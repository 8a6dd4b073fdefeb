import { Card, Col, Row, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { navGroups, navItems } from '../../app/nav';
import { useSession } from '../../app/session';
import { useFormat } from '../../i18n/format';

/** A start page: who you are, and every area you can open, built or coming. */
export function HomePage() {
  const { t } = useTranslation();
  const { me, can } = useSession();
  const fmt = useFormat();
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="home-welcome">
        {t('home.welcome', { name: me.name })}
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        {t('home.today', { date: fmt.date(new Date()), timeZone: fmt.timeZone })}
        {me.roles.length ? ` · ${me.roles.map((r) => r.name).join(', ')}` : ''}
        {me.department ? ` · ${me.department.name}` : ''}
      </Typography.Paragraph>
      <Row gutter={[16, 16]}>
        {navGroups.map((group) => {
          const items = navItems.filter((i) => i.group === group && can(i.permission));
          if (!items.length) return null;
          return (
            <Col key={group} xs={24} md={12} xl={8}>
              <Card title={t(`nav.groups.${group}`)} size="small" style={{ height: '100%' }}>
                {items.map((i) => (
                  <div key={i.key} style={{ padding: '4px 0' }}>
                    <Link to={i.path}>{t(`nav.items.${i.key}`)}</Link>{' '}
                    {i.built ? null : <Tag>{t('home.comingTag')}</Tag>}
                  </div>
                ))}
              </Card>
            </Col>
          );
        })}
      </Row>
    </>
  );
}

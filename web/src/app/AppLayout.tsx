import { useMemo, useState } from 'react';
import { Layout, Menu, Typography, type MenuProps } from 'antd';
import {
  BarChartOutlined,
  CustomerServiceOutlined,
  GiftOutlined,
  HomeOutlined,
  LikeOutlined,
  NotificationOutlined,
  PartitionOutlined,
  RiseOutlined,
  SafetyOutlined,
  SettingOutlined,
  TeamOutlined,
  CarryOutOutlined,
} from '@ant-design/icons';
import { Link, Outlet, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { navGroups, navItems, type NavGroupKey } from './nav';
import { useSession } from './session';
import { useBusiness } from './business';
import { UserMenu } from './UserMenu';

const groupIcons: Record<NavGroupKey, React.ReactNode> = {
  customers: <TeamOutlined />,
  segments: <PartitionOutlined />,
  engage: <NotificationOutlined />,
  service: <CustomerServiceOutlined />,
  feedback: <LikeOutlined />,
  loyalty: <GiftOutlined />,
  leads: <RiseOutlined />,
  collaboration: <CarryOutOutlined />,
  analytics: <BarChartOutlined />,
  privacy: <SafetyOutlined />,
  admin: <SettingOutlined />,
};

export function AppLayout() {
  const { t } = useTranslation();
  const { can } = useSession();
  const { businessName } = useBusiness();
  const location = useLocation();
  // the most specific entry: /customers/duplicates is its own item, /customers/<id> belongs to the list
  const current = navItems
    .filter((i) => location.pathname === i.path || location.pathname.startsWith(`${i.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  const [openKeys, setOpenKeys] = useState<string[]>(current ? [`group:${current.group}`] : []);

  const items = useMemo<MenuProps['items']>(() => {
    const groups = navGroups
      .map((group) => {
        const children = navItems
          .filter((i) => i.group === group && can(i.permission))
          .map((i) => ({
            key: i.path,
            label: (
              <Link to={i.path} data-testid={`nav-${i.key}`}>
                {t(`nav.items.${i.key}`)}
              </Link>
            ),
          }));
        if (!children.length) return null;
        return {
          key: `group:${group}`,
          icon: groupIcons[group],
          label: <span data-testid={`nav-group-${group}`}>{t(`nav.groups.${group}`)}</span>,
          children,
        };
      })
      .filter((g) => g !== null);
    return [
      {
        key: '/',
        icon: <HomeOutlined />,
        label: (
          <Link to="/" data-testid="nav-home">
            {t('nav.home')}
          </Link>
        ),
      },
      ...groups,
    ];
  }, [can, t]);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={232} theme="light" style={{ borderRight: '1px solid #f0f0f0', flex: '0 0 232px' }}>
        <div style={{ height: 56, display: 'flex', alignItems: 'center', gap: 8, padding: '0 20px' }}>
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <Typography.Text strong style={{ fontSize: 16 }}>
            Kehu {t('app.productName')}
          </Typography.Text>
        </div>
        <Menu
          mode="inline"
          items={items}
          selectedKeys={[current?.path ?? (location.pathname === '/' ? '/' : '')]}
          openKeys={openKeys}
          onOpenChange={setOpenKeys}
          style={{ borderInlineEnd: 'none' }}
          data-testid="side-nav"
        />
      </Layout.Sider>
      <Layout style={{ minWidth: 0 }}>
        <Layout.Header
          style={{
            background: '#fff',
            padding: '0 24px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            borderBottom: '1px solid #f0f0f0',
            height: 56,
          }}
        >
          <Typography.Title level={5} style={{ margin: 0 }} data-testid="business-name">
            {businessName}
          </Typography.Title>
          <UserMenu />
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

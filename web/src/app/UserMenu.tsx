import { useState } from 'react';
import { App, Avatar, Dropdown, Space, Typography, type MenuProps } from 'antd';
import { DownOutlined, GlobalOutlined, KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { setCsrfToken } from '../api/client';
import { logout, updateMe } from '../features/auth/api';
import { changeLanguage, languages, type Language } from '../i18n/i18n';
import { ChangePasswordModal } from '../features/auth/ChangePasswordModal';
import { meKey, useSession } from './session';

/** Name, language switch (saved on the profile), change password, sign out. */
export function UserMenu() {
  const { t, i18n } = useTranslation();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [changingPassword, setChangingPassword] = useState(false);

  const switchLanguage = async (language: Language) => {
    await changeLanguage(language);
    try {
      await updateMe({ locale: language });
    } catch {
      // the switch still applies on this device; the profile keeps its old choice
    }
    await queryClient.invalidateQueries();
  };

  const signOut = async () => {
    try {
      await logout();
    } catch {
      // signed out locally either way
    }
    setCsrfToken(null);
    queryClient.clear();
    queryClient.setQueryData(meKey, null);
    await navigate('/login');
    message.success(t('auth.signedOut'));
  };

  const items: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <div style={{ lineHeight: 1.4 }}>
          <Typography.Text strong>{me.name}</Typography.Text>
          <br />
          <Typography.Text type="secondary">{me.email}</Typography.Text>
        </div>
      ),
    },
    { type: 'divider' },
    {
      key: 'language',
      icon: <GlobalOutlined />,
      label: <span data-testid="menu-language">{t('userMenu.language')}</span>,
      children: languages.map((l) => ({
        key: `lang:${l}`,
        label: (
          <span data-testid={`menu-language-${l}`}>
            {t(`languages.${l}`)}
            {i18n.language === l ? ' ✓' : ''}
          </span>
        ),
        onClick: () => void switchLanguage(l),
      })),
    },
    {
      key: 'password',
      icon: <KeyOutlined />,
      label: <span data-testid="menu-change-password">{t('userMenu.changePassword')}</span>,
      onClick: () => setChangingPassword(true),
    },
    { type: 'divider' },
    {
      key: 'logout',
      icon: <LogoutOutlined />,
      danger: true,
      label: <span data-testid="menu-sign-out">{t('userMenu.signOut')}</span>,
      onClick: () => void signOut(),
    },
  ];

  return (
    <>
      <Dropdown menu={{ items }} trigger={['click']} placement="bottomRight">
        <a data-testid="user-menu" onClick={(e) => e.preventDefault()} style={{ color: 'inherit' }}>
          <Space>
            <Avatar size="small" icon={<UserOutlined />} />
            {me.name}
            <DownOutlined style={{ fontSize: 10 }} />
          </Space>
        </a>
      </Dropdown>
      <ChangePasswordModal open={changingPassword} onClose={() => setChangingPassword(false)} />
    </>
  );
}

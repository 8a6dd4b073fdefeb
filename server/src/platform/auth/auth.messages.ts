import { registerMessages } from '../i18n/i18n.ts';

/** Messages of sign-in, sessions, passwords and API keys (merged into the platform catalogue). */
registerMessages({
  'zh-CN': {
    errors: {
      AUTH_INVALID_CREDENTIALS: '邮箱或密码不正确',
      AUTH_ACCOUNT_DISABLED: '该账号已停用，请联系管理员',
      AUTH_TOO_MANY_ATTEMPTS: '登录失败次数过多，请在 {{retryAfterSeconds}} 秒后重试',
      AUTH_REAUTH_REQUIRED: '此操作需要重新输入密码确认身份',
      AUTH_WRONG_PASSWORD: '密码不正确',
      AUTH_SESSION_REQUIRED: '此操作只能在登录会话中进行，不能使用 API 密钥',
      AUTH_SETUP_DONE: '系统已完成初始化，不能再次创建管理员',
      AUTH_RESET_TOKEN_INVALID: '重置链接无效或已过期，请重新申请',
      PASSWORD_TOO_SHORT: '密码至少需要 {{minimum}} 个字符',
      PASSWORD_TOO_LONG: '密码最多 {{maximum}} 个字符',
      PASSWORD_TOO_COMMON: '该密码过于常见或已在泄露密码库中出现，请换一个',
      API_KEY_SCOPE_EXCEEDED: 'API 密钥的权限不能超出您自己的权限（{{permission}}）',
      API_KEY_EXPIRY_IN_PAST: '过期时间必须晚于当前时间',
    },
    fields: {
      currentPassword: '当前密码',
      newPassword: '新密码',
      token: '令牌',
      expiresAt: '过期时间',
    },
    entities: { apiKey: 'API 密钥' },
    validation: { invalid_permission: '{{field}}包含未知的权限' },
    auth: {
      resetMail: {
        subject: 'Kehu 客户：重置密码',
        text: '您好 {{name}}：\n\n请在 1 小时内打开以下链接设置新密码：\n{{link}}\n\n如果这不是您本人的操作，请忽略此邮件。',
      },
    },
  },
  en: {
    errors: {
      AUTH_INVALID_CREDENTIALS: 'Email or password is wrong',
      AUTH_ACCOUNT_DISABLED: 'This account is disabled; ask an administrator',
      AUTH_TOO_MANY_ATTEMPTS: 'Too many failed sign-ins; try again in {{retryAfterSeconds}} seconds',
      AUTH_REAUTH_REQUIRED: 'Enter your password again to confirm this action',
      AUTH_WRONG_PASSWORD: 'The password is wrong',
      AUTH_SESSION_REQUIRED: 'This action needs a signed-in session, not an API key',
      AUTH_SETUP_DONE: 'Kehu is already set up; the first administrator exists',
      AUTH_RESET_TOKEN_INVALID: 'This reset link is invalid or has expired; request a new one',
      PASSWORD_TOO_SHORT: 'The password must have at least {{minimum}} characters',
      PASSWORD_TOO_LONG: 'The password must have at most {{maximum}} characters',
      PASSWORD_TOO_COMMON: 'This password is too common or appears in breached-password lists; choose another',
      API_KEY_SCOPE_EXCEEDED: 'An API key cannot have permissions you do not have ({{permission}})',
      API_KEY_EXPIRY_IN_PAST: 'The expiry must be in the future',
    },
    fields: {
      currentPassword: 'Current password',
      newPassword: 'New password',
      token: 'Token',
      expiresAt: 'Expiry',
    },
    entities: { apiKey: 'API key' },
    validation: { invalid_permission: '{{field}} contains an unknown permission' },
    auth: {
      resetMail: {
        subject: 'Kehu: reset your password',
        text: 'Hello {{name}},\n\nOpen this link within one hour to set a new password:\n{{link}}\n\nIf you did not ask for this, ignore this email.',
      },
    },
  },
});

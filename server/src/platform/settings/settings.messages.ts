import { registerMessages } from '../i18n/i18n.ts';

/** Messages of business settings, mail, jobs and encryption administration. */
registerMessages({
  'zh-CN': {
    errors: {
      SETTINGS_SMTP_INCOMPLETE: '请填写发信服务器的{{field}}',
      MAIL_NOT_CONFIGURED: '尚未配置发信服务器（SMTP）',
      MAIL_AUTH_FAILED: '发信服务器拒绝了用户名或密码（{{detail}}）',
      MAIL_UNREACHABLE: '无法连接发信服务器，请检查地址、端口和加密方式（{{detail}}）',
      MAIL_REJECTED: '发信服务器拒收了该邮件（{{detail}}）',
      MAIL_FAILED: '邮件发送失败（{{detail}}）',
      JOB_NOT_RETRYABLE: '只有失败的任务可以重试（当前状态：{{state}}）',
    },
    validation: {
      invalid_time_zone: '{{field}}不是有效的 IANA 时区（例如 Asia/Shanghai）',
      invalid_host: '{{field}}不是有效的主机名',
    },
    fields: {
      businessName: '企业名称',
      defaultLocale: '默认语言',
      smtp: '发信服务器',
      host: '服务器地址',
      port: '端口',
      secure: '加密方式',
      user: '用户名',
      fromAddress: '发件地址',
      fromName: '发件人名称',
      to: '收件人',
      state: '状态',
    },
    entities: { job: '后台任务' },
    settings: {
      testMail: {
        subject: 'Kehu 客户：测试邮件',
        text: '这是一封来自 {{businessName}} 的测试邮件。收到它说明发信设置正确。',
      },
    },
  },
  en: {
    errors: {
      SETTINGS_SMTP_INCOMPLETE: 'Enter the mail server {{field}}',
      MAIL_NOT_CONFIGURED: 'No mail server (SMTP) is configured yet',
      MAIL_AUTH_FAILED: 'The mail server refused the user name or password ({{detail}})',
      MAIL_UNREACHABLE: 'Could not reach the mail server: check host, port and encryption ({{detail}})',
      MAIL_REJECTED: 'The mail server rejected the message ({{detail}})',
      MAIL_FAILED: 'Sending failed ({{detail}})',
      JOB_NOT_RETRYABLE: 'Only failed jobs can be retried (this one is {{state}})',
    },
    validation: {
      invalid_time_zone: '{{field}} is not an IANA time zone (such as Asia/Shanghai)',
      invalid_host: '{{field}} is not a valid host name',
    },
    fields: {
      businessName: 'Business name',
      defaultLocale: 'Default language',
      smtp: 'Mail server',
      host: 'Host',
      port: 'Port',
      secure: 'Encryption',
      user: 'User name',
      fromAddress: 'From address',
      fromName: 'From name',
      to: 'Recipient',
      state: 'State',
    },
    entities: { job: 'Background job' },
    settings: {
      testMail: {
        subject: 'Kehu: test message',
        text: 'This is a test message from {{businessName}}. If it arrived, mail is set up correctly.',
      },
    },
  },
});

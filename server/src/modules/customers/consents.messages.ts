import { registerMessages } from '../../platform/i18n/i18n.ts';

registerMessages({
  'zh-CN': {
    errors: {
      CONSENT_POLICY_TEXT_REQUIRED: '记录同意时请填写客户同意的内容（政策或告知文本）',
    },
    fields: {
      purpose: '用途',
      channel: '渠道',
      granted: '是否同意',
      policyText: '同意内容',
      policyVersion: '政策版本',
    },
  },
  en: {
    errors: {
      CONSENT_POLICY_TEXT_REQUIRED: 'Recording a consent needs the text the customer agreed to (policy or notice)',
    },
    fields: {
      purpose: 'Purpose',
      channel: 'Channel',
      granted: 'Granted',
      policyText: 'Consent text',
      policyVersion: 'Policy version',
    },
  },
});

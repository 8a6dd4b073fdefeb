import { registerMessages } from '../../platform/i18n/i18n.ts';

// Names of every scoring code (exports, timeline sentences) and the settings' validation messages.
registerMessages({
  'zh-CN': {
    validation: {
      cuts_not_ascending: '{{field}}的四个分界值须从小到大排列',
      abc_over_100: 'A 类与 B 类的收入占比之和不能超过 100%',
      active_after_dormant: '活跃天数不能大于沉睡天数',
      dormant_after_churned: '沉睡天数须小于流失天数',
    },
    fields: {
      windowDays: '统计窗口（天）',
      method: '打分方式',
      thresholds: '打分分界值',
      classBy: '八类划分依据',
      classThresholds: '八类划分阈值',
      activeDays: '活跃天数',
      dormantDays: '沉睡天数',
      churnedDays: '流失天数',
      newDays: '新客天数',
      loyalOrders: '忠诚订单数',
      loyalWindowDays: '忠诚统计窗口（天）',
    },
    entities: { scoringModel: '评分模型' },
  },
  en: {
    validation: {
      cuts_not_ascending: 'The four cut points of {{field}} must be in ascending order',
      abc_over_100: 'The revenue shares of A and B together cannot exceed 100 %',
      active_after_dormant: 'Active days cannot exceed dormant days',
      dormant_after_churned: 'Dormant days must be fewer than churned days',
    },
    fields: {
      windowDays: 'Window (days)',
      method: 'Scoring method',
      thresholds: 'Score cut points',
      classBy: 'Classes compared with',
      classThresholds: 'Class thresholds',
      activeDays: 'Active days',
      dormantDays: 'Dormant days',
      churnedDays: 'Churned days',
      newDays: 'New-customer days',
      loyalOrders: 'Loyal orders',
      loyalWindowDays: 'Loyalty window (days)',
    },
    entities: { scoringModel: 'scoring model' },
  },
});

import { registerMessages } from '../../platform/i18n/i18n.ts';

registerMessages({
  'zh-CN': {
    errors: {
      CUSTOMER_TAGS_TOO_MANY: '每位客户最多 {{max}} 个标签',
      CUSTOMER_TAG_ADD_AND_REMOVE: '标签“{{tag}}”不能同时添加和移除',
      TOUCHPOINT_REGION_UNKNOWN: '{{field}}不是有效的行政区划',
    },
    validation: {
      invalid_kinds: '{{field}}应为以逗号分隔的类型前缀，如 order,note',
      invalid_cursor: '{{field}}无效',
      invalid_tag: '{{field}}不能包含控制字符',
      invalid_color: '{{field}}应为 #RRGGBB 或预设颜色名',
      invalid_touchpoint_code: '{{field}}只能包含字母、数字、下划线、点和短横线（最多 50 个字符）',
    },
    fields: {
      text: '内容',
      add: '添加的标签',
      remove: '移除的标签',
      kinds: '类型',
      code: '编码',
      type: '类型',
      province: '省份',
      city: '城市',
      color: '颜色',
      isActive: '启用状态',
      days: '天数',
    },
    entities: { touchpoint: '触点', tag: '标签' },
  },
  en: {
    errors: {
      CUSTOMER_TAGS_TOO_MANY: 'A customer can have at most {{max}} tags',
      CUSTOMER_TAG_ADD_AND_REMOVE: 'The tag “{{tag}}” cannot be added and removed at once',
      TOUCHPOINT_REGION_UNKNOWN: '{{field}} is not a known administrative division',
    },
    validation: {
      invalid_kinds: '{{field}} must be comma-separated kind prefixes such as order,note',
      invalid_cursor: '{{field}} is not valid',
      invalid_tag: '{{field}} must not contain control characters',
      invalid_color: '{{field}} must be #RRGGBB or a preset colour name',
      invalid_touchpoint_code: '{{field}} may contain letters, digits, _ . - only (at most 50 characters)',
    },
    fields: {
      text: 'Text',
      add: 'Tags to add',
      remove: 'Tags to remove',
      kinds: 'Kinds',
      code: 'Code',
      type: 'Type',
      province: 'Province',
      city: 'City',
      color: 'Colour',
      isActive: 'Active',
      days: 'Days',
    },
    entities: { touchpoint: 'Touchpoint', tag: 'Tag' },
  },
});

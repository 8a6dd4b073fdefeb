import { registerMessages } from '../../platform/i18n/i18n.ts';

registerMessages({
  'zh-CN': {
    errors: {
      TRACKING_UNKNOWN_TOUCHPOINT: '触点不存在，请选择已登记的触点',
      TRACKING_UNKNOWN_FIELD: '「{{field}}」不是可映射的客户字段',
      TRACKING_WRITE_KEY_MISSING: '缺少写入密钥：请用 HTTP Basic 认证的用户名（密码留空）或请求体中的 writeKey 传入',
      TRACKING_WRITE_KEY_INVALID: '写入密钥无效、已过期或已撤销',
      TRACKING_SOURCE_DISABLED: '该数据源已停用',
      TRACKING_MALFORMED_JSON: '请求体不是有效的 JSON：{{reason}}',
      TRACKING_BAD_ENCODING: '无法解码请求体（Content-Encoding: {{encoding}}），仅支持 gzip',
      TRACKING_BODY_TOO_LARGE: '请求体超过 {{limit}} 字节的上限',
      TRACKING_BATCH_TOO_MANY: '一批包含 {{count}} 个事件，上限为 {{limit}} 个',
      TRACKING_BATCH_NOT_ARRAY: 'batch 必须是事件数组',
      TRACKING_EVENT_REFUSED: '事件被拒收：{{reason}}',
      TRACKING_OVERLOADED: '服务器繁忙，请在 {{retryAfterSeconds}} 秒后重试',
      TRACKING_RATE_LIMITED: '该数据源发送过快，请在 {{retryAfterSeconds}} 秒后重试',
    },
    fields: {
      writeKey: '写入密钥',
      batch: '事件批次',
      traitMapping: '属性映射',
      onMatch: '匹配后的处理',
      rateLimit: '速率上限',
      trait: '属性',
    },
    entities: { source: '数据源', writeKey: '写入密钥' },
    customerDependents: { events: '{{count}} 条行为事件' },
  },
  en: {
    errors: {
      TRACKING_UNKNOWN_TOUCHPOINT: 'The touchpoint does not exist; choose a registered touchpoint',
      TRACKING_UNKNOWN_FIELD: '“{{field}}” is not a customer field a trait can fill',
      TRACKING_WRITE_KEY_MISSING:
        'No write key: send it as the HTTP Basic user name (empty password) or as writeKey in the body',
      TRACKING_WRITE_KEY_INVALID: 'The write key is not valid, has expired or was revoked',
      TRACKING_SOURCE_DISABLED: 'This source is disabled',
      TRACKING_MALFORMED_JSON: 'The body is not valid JSON: {{reason}}',
      TRACKING_BAD_ENCODING: 'The body could not be decoded (Content-Encoding: {{encoding}}); only gzip is supported',
      TRACKING_BODY_TOO_LARGE: 'The body exceeds the limit of {{limit}} bytes',
      TRACKING_BATCH_TOO_MANY: 'The batch holds {{count}} events; the limit is {{limit}}',
      TRACKING_BATCH_NOT_ARRAY: 'batch must be an array of events',
      TRACKING_EVENT_REFUSED: 'The event was refused: {{reason}}',
      TRACKING_OVERLOADED: 'The server is busy; retry in {{retryAfterSeconds}} seconds',
      TRACKING_RATE_LIMITED: 'This source sends too fast; retry in {{retryAfterSeconds}} seconds',
    },
    fields: {
      writeKey: 'Write key',
      batch: 'Batch',
      traitMapping: 'Trait mapping',
      onMatch: 'On a match',
      rateLimit: 'Rate limit',
      trait: 'Trait',
    },
    entities: { source: 'Source', writeKey: 'Write key' },
    customerDependents: { events: '{{count}} tracked events' },
  },
});

import { registerMessages } from '../../platform/i18n/i18n.ts';

registerMessages({
  'zh-CN': {
    errors: {
      STAFF_ROLE_BUILT_IN: '内置角色不能修改或删除，可以复制为自定义角色后调整',
      STAFF_ROLE_IN_USE: '该角色仍有 {{count}} 位员工在使用，请先移除后再删除',
      STAFF_CANNOT_DEACTIVATE_SELF: '不能停用您自己的账号',
      STAFF_LAST_ADMINISTRATOR: '系统至少需要保留一位启用的管理员',
      STAFF_DEPARTMENT_CYCLE: '上级部门不能是该部门自身或其下级部门',
      STAFF_DEPARTMENT_NOT_EMPTY: '该部门下还有员工或子部门，不能删除',
      STAFF_EXCEEDS_OWN_PERMISSIONS: '不能授予或管理超出您自身权限的内容（{{permission}}）',
    },
    validation: { invalid_mobile: '{{field}}不是有效的手机号' },
    fields: { active: '启用状态', description: '描述', sortOrder: '排序', q: '搜索词', roleId: '角色' },
    entities: { user: '员工', role: '角色', department: '部门' },
    roles: {
      admin: '管理员',
      marketing: '市场营销',
      sales: '销售',
      online_sales: '网络销售',
      service_agent: '客服专员',
      service_manager: '客服主管',
      analyst: '数据分析师',
      read_only: '只读',
    },
  },
  en: {
    errors: {
      STAFF_ROLE_BUILT_IN: 'Built-in roles cannot be changed or deleted; copy one into a custom role instead',
      STAFF_ROLE_IN_USE: 'This role is still held by {{count}} users; remove it from them first',
      STAFF_CANNOT_DEACTIVATE_SELF: 'You cannot deactivate your own account',
      STAFF_LAST_ADMINISTRATOR: 'At least one active administrator must remain',
      STAFF_DEPARTMENT_CYCLE: 'A department cannot be placed under itself or one of its sub-departments',
      STAFF_DEPARTMENT_NOT_EMPTY: 'This department still has users or sub-departments',
      STAFF_EXCEEDS_OWN_PERMISSIONS: 'You cannot grant or manage what you may not do yourself ({{permission}})',
    },
    validation: { invalid_mobile: '{{field}} is not a valid mobile number' },
    fields: { active: 'Active', description: 'Description', sortOrder: 'Order', q: 'Search', roleId: 'Role' },
    entities: { user: 'User', role: 'Role', department: 'Department' },
    roles: {
      admin: 'Administrator',
      marketing: 'Marketing',
      sales: 'Sales',
      online_sales: 'Online sales',
      service_agent: 'Service agent',
      service_manager: 'Service manager',
      analyst: 'Analyst',
      read_only: 'Read-only',
    },
  },
});

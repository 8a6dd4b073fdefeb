import type { Locale } from '../../platform/i18n/i18n.ts';
import { translator } from '../../platform/i18n/i18n.ts';
import type { DepartmentRow, RoleRow, UserRow } from './staff.repository.ts';

/** What the API shows of users, roles and departments (built-in role names in the reader's language). */
export type UserRoleRef = { id: string; key: string | null; name: string };
export type User = {
  id: string;
  name: string;
  email: string;
  mobile: string | null;
  locale: Locale | null;
  department: { id: string; name: string } | null;
  roles: UserRoleRef[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
};
export type Role = {
  id: string;
  key: string | null;
  name: string;
  description: string | null;
  permissions: string[];
  isBuiltIn: boolean;
  userCount: number;
};
export type Department = { id: string; name: string; parentId: string | null; sortOrder: number; userCount: number };

export function roleName(role: { key: string | null; name: string }, locale: Locale): string {
  return role.key ? translator(locale)(`roles.${role.key}`, { defaultValue: role.name }) : role.name;
}

export function toUser(row: UserRow, locale: Locale): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    mobile: row.mobile,
    locale: row.locale === 'zh-CN' || row.locale === 'en' ? row.locale : null,
    department: row.department_id ? { id: row.department_id, name: row.department_name ?? '' } : null,
    roles: row.roles.map((r) => ({ id: r.id, key: r.key, name: roleName(r, locale) })),
    active: row.is_active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toRole(row: RoleRow, locale: Locale): Role {
  return {
    id: row.id,
    key: row.key,
    name: roleName(row, locale),
    description: row.description,
    permissions: [...row.permissions].sort(),
    isBuiltIn: row.is_built_in,
    userCount: row.user_count,
  };
}

export function toDepartment(row: DepartmentRow): Department {
  return {
    id: row.id,
    name: row.name,
    parentId: row.parent_id,
    sortOrder: row.sort_order,
    userCount: row.user_count,
  };
}

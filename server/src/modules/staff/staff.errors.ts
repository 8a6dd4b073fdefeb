import { DomainError } from '../../platform/http/errors.ts';
import './staff.messages.ts';

export type StaffErrorCode =
  | 'STAFF_ROLE_BUILT_IN'
  | 'STAFF_ROLE_IN_USE'
  | 'STAFF_CANNOT_DEACTIVATE_SELF'
  | 'STAFF_LAST_ADMINISTRATOR'
  | 'STAFF_DEPARTMENT_CYCLE'
  | 'STAFF_DEPARTMENT_NOT_EMPTY'
  | 'STAFF_EXCEEDS_OWN_PERMISSIONS';

export const staffErrors = {
  roleBuiltIn: () => new DomainError('conflict', 'STAFF_ROLE_BUILT_IN'),
  roleInUse: (count: number) => new DomainError('conflict', 'STAFF_ROLE_IN_USE', { count }),
  cannotDeactivateSelf: () => new DomainError('conflict', 'STAFF_CANNOT_DEACTIVATE_SELF', {}, 'active'),
  lastAdministrator: () => new DomainError('conflict', 'STAFF_LAST_ADMINISTRATOR'),
  departmentCycle: () => new DomainError('invalid', 'STAFF_DEPARTMENT_CYCLE', {}, 'parentId'),
  departmentNotEmpty: () => new DomainError('conflict', 'STAFF_DEPARTMENT_NOT_EMPTY'),
  exceedsOwnPermissions: (permission: string, field?: string) =>
    new DomainError('forbidden', 'STAFF_EXCEEDS_OWN_PERMISSIONS', { permission }, field),
} satisfies Record<string, (...args: never[]) => DomainError>;

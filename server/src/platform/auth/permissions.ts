/**
 * Permissions are `<module>.<action>`. The module list follows the SPEC's modules plus the
 * platform's own screens; the UI's navigation and the role editor are generated from it.
 */
export const permissionModules = [
  'customers',
  'orders',
  'ingest',
  'segments',
  'scoring',
  'messaging',
  'journeys',
  'service',
  'feedback',
  'loyalty',
  'privacy',
  'collaboration',
  'analytics',
  'leads',
  'staff',
  'audit',
  'settings',
] as const;
export type PermissionModule = (typeof permissionModules)[number];

export const permissionActions = ['view', 'create', 'edit', 'delete', 'export', 'reveal', 'manage'] as const;
export type PermissionAction = (typeof permissionActions)[number];

export type Permission = `${PermissionModule}.${PermissionAction}`;

export const allPermissions: Permission[] = permissionModules.flatMap((m) =>
  permissionActions.map((a) => `${m}.${a}` as Permission),
);

export function isPermission(value: string): value is Permission {
  return (allPermissions as string[]).includes(value);
}

const businessModules: PermissionModule[] = [
  'customers',
  'orders',
  'ingest',
  'segments',
  'scoring',
  'messaging',
  'journeys',
  'service',
  'feedback',
  'loyalty',
  'privacy',
  'collaboration',
  'analytics',
  'leads',
];

function grant(modules: PermissionModule[], actions: PermissionAction[]): Permission[] {
  return modules.flatMap((m) => actions.map((a) => `${m}.${a}` as Permission));
}

export const builtInRoleKeys = [
  'admin',
  'marketing',
  'sales',
  'online_sales',
  'service_agent',
  'service_manager',
  'analyst',
  'read_only',
] as const;
export type BuiltInRoleKey = (typeof builtInRoleKeys)[number];

const crud: PermissionAction[] = ['view', 'create', 'edit'];

/** What each built-in role may do. Administrators can copy one into a custom role and adjust it. */
export const builtInRoles: Record<BuiltInRoleKey, Permission[]> = {
  admin: allPermissions,
  marketing: [
    ...grant(['customers'], [...crud, 'export']),
    ...grant(['orders', 'scoring', 'analytics', 'leads', 'service'], ['view']),
    ...grant(['ingest', 'segments', 'messaging', 'journeys', 'loyalty'], [...crud, 'delete', 'export']),
    ...grant(['feedback', 'collaboration'], crud),
  ],
  sales: [
    ...grant(['customers', 'orders', 'leads', 'collaboration'], crud),
    ...grant(['customers', 'leads'], ['reveal']),
    ...grant(['segments', 'scoring', 'loyalty', 'analytics', 'feedback'], ['view']),
    ...grant(['service'], ['view', 'create']),
  ],
  online_sales: [
    ...grant(['leads'], [...crud, 'export']),
    ...grant(['customers', 'collaboration'], crud),
    ...grant(['customers', 'leads'], ['reveal']),
    ...grant(['orders', 'segments', 'scoring', 'loyalty', 'analytics'], ['view']),
    ...grant(['messaging'], ['view', 'create']),
  ],
  service_agent: [
    ...grant(['customers'], ['view', 'edit', 'reveal']),
    ...grant(['service', 'feedback', 'collaboration'], crud),
    ...grant(['orders', 'loyalty', 'scoring'], ['view']),
  ],
  service_manager: [
    ...grant(['customers'], ['view', 'edit', 'reveal', 'export']),
    ...grant(['service', 'feedback'], [...crud, 'delete', 'export', 'manage']),
    ...grant(['collaboration'], [...crud, 'delete']),
    ...grant(['orders', 'loyalty', 'scoring', 'segments', 'analytics'], ['view']),
  ],
  analyst: [
    ...grant(businessModules, ['view']),
    ...grant(['customers', 'orders', 'segments', 'scoring', 'analytics', 'feedback', 'service', 'loyalty'], ['export']),
    ...grant(['segments', 'analytics'], ['create', 'edit']),
  ],
  read_only: grant(businessModules, ['view']),
};

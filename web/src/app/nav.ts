/**
 * Every module of the SPEC, grouped as the left navigation shows them. A module that is not
 * built yet still has its place: its page says it is coming, what it will do and which issue
 * builds it. An item is shown only to users holding its permission.
 */
export type NavGroupKey =
  | 'customers'
  | 'segments'
  | 'engage'
  | 'service'
  | 'feedback'
  | 'loyalty'
  | 'leads'
  | 'collaboration'
  | 'analytics'
  | 'privacy'
  | 'admin';

export type NavItem = {
  /** i18n: `nav.items.<key>`, and `modules.<key>.description` for pages still to come */
  key: string;
  path: string;
  group: NavGroupKey;
  permission: string;
  /** The issue that builds a module not built yet (undefined: a later issue). */
  issue?: number;
  built?: boolean;
};

export const navGroups: NavGroupKey[] = [
  'customers',
  'segments',
  'engage',
  'service',
  'feedback',
  'loyalty',
  'leads',
  'collaboration',
  'analytics',
  'privacy',
  'admin',
];

export const navItems: NavItem[] = [
  { key: 'customers', path: '/customers', group: 'customers', permission: 'customers.view', issue: 4, built: true },
  {
    key: 'duplicates',
    path: '/customers/duplicates',
    group: 'customers',
    permission: 'customers.edit',
    issue: 5,
    built: true,
  },
  { key: 'sources', path: '/ingest/sources', group: 'customers', permission: 'ingest.view', issue: 5, built: true },
  { key: 'forms', path: '/ingest/forms', group: 'customers', permission: 'ingest.view', issue: 5, built: true },
  { key: 'imports', path: '/ingest/imports', group: 'customers', permission: 'ingest.view', issue: 5, built: true },
  { key: 'webhooks', path: '/ingest/webhooks', group: 'customers', permission: 'ingest.view', issue: 5, built: true },
  { key: 'touchpoints', path: '/touchpoints', group: 'customers', permission: 'customers.view', issue: 4, built: true },
  { key: 'orders', path: '/orders', group: 'customers', permission: 'orders.view', issue: 4, built: true },
  { key: 'products', path: '/products', group: 'customers', permission: 'orders.view', issue: 4, built: true },
  { key: 'segments', path: '/segments', group: 'segments', permission: 'segments.view', issue: 6, built: true },
  { key: 'grades', path: '/grades', group: 'segments', permission: 'scoring.view', issue: 6, built: true },
  { key: 'lifecycle', path: '/lifecycle', group: 'segments', permission: 'scoring.view', issue: 6, built: true },
  { key: 'campaigns', path: '/campaigns', group: 'engage', permission: 'messaging.view' },
  { key: 'journeys', path: '/journeys', group: 'engage', permission: 'journeys.view' },
  { key: 'templates', path: '/templates', group: 'engage', permission: 'messaging.view' },
  { key: 'tickets', path: '/tickets', group: 'service', permission: 'service.view' },
  { key: 'sla', path: '/sla', group: 'service', permission: 'service.view' },
  { key: 'surveys', path: '/surveys', group: 'feedback', permission: 'feedback.view' },
  { key: 'reviews', path: '/reviews', group: 'feedback', permission: 'feedback.view' },
  { key: 'members', path: '/loyalty/members', group: 'loyalty', permission: 'loyalty.view' },
  { key: 'points', path: '/loyalty/points', group: 'loyalty', permission: 'loyalty.view' },
  { key: 'coupons', path: '/loyalty/coupons', group: 'loyalty', permission: 'loyalty.view' },
  { key: 'rewards', path: '/loyalty/rewards', group: 'loyalty', permission: 'loyalty.view' },
  { key: 'events', path: '/loyalty/events', group: 'loyalty', permission: 'loyalty.view' },
  { key: 'leads', path: '/leads', group: 'leads', permission: 'leads.view' },
  { key: 'tasks', path: '/tasks', group: 'collaboration', permission: 'collaboration.view' },
  { key: 'dashboards', path: '/analytics/dashboards', group: 'analytics', permission: 'analytics.view' },
  { key: 'predictions', path: '/analytics/predictions', group: 'analytics', permission: 'analytics.view' },
  { key: 'journeyMaps', path: '/analytics/journey-maps', group: 'analytics', permission: 'analytics.view' },
  { key: 'consent', path: '/privacy/consent', group: 'privacy', permission: 'privacy.view' },
  { key: 'dataRequests', path: '/privacy/requests', group: 'privacy', permission: 'privacy.view' },
  { key: 'users', path: '/admin/users', group: 'admin', permission: 'staff.view', built: true },
  { key: 'roles', path: '/admin/roles', group: 'admin', permission: 'staff.view', built: true },
  { key: 'departments', path: '/admin/departments', group: 'admin', permission: 'staff.view', built: true },
  {
    key: 'customerAttributes',
    path: '/admin/customer-attributes',
    group: 'admin',
    permission: 'customers.manage',
    built: true,
  },
  { key: 'apiKeys', path: '/admin/api-keys', group: 'admin', permission: 'settings.manage', built: true },
  { key: 'audit', path: '/admin/audit', group: 'admin', permission: 'audit.view', built: true },
  { key: 'jobs', path: '/admin/jobs', group: 'admin', permission: 'settings.view', built: true },
  { key: 'settings', path: '/admin/settings', group: 'admin', permission: 'settings.view', built: true },
];

import type { ComponentType } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { ComingSoon } from '../components/ComingSoon';
import { NotFound } from '../components/NotFound';
import { RequirePermission } from '../components/RequirePermission';
import { LoginPage } from '../features/auth/LoginPage';
import { SetupPage } from '../features/auth/SetupPage';
import { ForgotPasswordPage } from '../features/auth/ForgotPasswordPage';
import { ResetPasswordPage } from '../features/auth/ResetPasswordPage';
import { HomePage } from '../features/home/HomePage';
import { UsersPage } from '../features/staff/UsersPage';
import { RolesPage } from '../features/staff/RolesPage';
import { DepartmentsPage } from '../features/staff/DepartmentsPage';
import { ApiKeysPage } from '../features/api-keys/ApiKeysPage';
import { AuditPage } from '../features/audit/AuditPage';
import { JobsPage } from '../features/jobs/JobsPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { TouchpointsPage } from '../features/touchpoints/TouchpointsPage';
import { CustomerAttributesPage } from '../features/customers/attributes/CustomerAttributesPage';
import { CustomersPage } from '../features/customers/CustomersPage';
import { CustomerPage } from '../features/customers/CustomerPage';
import { DuplicatesPage } from '../features/customers/duplicates/DuplicatesPage';
import { OrdersPage } from '../features/orders/OrdersPage';
import { ProductsPage } from '../features/orders/ProductsPage';
import { FormsPage } from '../features/forms/FormsPage';
import { SourcesPage } from '../features/sources/SourcesPage';
import { WebhooksPage } from '../features/webhooks/WebhooksPage';
import { ImportsPage } from '../features/imports/ImportsPage';
import { GradesPage } from '../features/scoring/GradesPage';
import { LifecyclePage } from '../features/scoring/LifecyclePage';
import { SegmentsPage } from '../features/segments/SegmentsPage';
import { SegmentPage } from '../features/segments/SegmentPage';
import { SegmentEditPage } from '../features/segments/SegmentEditPage';
import { ProtectedLayout } from './ProtectedLayout';
import { navItems } from './nav';

const builtPages: Record<string, ComponentType> = {
  webhooks: WebhooksPage,
  imports: ImportsPage,
  sources: SourcesPage,
  orders: OrdersPage,
  products: ProductsPage,
  customers: CustomersPage,
  duplicates: DuplicatesPage,
  users: UsersPage,
  roles: RolesPage,
  departments: DepartmentsPage,
  apiKeys: ApiKeysPage,
  audit: AuditPage,
  jobs: JobsPage,
  settings: SettingsPage,
  touchpoints: TouchpointsPage,
  customerAttributes: CustomerAttributesPage,
  forms: FormsPage,
  segments: SegmentsPage,
  grades: GradesPage,
  lifecycle: LifecyclePage,
};

const moduleRoutes: RouteObject[] = navItems.map((item) => {
  const Page = builtPages[item.key];
  return {
    path: item.path.slice(1),
    element: (
      <RequirePermission permission={item.permission}>{Page ? <Page /> : <ComingSoon item={item} />}</RequirePermission>
    ),
  };
});

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/setup', element: <SetupPage /> },
  { path: '/forgot-password', element: <ForgotPasswordPage /> },
  { path: '/reset-password', element: <ResetPasswordPage /> },
  {
    path: '/',
    element: <ProtectedLayout />,
    children: [
      { index: true, element: <HomePage /> },
      ...moduleRoutes,
      {
        path: 'customers/:id',
        element: (
          <RequirePermission permission="customers.view">
            <CustomerPage />
          </RequirePermission>
        ),
      },
      ...(
        [
          ['segments/new', 'segments.create', SegmentEditPage],
          ['segments/:id/edit', 'segments.edit', SegmentEditPage],
          ['segments/:id', 'segments.view', SegmentPage],
        ] as const
      ).map(([path, permission, Page]) => ({
        path,
        element: (
          <RequirePermission permission={permission}>
            <Page />
          </RequirePermission>
        ),
      })),
      { path: '*', element: <NotFound /> },
    ],
  },
]);

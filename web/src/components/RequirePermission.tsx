import type { ReactNode } from 'react';
import { useSession } from '../app/session';
import { Forbidden } from './Forbidden';

export function RequirePermission({ permission, children }: { permission: string; children: ReactNode }) {
  const { can } = useSession();
  return can(permission) ? <>{children}</> : <Forbidden permission={permission} />;
}

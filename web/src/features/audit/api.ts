import { useQuery } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { ResponseOf } from '../../api/types';

export type AuditPage = ResponseOf<'/api/v1/audit', 'get'>;
export type AuditEntry = AuditPage['items'][number];
export type AuditFilters = {
  action?: string;
  actorId?: string;
  entityType?: string;
  entityId?: string;
  outcome?: 'success' | 'failure' | 'denied';
  from?: string;
  to?: string;
  limit?: number;
};

export function useAudit(filters: AuditFilters, cursor: string | null) {
  return useQuery({
    queryKey: ['audit', filters, cursor],
    queryFn: () =>
      call(() => client.GET('/api/v1/audit', { params: { query: { ...filters, cursor: cursor ?? undefined } } })),
    placeholderData: (prev) => prev,
  });
}

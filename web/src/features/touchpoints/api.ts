import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../api/types';

export type Touchpoint = ResponseOf<'/api/v1/touchpoints', 'get'>['items'][number];
export type TouchpointFilters = QueryOf<'/api/v1/touchpoints', 'get'>;
export type TouchpointBody = BodyOf<'/api/v1/touchpoints', 'post'>;
export type TouchpointType = TouchpointBody['type'];
export type TouchpointActivity = ResponseOf<'/api/v1/touchpoints/{id}/activity', 'get'>;

export const touchpointTypes: TouchpointType[] = [
  'store',
  'after_sales',
  'event',
  'website',
  'wechat_official_account',
  'mini_program',
  'ecommerce_store',
  'email',
  'other',
];
const offlineTypes = new Set<string>(['store', 'after_sales', 'event']);
/** The channel a type belongs to (the server derives it the same way). */
export const channelOfType = (type: string): 'online' | 'offline' => (offlineTypes.has(type) ? 'offline' : 'online');

// Everything under ['touchpoints'] so the customer screens' touchpoint picker refreshes too.
export const touchpointKeys = {
  all: ['touchpoints'] as const,
  list: (filters: TouchpointFilters) => ['touchpoints', 'registry', filters] as const,
  activity: (id: string, days: number) => ['touchpoints', 'activity', id, days] as const,
};

export function useTouchpointRegistry(filters: TouchpointFilters) {
  return useQuery({
    queryKey: touchpointKeys.list(filters),
    queryFn: () => call(() => client.GET('/api/v1/touchpoints', { params: { query: filters } })),
    select: (d) => d.items,
    placeholderData: keepPreviousData,
  });
}

export function useTouchpointActivity(id: string | null, days: number) {
  return useQuery({
    queryKey: touchpointKeys.activity(id ?? '', days),
    queryFn: () =>
      call(() =>
        client.GET('/api/v1/touchpoints/{id}/activity', { params: { path: { id: id ?? '' }, query: { days } } }),
      ),
    enabled: !!id,
  });
}

export function useSaveTouchpoint() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: TouchpointBody | Partial<TouchpointBody> }) =>
      id
        ? call(() => client.PATCH('/api/v1/touchpoints/{id}', { params: { path: { id } }, body }))
        : call(() => client.POST('/api/v1/touchpoints', { body: body as TouchpointBody })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: touchpointKeys.all }),
  });
}

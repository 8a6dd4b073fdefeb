import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../api/types';

export type Connection = ResponseOf<'/api/v1/webhook-connections', 'get'>['items'][number];
export type CreateConnectionBody = BodyOf<'/api/v1/webhook-connections', 'post'>;
export type UpdateConnectionBody = BodyOf<'/api/v1/webhook-connections/{id}', 'patch'>;
export type Delivery = ResponseOf<'/api/v1/webhook-connections/{id}/deliveries', 'get'>['items'][number];
export type DeliveryQuery = QueryOf<'/api/v1/webhook-connections/{id}/deliveries', 'get'>;
export type DeliveryOutcome = Delivery['outcome'];
export const deliveryOutcomes: DeliveryOutcome[] = ['processed', 'duplicate', 'ignored', 'failed'];

// the log lives under its connection's key, so refreshing a connection refreshes its log too
export const webhookKeys = {
  all: ['webhook-connections'] as const,
  deliveries: (id: string, query: DeliveryQuery, cursor: string | null) =>
    ['webhook-connections', id, 'deliveries', query, cursor] as const,
};

export function useConnections() {
  return useQuery({
    queryKey: webhookKeys.all,
    queryFn: () => call(() => client.GET('/api/v1/webhook-connections')),
    select: (d) => d.items,
  });
}

export function useDeliveries(id: string | null, query: DeliveryQuery, cursor: string | null) {
  return useQuery({
    queryKey: webhookKeys.deliveries(id ?? '', query, cursor),
    queryFn: () =>
      call(() =>
        client.GET('/api/v1/webhook-connections/{id}/deliveries', {
          params: { path: { id: id ?? '' }, query: { ...query, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    enabled: !!id,
    placeholderData: keepPreviousData,
  });
}

export function useCreateConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateConnectionBody) => call(() => client.POST('/api/v1/webhook-connections', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useUpdateConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateConnectionBody }) =>
      call(() => client.PATCH('/api/v1/webhook-connections/{id}', { params: { path: { id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useRegenerateSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(() => client.POST('/api/v1/webhook-connections/{id}/secret', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useDeleteConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(() => client.DELETE('/api/v1/webhook-connections/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

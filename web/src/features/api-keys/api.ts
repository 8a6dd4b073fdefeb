import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { BodyOf, ResponseOf } from '../../api/types';

export type ApiKey = ResponseOf<'/api/v1/api-keys', 'get'>['items'][number];
export type CreateApiKeyBody = BodyOf<'/api/v1/api-keys', 'post'>;

const keys = { list: ['api-keys'] as const };

export function useApiKeys() {
  return useQuery({
    queryKey: keys.list,
    queryFn: () => call(() => client.GET('/api/v1/api-keys')),
    select: (d) => d.items,
  });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApiKeyBody) => call(() => client.POST('/api/v1/api-keys', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.list }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(() => client.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.list }),
  });
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client, request } from '../../../api/client';
import type { BodyOf, ResponseOf } from '../../../api/types';

export const attributeTypes = ['text', 'number', 'date', 'choice', 'multi_choice'] as const;
export type AttributeType = (typeof attributeTypes)[number];
export type AttributeOption = { value: string; label: string };
export type AttributeDefinition = {
  id: string;
  key: string;
  label: string;
  description: string | null;
  type: AttributeType;
  options: AttributeOption[];
  isRequired: boolean;
  sortOrder: number;
};
export type CreateAttributeBody = Omit<AttributeDefinition, 'id'>;
/** `key` and `type` are fixed once values exist under them. */
export type UpdateAttributeBody = Partial<Omit<AttributeDefinition, 'id' | 'key' | 'type'>>;

export type CustomerTag = ResponseOf<'/api/v1/customer-tags', 'get'>['items'][number];
export type CreateTagBody = BodyOf<'/api/v1/customer-tags', 'post'>;

// The same keys the customer screens read, so a change here shows up in their forms and pickers.
export const adminKeys = {
  attributes: ['customer-attributes'] as const,
  tags: ['customer-tags'] as const,
};

export function useAttributes() {
  return useQuery({
    queryKey: adminKeys.attributes,
    queryFn: () => request<{ items: AttributeDefinition[] }>('GET', '/api/v1/customer-attributes'),
    select: (d) => [...d.items].sort((a, b) => a.sortOrder - b.sortOrder || a.label.localeCompare(b.label)),
  });
}

function useInvalidating<V, R>(key: readonly string[], fn: (v: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}

export const useSaveAttribute = () =>
  useInvalidating(
    adminKeys.attributes,
    ({ id, body }: { id?: string; body: CreateAttributeBody | UpdateAttributeBody }) =>
      id
        ? request<AttributeDefinition>('PATCH', `/api/v1/customer-attributes/${encodeURIComponent(id)}`, { body })
        : request<AttributeDefinition>('POST', '/api/v1/customer-attributes', { body }),
  );
export const useDeleteAttribute = () =>
  useInvalidating(adminKeys.attributes, (id: string) =>
    request<void>('DELETE', `/api/v1/customer-attributes/${encodeURIComponent(id)}`),
  );

export function useTags() {
  return useQuery({
    queryKey: adminKeys.tags,
    queryFn: () => call(() => client.GET('/api/v1/customer-tags')),
    select: (d) => d.items,
  });
}
export const useCreateTag = () =>
  useInvalidating(adminKeys.tags, (body: CreateTagBody) => call(() => client.POST('/api/v1/customer-tags', { body })));
/** Deleting a tag also takes it off customers, so their lists and pages refresh too. */
export function useDeleteTag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      call(() => client.DELETE('/api/v1/customer-tags/{name}', { params: { path: { name } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: adminKeys.tags });
      await queryClient.invalidateQueries({ queryKey: ['customers'] });
    },
  });
}

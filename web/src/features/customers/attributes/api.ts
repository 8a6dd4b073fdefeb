import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../api/client';
import type { BodyOf, ResponseOf } from '../../../api/types';

export type AttributeDefinition = ResponseOf<'/api/v1/customer-attributes', 'get'>['items'][number];
export type AttributeType = AttributeDefinition['type'];
export type AttributeOption = AttributeDefinition['options'][number];
export type CreateAttributeBody = BodyOf<'/api/v1/customer-attributes', 'post'>;
/** `key` and `type` are fixed once values exist under them. */
export type UpdateAttributeBody = BodyOf<'/api/v1/customer-attributes/{id}', 'patch'>;
export const attributeTypes: AttributeType[] = ['text', 'number', 'date', 'choice', 'multi_choice'];

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
    queryFn: () => call(() => client.GET('/api/v1/customer-attributes')),
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
        ? call(() => client.PATCH('/api/v1/customer-attributes/{id}', { params: { path: { id } }, body }))
        : call(() => client.POST('/api/v1/customer-attributes', { body: body as CreateAttributeBody })),
  );
export const useDeleteAttribute = () =>
  useInvalidating(adminKeys.attributes, (id: string) =>
    call(() => client.DELETE('/api/v1/customer-attributes/{id}', { params: { path: { id } } })),
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

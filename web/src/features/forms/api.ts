import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { BodyOf, ResponseOf } from '../../api/types';

export type Form = ResponseOf<'/api/v1/forms/{id}', 'get'>;
export type FormBody = BodyOf<'/api/v1/forms', 'post'>;
export type FormPatch = BodyOf<'/api/v1/forms/{id}', 'patch'>;
export type FormField = Form['fields'][number];
export type FormConsent = Form['consents'][number];
export type FormStatus = Form['status'];
export type Localized = Form['title'];
export type FieldOptions = ResponseOf<'/api/v1/forms/field-options', 'get'>;
export type FieldAttribute = FieldOptions['attributes'][number];
export type Submission = ResponseOf<'/api/v1/forms/{id}/submissions', 'get'>['items'][number];
export type ConsentPurpose = FormConsent['purpose'];
export type ConsentChannel = FormConsent['channel'];

export const formKeys = {
  all: ['forms'] as const,
  list: ['forms', 'list'] as const,
  options: ['forms', 'field-options'] as const,
  submissions: (id: string, reveal: boolean) => ['forms', 'submissions', id, reveal] as const,
};

export function useForms() {
  return useQuery({
    queryKey: formKeys.list,
    queryFn: () => call(() => client.GET('/api/v1/forms')),
    select: (d) => d.items,
  });
}

export function useFieldOptions() {
  return useQuery({
    queryKey: formKeys.options,
    queryFn: () => call(() => client.GET('/api/v1/forms/field-options')),
    staleTime: 60_000,
  });
}

export function useSubmissions(id: string | null, reveal: boolean) {
  return useInfiniteQuery({
    queryKey: formKeys.submissions(id ?? '', reveal),
    queryFn: ({ pageParam }) =>
      call(() =>
        client.GET('/api/v1/forms/{id}/submissions', {
          params: {
            path: { id: id ?? '' },
            query: { limit: 50, cursor: pageParam ?? undefined, reveal: reveal ? 'true' : undefined },
          },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: !!id,
  });
}

export function useSaveForm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: FormPatch }) =>
      id
        ? call(() => client.PATCH('/api/v1/forms/{id}', { params: { path: { id } }, body }))
        : call(() => client.POST('/api/v1/forms', { body: body as FormBody })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: formKeys.all }),
  });
}

export function useDeleteForm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(() => client.DELETE('/api/v1/forms/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: formKeys.all }),
  });
}

/** The public page's address on this server (the API gives the path; the browser knows the origin). */
export const publicUrlOf = (form: Pick<Form, 'path'>) => `${window.location.origin}${form.path}`;

/** The two ways to put a form on another site. */
export function embedSnippets(form: Pick<Form, 'slug' | 'path' | 'name'>) {
  const origin = window.location.origin;
  const title = form.name.replace(/"/g, '&quot;');
  return {
    script: `<script src="${origin}/f/embed.js" data-kehu-form="${form.slug}" data-title="${title}" async></script>`,
    iframe: `<iframe src="${origin}${form.path}?embed=1" title="${title}" style="width:100%;min-height:640px;border:0" loading="lazy"></iframe>`,
  };
}

import type { paths } from './schema';

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON body a route answers with on success (200, 201 or 202), from the generated OpenAPI types. */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: infer OK }
    ? Json<OK>
    : R extends { 201: infer Created }
      ? Json<Created>
      : R extends { 202: infer Accepted }
        ? Json<Accepted>
        : never
  : never;

/** The JSON request body of a route. */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: infer B;
}
  ? Json<NonNullable<B>>
  : never;

/** The query parameters of a route. */
export type QueryOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;

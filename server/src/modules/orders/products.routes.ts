import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, Money, PageQuery } from '../../platform/http/schemas.ts';
import type { ProductsService } from './products.service.ts';

const Sku = z.string().trim().min(1).max(64);

export const ProductDto = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  category: z.object({ id: z.string(), name: z.string() }).nullable(),
  price: z.string(),
  isActive: z.boolean(),
  createdAt: z.iso.datetime(),
});
export const ProductCategoryDto = z.object({
  id: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  sortOrder: z.number().int(),
  productCount: z.number().int(),
});

export const ListProductsQuery = z.strictObject({
  search: z.string().trim().min(1).max(100).optional(),
  categoryId: z.uuid().optional(),
  isActive: z.enum(['true', 'false']).optional(),
  ...PageQuery,
});
export const CreateProductBody = z.strictObject({
  sku: Sku,
  name: z.string().trim().min(1).max(200),
  categoryId: z.uuid().nullable().optional(),
  price: Money,
  isActive: z.boolean().optional(),
});
export const UpdateProductBody = CreateProductBody.partial();
export const CreateCategoryBody = z.strictObject({
  name: z.string().trim().min(1).max(50),
  parentId: z.uuid().nullable().optional(),
  sortOrder: z.number().int().min(0).max(1_000_000).optional(),
});
export const UpdateCategoryBody = CreateCategoryBody.partial();
const IdParams = z.strictObject({ id: z.uuid() });

export function productsRoutes(products: ProductsService): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    let tags = ['products'];

    app.get(
      '/products',
      {
        config: { access: 'orders.view' },
        schema: {
          tags,
          summary: 'Products by name; search matches SKU or name, a category takes in its sub-categories',
          querystring: ListProductsQuery,
          response: {
            200: z.object({ items: z.array(ProductDto), nextCursor: z.string().nullable() }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const { isActive, ...rest } = request.query;
        return products.list({ ...rest, isActive: isActive === undefined ? undefined : isActive === 'true' });
      },
    );
    app.post(
      '/products',
      {
        config: { access: 'orders.manage' },
        schema: { tags, body: CreateProductBody, response: { 201: ProductDto, ...errorResponses } },
      },
      async (request, reply) => reply.status(201).send(await products.create(request, request.body)),
    );
    app.get(
      '/products/:id',
      {
        config: { access: 'orders.view' },
        schema: { tags, params: IdParams, response: { 200: ProductDto, ...errorResponses } },
      },
      async (request) => products.get(request.params.id),
    );
    app.patch(
      '/products/:id',
      {
        config: { access: 'orders.manage' },
        schema: { tags, params: IdParams, body: UpdateProductBody, response: { 200: ProductDto, ...errorResponses } },
      },
      async (request) => products.update(request, request.params.id, request.body),
    );

    tags = ['product-categories'];
    app.get(
      '/product-categories',
      {
        config: { access: 'orders.view' },
        schema: {
          tags,
          summary: 'The whole category tree, flat (parentId links), with direct product counts',
          response: { 200: z.object({ items: z.array(ProductCategoryDto) }), ...errorResponses },
        },
      },
      async () => ({ items: await products.listCategories() }),
    );
    app.post(
      '/product-categories',
      {
        config: { access: 'orders.manage' },
        schema: { tags, body: CreateCategoryBody, response: { 201: ProductCategoryDto, ...errorResponses } },
      },
      async (request, reply) => reply.status(201).send(await products.createCategory(request, request.body)),
    );
    app.patch(
      '/product-categories/:id',
      {
        config: { access: 'orders.manage' },
        schema: {
          tags,
          params: IdParams,
          body: UpdateCategoryBody,
          response: { 200: ProductCategoryDto, ...errorResponses },
        },
      },
      async (request) => products.updateCategory(request, request.params.id, request.body),
    );
    app.delete(
      '/product-categories/:id',
      {
        config: { access: 'orders.manage' },
        schema: {
          tags,
          summary: 'Delete an empty category (no sub-categories, no products)',
          params: IdParams,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await products.deleteCategory(request, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}

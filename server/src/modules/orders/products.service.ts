import type { FastifyRequest } from 'fastify';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Db } from '../../platform/db/db.ts';
import { commonErrors } from '../../platform/http/errors.ts';
import { toCategory, toProduct, type Product, type ProductCategory } from './orders.dto.ts';
import { ordersErrors } from './orders.errors.ts';
import { productsRepository as repo, type ProductFilter } from './products.repository.ts';

export type ListProductsInput = Omit<ProductFilter, 'after'> & { cursor?: string };
export type ProductPage = { items: Product[]; nextCursor: string | null };
export type CreateProductInput = {
  sku: string;
  name: string;
  categoryId?: string | null;
  price: string;
  isActive?: boolean;
};
export type UpdateProductInput = Partial<CreateProductInput>;
export type CreateCategoryInput = { name: string; parentId?: string | null; sortOrder?: number };
export type UpdateCategoryInput = Partial<CreateCategoryInput>;

function encodeCursor(name: string, id: string): string {
  return Buffer.from(JSON.stringify([name, id])).toString('base64url');
}
function decodeCursor(cursor: string): { name: string; id: string } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      const [name, id] = value as [string, string];
      if (/^[0-9a-f-]{36}$/i.test(id)) return { name, id };
    }
  } catch {
    // fall through
  }
  return null;
}

export type ProductsService = ReturnType<typeof createProductsService>;

/** The catalogue: products by SKU and the category tree they hang in. */
export function createProductsService(deps: { db: Db; audit: AuditLog; now: () => Date }) {
  const { db, audit, now } = deps;

  async function get(id: string): Promise<Product> {
    const row = await repo.findProduct(db, id);
    if (!row) throw commonErrors.notFound('product');
    return toProduct(row);
  }

  async function getCategory(id: string): Promise<ProductCategory> {
    const row = await repo.findCategory(db, id);
    if (!row) throw commonErrors.notFound('productCategory');
    return toCategory(row);
  }

  return {
    get,

    async list(input: ListProductsInput): Promise<ProductPage> {
      const after = input.cursor ? decodeCursor(input.cursor) : undefined;
      if (after === null) throw commonErrors.referenceMissing('cursor');
      const rows = await repo.listProducts(db, { ...input, after, limit: input.limit + 1 });
      const page = rows.slice(0, input.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(toProduct),
        nextCursor: rows.length > input.limit && last ? encodeCursor(last.name, last.id) : null,
      };
    },

    async create(request: FastifyRequest, input: CreateProductInput): Promise<Product> {
      const id = await db.transaction(async (tx) => {
        const productId = await repo.insertProduct(tx, {
          sku: input.sku,
          name: input.name,
          categoryId: input.categoryId ?? null,
          price: input.price,
          isActive: input.isActive ?? true,
          at: now(),
        });
        await audit.recordRequest(
          request,
          { action: 'product.created', entityType: 'product', entityId: productId, details: { sku: input.sku } },
          tx,
        );
        return productId;
      });
      return get(id);
    },

    async update(request: FastifyRequest, id: string, input: UpdateProductInput): Promise<Product> {
      await db.transaction(async (tx) => {
        if (!(await repo.updateProduct(tx, id, input, now()))) throw commonErrors.notFound('product');
        await audit.recordRequest(
          request,
          { action: 'product.updated', entityType: 'product', entityId: id, details: { fields: Object.keys(input) } },
          tx,
        );
      });
      return get(id);
    },

    async listCategories(): Promise<ProductCategory[]> {
      return (await repo.listCategories(db)).map(toCategory);
    },

    async createCategory(request: FastifyRequest, input: CreateCategoryInput): Promise<ProductCategory> {
      const id = await db.transaction(async (tx) => {
        const categoryId = await repo.insertCategory(tx, {
          name: input.name,
          parentId: input.parentId ?? null,
          sortOrder: input.sortOrder ?? 0,
          at: now(),
        });
        await audit.recordRequest(
          request,
          { action: 'product_category.created', entityType: 'product_category', entityId: categoryId },
          tx,
        );
        return categoryId;
      });
      return getCategory(id);
    },

    async updateCategory(request: FastifyRequest, id: string, input: UpdateCategoryInput): Promise<ProductCategory> {
      await db.transaction(async (tx) => {
        if (!(await repo.findCategory(tx, id))) throw commonErrors.notFound('productCategory');
        if (input.parentId && (await repo.isWithin(tx, input.parentId, id))) throw ordersErrors.categoryCycle();
        await repo.updateCategory(tx, id, input);
        await audit.recordRequest(
          request,
          {
            action: 'product_category.updated',
            entityType: 'product_category',
            entityId: id,
            details: { fields: Object.keys(input) },
          },
          tx,
        );
      });
      return getCategory(id);
    },

    async deleteCategory(request: FastifyRequest, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        if (!(await repo.findCategory(tx, id))) throw commonErrors.notFound('productCategory');
        const usage = await repo.categoryUsage(tx, id);
        if (usage.children || usage.products) throw ordersErrors.categoryNotEmpty(usage.children, usage.products);
        await repo.deleteCategory(tx, id);
        await audit.recordRequest(
          request,
          { action: 'product_category.deleted', entityType: 'product_category', entityId: id },
          tx,
        );
      });
    },
  };
}

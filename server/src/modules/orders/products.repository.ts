import type { Queryable } from '../../platform/db/db.ts';
import { pgErrorCode } from '../../platform/db/db.ts';
import { commonErrors } from '../../platform/http/errors.ts';

/** SQL for products and product_categories, and nothing else. */

export type ProductRow = {
  id: string;
  sku: string;
  name: string;
  category_id: string | null;
  category_name: string | null;
  price: string;
  is_active: boolean;
  created_at: Date;
};

export type CategoryRow = {
  id: string;
  name: string;
  parent_id: string | null;
  sort_order: number;
  product_count: number;
};

export type ProductRef = { id: string; sku: string; name: string };

export type ProductFilter = {
  search?: string;
  categoryId?: string;
  isActive?: boolean;
  after?: { name: string; id: string };
  limit: number;
};

const productSelect = `
  select p.id, p.sku, p.name, p.category_id, c.name as category_name, p.price, p.is_active, p.created_at
    from products p left join product_categories c on c.id = p.category_id`;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, '\\$&');
}

/** Unique and foreign-key violations become the field errors the API promises. */
async function mapProductErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const code = pgErrorCode(err);
    const constraint = (err as { constraint?: string }).constraint ?? '';
    if (code === '23505' && constraint.startsWith('products_')) throw commonErrors.duplicate('sku');
    if (code === '23505' && constraint.startsWith('product_categories_')) throw commonErrors.duplicate('name');
    if (code === '23503' && constraint.includes('category_id')) throw commonErrors.referenceMissing('categoryId');
    if (code === '23503' && constraint.includes('parent_id')) throw commonErrors.referenceMissing('parentId');
    throw err;
  }
}

export const productsRepository = {
  /**
   * Resolves an order's products in one statement: those named by id, those named by SKU, and
   * a new product for each unknown SKU that comes with a name (`wanted` holds one row per SKU).
   * A SKU another transaction creates at the same moment is absent here; the caller re-reads it.
   */
  async resolveForOrder(
    q: Queryable,
    ids: string[],
    wanted: { sku: string; name: string | null; price: string }[],
  ): Promise<ProductRef[]> {
    const sorted = [...wanted].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
    return q.query<ProductRef>(
      `with want(sku, name, price) as (select * from unnest($1::text[], $2::text[], $3::numeric[])),
       ins as (
         insert into products (sku, name, price)
         select w.sku, w.name, w.price from want w
          where w.name is not null and not exists (select 1 from products p where p.sku = w.sku)
         on conflict (sku) do nothing
         returning id, sku, name
       )
       select id, sku, name from products where sku = any($1::text[]) or id = any($4::uuid[])
       union all
       select id, sku, name from ins`,
      [sorted.map((w) => w.sku), sorted.map((w) => w.name), sorted.map((w) => w.price), ids],
    );
  },

  async findBySkus(q: Queryable, skus: string[]): Promise<ProductRef[]> {
    return q.query<ProductRef>('select id, sku, name from products where sku = any($1::text[])', [skus]);
  },

  async findProduct(q: Queryable, id: string): Promise<ProductRow | null> {
    const rows = await q.query<ProductRow>(`${productSelect} where p.id = $1`, [id]);
    return rows[0] ?? null;
  },

  /** By name then id; a category filter takes in its whole subtree. */
  async listProducts(q: Queryable, f: ProductFilter): Promise<ProductRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const next = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    let prefix = '';
    if (f.search) {
      const exact = next(f.search);
      const like = next(`%${escapeLike(f.search)}%`);
      where.push(`(p.sku = ${exact} or p.name ilike ${like} or p.sku ilike ${like})`);
    }
    if (f.categoryId) {
      prefix = `with recursive tree(id) as (
                  select id from product_categories where id = ${next(f.categoryId)}
                  union all
                  select c.id from product_categories c join tree t on c.parent_id = t.id)`;
      where.push('p.category_id in (select id from tree)');
    }
    if (f.isActive !== undefined) where.push(`p.is_active = ${next(f.isActive)}`);
    if (f.after) where.push(`(p.name, p.id) > (${next(f.after.name)}, ${next(f.after.id)}::uuid)`);
    const limit = next(f.limit);
    return q.query<ProductRow>(
      `${prefix} ${productSelect} ${where.length ? `where ${where.join(' and ')}` : ''}
       order by p.name, p.id limit ${limit}`,
      params,
    );
  },

  async insertProduct(
    q: Queryable,
    p: { sku: string; name: string; categoryId: string | null; price: string; isActive: boolean; at: Date },
  ): Promise<string> {
    const [row] = await mapProductErrors(
      q.query<{ id: string }>(
        `insert into products (sku, name, category_id, price, is_active, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $6) returning id`,
        [p.sku, p.name, p.categoryId, p.price, p.isActive, p.at],
      ),
    );
    return row.id;
  },

  async updateProduct(
    q: Queryable,
    id: string,
    p: Partial<{ sku: string; name: string; categoryId: string | null; price: string; isActive: boolean }>,
    at: Date,
  ): Promise<boolean> {
    const columns: Record<string, unknown> = {
      sku: p.sku,
      name: p.name,
      category_id: p.categoryId,
      price: p.price,
      is_active: p.isActive,
    };
    const sets: string[] = [];
    const params: unknown[] = [id, at];
    for (const [column, value] of Object.entries(columns)) {
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
    const rows = await mapProductErrors(
      q.query(`update products set ${[...sets, 'updated_at = $2'].join(', ')} where id = $1 returning id`, params),
    );
    return rows.length > 0;
  },

  // ── categories ─────────────────────────────────────────────────────────────────────────
  async listCategories(q: Queryable): Promise<CategoryRow[]> {
    return q.query<CategoryRow>(
      `select c.id, c.name, c.parent_id, c.sort_order,
              (select count(*)::int from products p where p.category_id = c.id) as product_count
         from product_categories c order by c.sort_order, c.name, c.id`,
    );
  },

  async findCategory(q: Queryable, id: string): Promise<CategoryRow | null> {
    const rows = await q.query<CategoryRow>(
      `select c.id, c.name, c.parent_id, c.sort_order,
              (select count(*)::int from products p where p.category_id = c.id) as product_count
         from product_categories c where c.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  },

  /** True when `ancestorId` is `id` itself or lies above it. */
  async isWithin(q: Queryable, id: string, ancestorId: string): Promise<boolean> {
    const rows = await q.query(
      `with recursive up(id, parent_id) as (
         select id, parent_id from product_categories where id = $1
         union all
         select c.id, c.parent_id from product_categories c join up on c.id = up.parent_id)
       select 1 from up where id = $2 limit 1`,
      [id, ancestorId],
    );
    return rows.length > 0;
  },

  async insertCategory(
    q: Queryable,
    c: { name: string; parentId: string | null; sortOrder: number; at: Date },
  ): Promise<string> {
    const [row] = await mapProductErrors(
      q.query<{ id: string }>(
        `insert into product_categories (name, parent_id, sort_order, created_at) values ($1, $2, $3, $4) returning id`,
        [c.name, c.parentId, c.sortOrder, c.at],
      ),
    );
    return row.id;
  },

  async updateCategory(
    q: Queryable,
    id: string,
    c: Partial<{ name: string; parentId: string | null; sortOrder: number }>,
  ): Promise<void> {
    const columns: Record<string, unknown> = { name: c.name, parent_id: c.parentId, sort_order: c.sortOrder };
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [column, value] of Object.entries(columns)) {
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
    if (sets.length === 0) return;
    await mapProductErrors(q.query(`update product_categories set ${sets.join(', ')} where id = $1`, params));
  },

  async categoryUsage(q: Queryable, id: string): Promise<{ children: number; products: number }> {
    const [r] = await q.query<{ children: number; products: number }>(
      `select (select count(*)::int from product_categories where parent_id = $1) as children,
              (select count(*)::int from products where category_id = $1) as products`,
      [id],
    );
    return r;
  },

  async deleteCategory(q: Queryable, id: string): Promise<void> {
    await q.query('delete from product_categories where id = $1', [id]);
  },
};

import type { ProductCategory } from './api';

export type CategoryNode = {
  key: string;
  value: string;
  title: string;
  category: ProductCategory;
  /** Products in this category and every category below it. */
  total: number;
  children: CategoryNode[];
};

/** The flat category list as a tree (for Tree and TreeSelect), siblings in their sort order. */
export function buildCategoryTree(all: ProductCategory[]): CategoryNode[] {
  const byParent = new Map<string | null, ProductCategory[]>();
  for (const c of all) {
    const list = byParent.get(c.parentId) ?? [];
    list.push(c);
    byParent.set(c.parentId, list);
  }
  const build = (parentId: string | null): CategoryNode[] =>
    (byParent.get(parentId) ?? [])
      .sort((a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name))
      .map((c) => {
        const children = build(c.id);
        return {
          key: c.id,
          value: c.id,
          title: c.name,
          category: c,
          total: c.productCount + children.reduce((n, ch) => n + ch.total, 0),
          children,
        };
      });
  return build(null);
}

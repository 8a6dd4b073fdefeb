import type { Department } from './api';

export type DeptNode = { key: string; value: string; title: string; dept: Department; children: DeptNode[] };

/** Flat rows → a tree ordered by name; orphans (parent deleted) become roots. */
export function buildDepartmentTree(items: Department[]): DeptNode[] {
  const nodes = new Map<string, DeptNode>();
  for (const d of items) nodes.set(d.id, { key: d.id, value: d.id, title: d.name, dept: d, children: [] });
  const roots: DeptNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.dept.parentId ? nodes.get(node.dept.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: DeptNode[]) => {
    list.sort((a, b) => a.title.localeCompare(b.title));
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

/** The ids of a department and everything below it (a department cannot move under itself). */
export function descendantIds(items: Department[], id: string): Set<string> {
  const result = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of items) {
      if (d.parentId && result.has(d.parentId) && !result.has(d.id)) {
        result.add(d.id);
        grew = true;
      }
    }
  }
  return result;
}

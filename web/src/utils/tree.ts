import type { OrgUnit } from '@/api/types'

export type TreeNode<T> = T & { children: TreeNode<T>[] }

interface TreeItem {
  id: string
  parent_id: string | null
}

/**
 * Builds a forest from a flat list linked by `parent_id`.
 * Items whose parent is absent from the list (e.g. outside the caller's data scope) become roots.
 * Siblings are ordered by `compare` (default: keep input order). Cycles are broken safely.
 */
export function buildTree<T extends TreeItem>(items: readonly T[], compare?: (a: T, b: T) => number): TreeNode<T>[] {
  const nodes = new Map<string, TreeNode<T>>()
  for (const it of items) nodes.set(it.id, { ...it, children: [] })

  const roots: TreeNode<T>[] = []
  for (const it of items) {
    const node = nodes.get(it.id)!
    const parent = it.parent_id != null ? nodes.get(it.parent_id) : undefined
    if (parent && parent !== node && !isAncestor(node, parent, nodes)) parent.children.push(node)
    else roots.push(node)
  }

  if (compare) {
    const sortRec = (list: TreeNode<T>[]) => {
      list.sort(compare)
      for (const n of list) sortRec(n.children)
    }
    sortRec(roots)
  }
  return roots
}

/** true if `node` is an ancestor of `candidate` via the already-linked parent chain of `candidate`'s item. */
function isAncestor<T extends TreeItem>(node: TreeNode<T>, candidate: TreeNode<T>, nodes: Map<string, TreeNode<T>>): boolean {
  let cur: TreeNode<T> | undefined = candidate
  const seen = new Set<string>()
  while (cur && cur.parent_id != null && !seen.has(cur.id)) {
    seen.add(cur.id)
    if (cur.parent_id === node.id) return true
    cur = nodes.get(cur.parent_id)
  }
  return false
}

export function compareUnits(a: OrgUnit, b: OrgUnit): number {
  if (a.sort_order !== b.sort_order) return a.sort_order - b.sort_order
  return a.name.localeCompare(b.name, 'zh-CN')
}

export function buildOrgTree(units: readonly OrgUnit[]): TreeNode<OrgUnit>[] {
  return buildTree(units, compareUnits)
}

/** Ids of the given node and all its descendants (by the flat list). */
export function subtreeIds<T extends TreeItem>(items: readonly T[], rootId: string): Set<string> {
  const byParent = new Map<string, T[]>()
  for (const it of items) {
    if (it.parent_id == null) continue
    const list = byParent.get(it.parent_id) ?? []
    list.push(it)
    byParent.set(it.parent_id, list)
  }
  const out = new Set<string>([rootId])
  const stack = [rootId]
  while (stack.length) {
    const id = stack.pop()!
    for (const c of byParent.get(id) ?? []) {
      if (!out.has(c.id)) {
        out.add(c.id)
        stack.push(c.id)
      }
    }
  }
  return out
}

/** Names from the root down to the item, e.g. ['云岭经开区', '向阳街道', '向阳社区']. */
export function pathNames<T extends TreeItem & { name: string }>(items: readonly T[], id: string): string[] {
  const byId = new Map(items.map((i) => [i.id, i]))
  const out: string[] = []
  const seen = new Set<string>()
  let cur = byId.get(id)
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id)
    out.unshift(cur.name)
    cur = cur.parent_id != null ? byId.get(cur.parent_id) : undefined
  }
  return out
}

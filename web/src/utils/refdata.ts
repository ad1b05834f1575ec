import type { Category, OrgUnit, UnitKind } from '@/api/types'
import { buildOrgTree, pathNames, type TreeNode } from './tree'

export interface CascaderOption {
  value: string
  label: string
  children?: CascaderOption[]
}

/** The two-level taxonomy as cascader options (active categories only, in code order). */
export function categoryOptions(categories: readonly Category[]): CascaderOption[] {
  const active = categories.filter((c) => c.active !== false)
  const byCode = (a: Category, b: Category) => a.code.localeCompare(b.code)
  return active
    .filter((c) => !c.parent)
    .sort(byCode)
    .map((top) => {
      const children = active
        .filter((c) => c.parent === top.code)
        .sort(byCode)
        .map((c) => ({ value: c.code, label: c.name }))
      return children.length ? { value: top.code, label: top.name, children } : { value: top.code, label: top.name }
    })
}

export interface UnitOption {
  value: string
  label: string
  kind: UnitKind
  disabled?: boolean
  children?: UnitOption[]
}

/** Kinds of unit a case can be dispatched to (the server refuses the zone and grids). */
export const DISPATCH_KINDS: readonly UnitKind[] = ['department', 'street', 'community', 'village']

/**
 * The org tree for the dispatch pickers: departments, streets/towns and their communities/villages;
 * the zone node (not assignable) is left out, grids and inactive units too.
 */
export function dispatchUnitTree(units: readonly OrgUnit[]): UnitOption[] {
  const keep = units.filter((u) => u.active && (u.kind === 'zone' || DISPATCH_KINDS.includes(u.kind)))
  const conv = (n: TreeNode<OrgUnit>): UnitOption => {
    const children = n.children.map(conv)
    return children.length ? { value: n.id, label: n.name, kind: n.kind, children } : { value: n.id, label: n.name, kind: n.kind }
  }
  const roots = buildOrgTree(keep)
  // the zone itself is not a unit to dispatch to: its children become the roots
  const out: UnitOption[] = []
  for (const r of roots) {
    if (r.kind === 'zone') out.push(...r.children.map(conv))
    else out.push(conv(r))
  }
  // departments first, then streets/towns (the org tree's sort order already sorts within kinds)
  const rank = (k: UnitKind) => (k === 'department' ? 0 : 1)
  return out.sort((a, b) => rank(a.kind) - rank(b.kind))
}

/** Grids with their full path ("向阳街道 / 向阳社区 / 向阳社区第一网格"), for the intake form. */
export function gridOptions(units: readonly OrgUnit[]): { value: string; label: string }[] {
  return units
    .filter((u) => u.kind === 'grid' && u.active)
    .map((g) => ({ value: g.id, label: pathNames(units, g.id).slice(1).join(' / ') || g.name }))
    .sort((a, b) => a.label.localeCompare(b.label, 'zh-CN'))
}

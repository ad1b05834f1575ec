import { describe, expect, it } from 'vitest'
import type { OrgUnit, UnitKind } from '@/api/types'
import { buildOrgTree, buildTree, pathNames, subtreeIds } from '@/utils/tree'

function unit(id: string, parent_id: string | null, kind: UnitKind, name: string, sort_order = 0, active = true): OrgUnit {
  return { id, zone_id: 'z', parent_id, kind, name, code: id, active, sort_order, created_at: '2025-01-01T00:00:00+08:00' }
}

const UNITS: OrgUnit[] = [
  unit('g1', 'c1', 'grid', '向阳一网格', 1),
  unit('s2', 'z', 'street', '金山街道', 2),
  unit('c1', 's1', 'community', '向阳社区', 1),
  unit('z', null, 'zone', '云岭经济技术开发区'),
  unit('s1', 'z', 'street', '向阳街道', 1),
  unit('d1', 'z', 'department', '经济发展部', 0),
  unit('g2', 'c1', 'grid', '向阳二网格', 2, false),
]

describe('buildTree', () => {
  it('links children to parents regardless of input order', () => {
    const roots = buildOrgTree(UNITS)
    expect(roots).toHaveLength(1)
    const zone = roots[0]!
    expect(zone.id).toBe('z')
    expect(zone.children.map((c) => c.id)).toEqual(['d1', 's1', 's2'])
    const s1 = zone.children.find((c) => c.id === 's1')!
    expect(s1.children.map((c) => c.id)).toEqual(['c1'])
    expect(s1.children[0]!.children.map((c) => c.name)).toEqual(['向阳一网格', '向阳二网格'])
  })

  it('sorts siblings by sort_order, then by name', () => {
    const roots = buildOrgTree([
      unit('z', null, 'zone', 'Z'),
      unit('b', 'z', 'street', '乙', 5),
      unit('a', 'z', 'street', '甲', 5),
      unit('c', 'z', 'street', '丙', 1),
    ])
    expect(roots[0]!.children.map((c) => c.id)[0]).toBe('c')
    expect(roots[0]!.children).toHaveLength(3)
  })

  it('keeps the original items untouched and copies inactive flags', () => {
    const before = JSON.stringify(UNITS)
    const roots = buildOrgTree(UNITS)
    expect(JSON.stringify(UNITS)).toBe(before)
    const g2 = roots[0]!.children.find((c) => c.id === 's1')!.children[0]!.children.find((c) => c.id === 'g2')!
    expect(g2.active).toBe(false)
    expect(g2.children).toEqual([])
  })

  it('makes items whose parent is not in the list (outside the scope) roots', () => {
    const scoped = UNITS.filter((u) => u.id !== 'z')
    const roots = buildOrgTree(scoped)
    expect(roots.map((r) => r.id).sort()).toEqual(['d1', 's1', 's2'])
  })

  it('does not loop forever on a cycle', () => {
    const roots = buildTree([
      { id: 'a', parent_id: 'b' },
      { id: 'b', parent_id: 'a' },
      { id: 'c', parent_id: 'c' },
    ])
    const count = (ns: { children: unknown[] }[]): number =>
      ns.reduce((n, x) => n + 1 + count(x.children as { children: unknown[] }[]), 0)
    expect(count(roots)).toBe(3)
    expect(roots.length).toBeGreaterThanOrEqual(2)
  })

  it('returns an empty forest for an empty list', () => {
    expect(buildTree([])).toEqual([])
  })
})

describe('subtreeIds / pathNames', () => {
  it('collects a node and all its descendants', () => {
    expect([...subtreeIds(UNITS, 's1')].sort()).toEqual(['c1', 'g1', 'g2', 's1'])
    expect([...subtreeIds(UNITS, 'd1')]).toEqual(['d1'])
  })

  it('gives the path from the root', () => {
    expect(pathNames(UNITS, 'g1')).toEqual(['云岭经济技术开发区', '向阳街道', '向阳社区', '向阳一网格'])
    expect(pathNames(UNITS, 'missing')).toEqual([])
  })
})

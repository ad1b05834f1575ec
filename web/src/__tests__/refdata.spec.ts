import { describe, expect, it } from 'vitest'
import type { Category, OrgUnit, UnitKind } from '@/api/types'
import { categoryOptions, dispatchUnitTree, gridOptions } from '@/utils/refdata'
import { filenameOf } from '@/api/client'

let n = 0
function unit(id: string, kind: UnitKind, name: string, parent_id: string | null, extra: Partial<OrgUnit> = {}): OrgUnit {
  return { id, kind, name, parent_id, zone_id: 'z', code: id, active: true, sort_order: n++, created_at: '', ...extra }
}

const UNITS: OrgUnit[] = [
  unit('z', 'zone', '云岭经开区', null),
  unit('d1', 'department', '人社局', 'z'),
  unit('s1', 'street', '向阳街道', 'z'),
  unit('c1', 'community', '向阳社区', 's1'),
  unit('g1', 'grid', '向阳社区第一网格', 'c1'),
  unit('d2', 'department', '已撤销办公室', 'z', { active: false }),
  unit('d3', 'department', '税务分局', 'z'),
]

describe('dispatch unit tree', () => {
  it('offers departments, streets and communities; never the zone, grids or inactive units', () => {
    const t = dispatchUnitTree(UNITS)
    expect(t.map((x) => x.label)).toEqual(['人社局', '税务分局', '向阳街道'])
    const street = t.find((x) => x.value === 's1')!
    expect(street.children?.map((x) => x.label)).toEqual(['向阳社区'])
    expect(street.children?.[0]?.children).toBeUndefined()
    expect(JSON.stringify(t)).not.toContain('网格')
    expect(JSON.stringify(t)).not.toContain('已撤销')
  })
})

describe('grid options', () => {
  it('names grids by their path below the zone', () => {
    expect(gridOptions(UNITS)).toEqual([{ value: 'g1', label: '向阳街道 / 向阳社区 / 向阳社区第一网格' }])
  })
})

describe('category cascader', () => {
  it('builds the two levels from the flat taxonomy, active only', () => {
    const cats: Category[] = [
      { code: 'QY02', parent: 'QY', name: '融资', scope: '' },
      { code: 'QY', parent: null, name: '企业经营', scope: '' },
      { code: 'QY01', parent: 'QY', name: '用工招聘', scope: '' },
      { code: 'QY09', parent: 'QY', name: '停用', scope: '', active: false },
      { code: 'AQ', parent: null, name: '安全与环境', scope: '' },
    ]
    expect(categoryOptions(cats)).toEqual([
      { value: 'AQ', label: '安全与环境' },
      {
        value: 'QY',
        label: '企业经营',
        children: [
          { value: 'QY01', label: '用工招聘' },
          { value: 'QY02', label: '融资' },
        ],
      },
    ])
  })
})

describe('download file name', () => {
  it('prefers the RFC 5987 UTF-8 name', () => {
    expect(
      filenameOf(`attachment; filename="cases.xlsx"; filename*=UTF-8''%E8%AF%89%E6%B1%82%E5%88%97%E8%A1%A8-20261125.xlsx`, 'x.xlsx'),
    ).toBe('诉求列表-20261125.xlsx')
    expect(filenameOf('attachment; filename="cases.xlsx"', 'x.xlsx')).toBe('cases.xlsx')
    expect(filenameOf(null, 'x.xlsx')).toBe('x.xlsx')
  })
})

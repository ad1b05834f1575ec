import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/client'
import type { Enterprise, ImportField, OrgUnit } from '@/api/types'
import {
  createBody,
  detailLines,
  duplicateHeaders,
  emptyEnterpriseForm,
  enterprisePatch,
  filtersFromRoute,
  filtersToQuery,
  filtersToRoute,
  formFromEnterprise,
  gridGroups,
  groupErrors,
  importFileProblem,
  importPercent,
  importResultText,
  isUsccInvalid,
  mappingBody,
  missingRequired,
  pageOf,
  CORRECTED_COLOR,
  seriesChartOption,
  seriesData,
  sizeLabel,
  sortErrors,
  sourceName,
  usccCheckChar,
  usccProblem,
} from '@/utils/enterprises'
import { parseIndustry, sectionName, INDUSTRY_SECTIONS } from '@/utils/industry'

const FIELDS: ImportField[] = [
  { key: 'uscc', label: '统一社会信用代码', required: true },
  { key: 'name', label: '企业名称', required: true },
  { key: 'legal_rep', label: '法定代表人', required: false },
  { key: 'employees', label: '从业人员', required: false },
]

describe('labels', () => {
  it('names sizes and sources', () => {
    expect(sizeLabel('medium')).toBe('中型')
    expect(sizeLabel('x')).toBe('—')
    expect(sourceName('import')).toBe('导入')
    expect(sourceName('portal')).toBe('企业填报')
    expect(sourceName('api')).toBe('接口')
    expect(sourceName('manual')).toBe('人工')
    expect(sourceName(null)).toBe('—')
  })

  it('splits a change detail into lines', () => {
    expect(detailLines('从业人员：120 → 121；规模：small → medium')).toEqual(['从业人员：120 → 121', '规模：small → medium'])
    expect(detailLines('从业人员：120 → 121\n住所：甲 → 乙')).toEqual(['从业人员：120 → 121', '住所：甲 → 乙'])
    expect(detailLines(null)).toEqual([])
  })
})

describe('list filters', () => {
  it('round-trips through the URL and leaves empty filters out of the query', () => {
    const f = filtersFromRoute({ q: ' 电子 ', band: 'red', size_class: 'small', industry: 'C', tag: '专精特新', page: '2' })
    expect(f).toEqual({ q: ' 电子 ', street_id: '', grid_id: '', band: 'red', tag: '专精特新', size_class: 'small', industry: 'C' })
    expect(filtersToRoute(f)).toEqual({ q: '电子', band: 'red', tag: '专精特新', size_class: 'small', industry: 'C' })
    const q = filtersToQuery(f)
    expect(q.q).toBe('电子')
    expect(q.street_id).toBeUndefined()
    expect(q.band).toBe('red')
  })

  it('ignores an unknown size class', () => {
    expect(filtersFromRoute({ size_class: 'huge' }).size_class).toBe('')
  })
})

describe('industry codes', () => {
  it('has the 20 sections A–T', () => {
    expect(INDUSTRY_SECTIONS.map((s) => s.letter).join('')).toBe('ABCDEFGHIJKLMNOPQRST')
    expect(sectionName('c')).toBe('制造业')
  })

  it('names a code in any accepted form', () => {
    const a = parseIndustry('C39')
    expect(a.ok && a.code).toBe('C39')
    expect(a.ok && a.divisionName).toBe('计算机、通信和其他电子设备制造业')
    const b = parseIndustry('3911')
    expect(b.ok && b.code).toBe('C3911')
    expect(b.ok && b.section.name).toBe('制造业')
    expect(parseIndustry('c3911').ok).toBe(true)
  })

  it('explains a wrong code', () => {
    const r = parseIndustry('F39')
    expect(r.ok).toBe(false)
    expect(!r.ok && r.message).toContain('门类 C')
    expect(parseIndustry('99').ok).toBe(false)
    expect(parseIndustry('C3').ok).toBe(false)
  })
})

describe('credit codes', () => {
  it('computes the GB 32100 check character', () => {
    expect(usccCheckChar('91330100716105852')).toBe('F')
    expect(usccProblem('91330100716105852F')).toBeNull()
    expect(usccProblem('91330100716105852f')).toBeNull()
  })

  it('names what is wrong', () => {
    expect(usccProblem('91330100716105852X')).toContain('第 18 位校验码应为“F”')
    expect(usccProblem('9133010071610585')).toContain('18 位')
    expect(usccProblem('9133010071610585IF')).toContain('不使用字母 I')
    expect(usccProblem('')).toBeNull()
  })

  it('recognises the server refusing a check character', () => {
    expect(isUsccInvalid(new ApiError(422, 'uscc_invalid', '校验码错误', 'uscc'))).toBe(true)
    expect(isUsccInvalid(new ApiError(422, 'enterprise.uscc_invalid', '校验码错误', 'uscc'))).toBe(true)
    expect(isUsccInvalid(new ApiError(422, 'validation.uscc.check_digit', '校验码错误', 'uscc'))).toBe(true)
    expect(isUsccInvalid(new ApiError(422, 'validation.required', '必填', 'name'))).toBe(false)
    expect(isUsccInvalid(new Error('x'))).toBe(false)
  })
})

function enterprise(over: Partial<Enterprise> = {}): Enterprise {
  return {
    id: 'e1',
    uscc: '91330100716105852F',
    name: '锦绣电子有限公司',
    legal_rep: '张三',
    industry_code: 'C39',
    industry_name: '计算机、通信和其他电子设备制造业',
    size_class: 'small',
    size_name: '小型',
    street_id: 's1',
    street_name: '向阳街道',
    grid_id: 'g1',
    grid_name: '向阳社区第一网格',
    address: '锦绣路 1 号',
    employees: 120,
    tags: ['专精特新'],
    founded_on: '2015-03-02',
    former_names: [],
    contact_name: '李四',
    contact_phone: '139****4242',
    service_staff_id: null,
    ...over,
  }
}

describe('the edit form', () => {
  it('sends only what changed, never a masked phone left alone', () => {
    const before = formFromEnterprise(enterprise())
    const after = { ...before, employees: 121, tags: ['专精特新', '规上企业'], address: ' 锦绣路 1 号 ' }
    expect(enterprisePatch(before, after)).toEqual({ employees: 121, tags: ['专精特新', '规上企业'] })
    expect(enterprisePatch(before, { ...before })).toEqual({})
  })

  it('sends a new phone, a cleared date as empty, and a registered exception', () => {
    const before = formFromEnterprise(enterprise())
    const after = { ...before, contact_phone: '13900004242', founded_on: null, employees: null, uscc_exception: '执照原件如此' }
    expect(enterprisePatch(before, after)).toEqual({
      contact_phone: '13900004242',
      founded_on: '',
      employees: null,
      uscc_exception: '执照原件如此',
    })
  })

  it('creates with every field cleaned, the exception only when given', () => {
    const f = { ...emptyEnterpriseForm(), uscc: ' 91330100716105852f ', name: ' 新企业 ', industry_code: 'c39', former_names: [' 旧名 ', ''] }
    const body = createBody(f)
    expect(body.uscc).toBe('91330100716105852F')
    expect(body.name).toBe('新企业')
    expect(body.industry_code).toBe('C39')
    expect(body.former_names).toEqual(['旧名'])
    expect(body.grid_id).toBeNull()
    expect(body.founded_on).toBe('')
    expect('uscc_exception' in body).toBe(false)
    expect(createBody({ ...f, uscc_exception: '历史代码' }).uscc_exception).toBe('历史代码')
  })
})

describe('grids by street', () => {
  const u = (id: string, kind: OrgUnit['kind'], name: string, parent: string | null, sort = 0, active = true): OrgUnit => ({
    id,
    zone_id: 'z',
    parent_id: parent,
    kind,
    name,
    code: id,
    active,
    sort_order: sort,
    created_at: '',
  })
  it('groups active grids under their street with their community', () => {
    const units = [
      u('z', 'zone', '开发区', null),
      u('s2', 'street', '锦绣街道', 'z', 2),
      u('s1', 'street', '向阳街道', 'z', 1),
      u('c1', 'community', '向阳社区', 's1'),
      u('g2', 'grid', '第二网格', 'c1', 2),
      u('g1', 'grid', '第一网格', 'c1', 1),
      u('g3', 'grid', '锦绣网格', 's2'),
      u('g4', 'grid', '停用网格', 'c1', 3, false),
    ]
    const groups = gridGroups(units)
    expect(groups.map((g) => g.street?.name)).toEqual(['向阳街道', '锦绣街道'])
    expect(groups[0]!.grids).toEqual([
      { id: 'g1', name: '第一网格', parent: '向阳社区' },
      { id: 'g2', name: '第二网格', parent: '向阳社区' },
    ])
    expect(groups[1]!.grids[0]!.parent).toBe('')
  })
})

describe('import mapping', () => {
  it('lists the required fields without a column', () => {
    expect(missingRequired(FIELDS, { uscc: '统一社会信用代码', name: null }).map((f) => f.key)).toEqual(['name'])
    expect(missingRequired(FIELDS, { uscc: '统一社会信用代码', name: '单位详细名称' })).toEqual([])
    // a header the file does not have
    expect(missingRequired(FIELDS, { uscc: '信用代码', name: '单位详细名称' }, ['统一社会信用代码', '单位详细名称']).map((f) => f.key)).toEqual(['uscc'])
    expect(missingRequired(FIELDS, {}).map((f) => f.key)).toEqual(['uscc', 'name'])
  })

  it('finds a header chosen twice and sends every field', () => {
    const m = { uscc: 'A', name: 'B', legal_rep: 'B', employees: '' }
    expect([...duplicateHeaders(FIELDS, m)]).toEqual([['B', ['企业名称', '法定代表人']]])
    expect(mappingBody(FIELDS, m)).toEqual({ uscc: 'A', name: 'B', legal_rep: 'B', employees: null })
  })

  it('accepts only xlsx and csv', () => {
    expect(importFileProblem('名录.XLSX')).toBeNull()
    expect(importFileProblem('名录.csv')).toBeNull()
    expect(importFileProblem('名录.xls')).toContain('.xlsx')
  })
})

describe('import errors and progress', () => {
  const errors = [
    { row: 7, column: '从业人员期末人数', field: 'employees', message: '不是数字' },
    { row: 3, column: '统一社会信用代码', field: 'uscc', message: '校验码错误' },
    { row: 9, column: '统一社会信用代码', field: 'uscc', message: '与第 3 行重复' },
    { row: 7, column: '成立日期', field: 'founded_on', message: '日期不存在' },
  ]
  it('groups errors by row and column', () => {
    const g = groupErrors(errors)
    expect(g.rows).toBe(3)
    expect(g.byColumn).toEqual([
      { column: '统一社会信用代码', count: 2 },
      { column: '从业人员期末人数', count: 1 },
      { column: '成立日期', count: 1 },
    ])
  })

  it('sorts by row and pages', () => {
    expect(sortErrors(errors).map((e) => e.row)).toEqual([3, 7, 7, 9])
    expect(pageOf([1, 2, 3, 4, 5], 2, 2)).toEqual([3, 4])
    expect(pageOf([1, 2, 3], 3, 2)).toEqual([])
  })

  it('reports progress and the result', () => {
    expect(importPercent({ processed: 250, total_rows: 5000, status: 'running' })).toBe(5)
    expect(importPercent({ processed: 0, total_rows: 0, status: 'running' })).toBe(0)
    expect(importPercent({ processed: 4000, total_rows: 5000, status: 'done' })).toBe(100)
    expect(importResultText('enterprises', 0, 5000)).toBe('新增 0 家、更新 5000 家')
    expect(importResultText('indicator_values', 12, 3)).toBe('新增 12 条、更新 3 条')
  })
})

describe('indicator series', () => {
  it('orders the points and marks corrections', () => {
    const rows = seriesData([
      {
        period: '2026-10',
        value: 130,
        source: 'manual',
        recorded_at: '2026-11-03T09:00:00+08:00',
        reason: null,
        history: [
          { value: 120, source: 'import', recorded_at: '2026-11-01T09:00:00+08:00' },
          { value: 125, source: 'portal', recorded_at: '2026-11-02T09:00:00+08:00' },
        ],
      },
      { period: '2026-09', value: null, source: null, recorded_at: null, reason: '缺少去年同期数据', history: [] },
    ])
    expect(rows.map((r) => r.period)).toEqual(['2026-09', '2026-10'])
    expect(rows[0]!.corrected).toBe(false)
    expect(rows[0]!.valueText).toBe('—')
    expect(rows[1]!.corrected).toBe(true)
    expect(rows[1]!.sourceText).toBe('人工')
    expect(rows[1]!.historyText).toBe('125（企业填报）、120（导入）')
  })

  it('builds the line chart: periods in order, corrected points in orange, an explaining tooltip', () => {
    const ind = {
      name: '用电量',
      unit: '千瓦时',
      points: [
        { period: '2026-10', value: 130, source: 'manual', recorded_at: '2026-11-03T09:00:00+08:00', reason: null, history: [{ value: 120, source: 'import', recorded_at: '2026-11-01T09:00:00+08:00' }] },
        { period: '2026-08', value: 100, source: 'import', recorded_at: '2026-09-01T09:00:00+08:00', reason: null, history: [] },
        { period: '2026-09', value: null, source: null, recorded_at: null, reason: '缺少去年同期数据', history: [] },
      ],
    }
    const opt = seriesChartOption(ind)
    expect(opt.xAxis).toMatchObject({ type: 'category', data: ['2026-08', '2026-09', '2026-10'] })
    const series = opt.series as { type: string; name: string; data: { value: number | null; itemStyle?: { color: string } }[] }[]
    expect(series).toHaveLength(1)
    expect(series[0]!.type).toBe('line')
    expect(series[0]!.name).toBe('用电量')
    expect(series[0]!.data.map((d) => d.value)).toEqual([100, null, 130])
    expect(series[0]!.data.map((d) => d.itemStyle?.color)).toEqual([undefined, undefined, CORRECTED_COLOR])

    const fmt = (opt.tooltip as { formatter: (p: unknown) => string }).formatter
    expect(fmt([{ dataIndex: 0 }])).toBe('<b>2026-08</b><br/>100 千瓦时（导入）')
    expect(fmt([{ dataIndex: 1 }])).toBe('<b>2026-09</b><br/>无数值：缺少去年同期数据')
    expect(fmt({ dataIndex: 2 })).toContain('已更正，原值 120（导入）')
    expect(fmt([])).toBe('')
    // rows already computed can be passed in
    expect(seriesChartOption(ind, seriesData(ind.points)).xAxis).toEqual(opt.xAxis)
  })
})

import { describe, expect, it } from 'vitest'
import { normalizeApplication, normalizePush, type Application, type Rule } from '@/api/policies'
import {
  APPLICATION_STATUS_NAMES,
  BENEFIT_TYPE_NAMES,
  LEAF_KINDS,
  POLICY_STATUS_NAMES,
  RULE_KIND_NAMES,
  amountText,
  asRootGroup,
  changeLeafKind,
  emptyLeaf,
  formatWan,
  fromPercent,
  industryPrefixText,
  leafCount,
  leafProblem,
  materialsFromText,
  materialsToText,
  parseItemField,
  ruleSentence,
  toPercent,
} from '@/utils/policies'

const catalog = {
  tags: ['高新技术企业', '专精特新'],
  streets: [
    { code: 'YL-S01', name: '向阳街道' },
    { code: 'YL-S02', name: '临江镇' },
  ],
  indicators: [{ code: 'ELEC', name: '用电量', unit: '万千瓦时' }],
  bands: [
    { code: 'green', name: '绿' },
    { code: 'blue', name: '蓝' },
  ],
}

describe('labels', () => {
  it('names benefit types, statuses and application statuses in Chinese', () => {
    expect(Object.values(BENEFIT_TYPE_NAMES)).toEqual(['奖补', '减免', '权益', '资质'])
    expect(Object.values(POLICY_STATUS_NAMES)).toEqual(['草稿', '已发布', '已废止'])
    expect(APPLICATION_STATUS_NAMES).toEqual({
      submitted: '待审核',
      returned: '退回补正',
      refused: '不予支持',
      approved: '审核通过',
      paid: '已兑现',
    })
  })

  it('names every rule kind', () => {
    expect(RULE_KIND_NAMES.all).toBe('全部满足')
    expect(RULE_KIND_NAMES.any).toBe('满足其一')
    expect(RULE_KIND_NAMES.not).toBe('不满足')
    expect(LEAF_KINDS.map((k) => RULE_KIND_NAMES[k])).toEqual([
      '行业',
      '企业规模',
      '所在街道',
      '同时具有标签',
      '具有任一标签',
      '不具有标签',
      '成立年限',
      '从业人员',
      '营业收入',
      '营收增速',
      '研发强度',
      '运行指标',
      '五色图色标',
      '无未整改重大隐患',
    ])
  })
})

describe('percent ↔ fraction', () => {
  it('converts without binary noise', () => {
    expect(toPercent(0.1)).toBe(10)
    expect(toPercent(0.07)).toBe(7)
    expect(toPercent(0.035)).toBe(3.5)
    expect(toPercent(-0.2)).toBe(-20)
    expect(fromPercent(10)).toBe(0.1)
    expect(fromPercent(3)).toBe(0.03)
    expect(fromPercent(7)).toBe(0.07)
    expect(fromPercent(12.5)).toBe(0.125)
  })

  it('keeps null (an open bound) as null', () => {
    expect(toPercent(null)).toBeNull()
    expect(fromPercent(null)).toBeNull()
    expect(toPercent(undefined)).toBeNull()
    expect(fromPercent(Number.NaN)).toBeNull()
  })

  it('round-trips', () => {
    for (const p of [0, 1, 2.5, 3, 6, 10, 15, 33.3, 100, 250]) expect(toPercent(fromPercent(p))).toBe(p)
  })
})

describe('ruleSentence', () => {
  it('renders the example rule of the contract', () => {
    const r: Rule = {
      kind: 'all',
      rules: [
        { kind: 'size', classes: ['small', 'micro'] },
        { kind: 'employees', min: 10, max: null },
      ],
    }
    expect(ruleSentence(r)).toBe('规模为 小型、微型；从业人员 ≥ 10 人')
  })

  it('renders every leaf kind with units and catalog names', () => {
    const s = (r: Rule) => ruleSentence(r, catalog)
    expect(s({ kind: 'industry', prefixes: ['C', 'C39'] })).toBe('行业属于 C 制造业、C39 计算机、通信和其他电子设备制造业')
    expect(s({ kind: 'street', streets: ['YL-S01', 'YL-S02'] })).toBe('位于 向阳街道、临江镇')
    expect(s({ kind: 'tags_all', tags: ['高新技术企业', '专精特新'] })).toBe('同时具有标签“高新技术企业”“专精特新”')
    expect(s({ kind: 'tags_any', tags: ['高新技术企业', '专精特新'] })).toBe('具有标签“高新技术企业”或“专精特新”')
    expect(s({ kind: 'tags_none', tags: ['专精特新'] })).toBe('不具有标签“专精特新”')
    expect(s({ kind: 'founded_years', min: 3, max: null })).toBe('成立满 3 年')
    expect(s({ kind: 'founded_years', min: null, max: 5 })).toBe('成立不超过 5 年')
    expect(s({ kind: 'revenue', min: 500, max: 2000 })).toBe('营业收入 500 万元 至 2000 万元')
    expect(s({ kind: 'revenue_growth', min: 0.1, max: null })).toBe('营收增速 ≥ 10%')
    expect(s({ kind: 'rd_intensity', min: 0.03, max: null })).toBe('研发强度 ≥ 3%')
    expect(s({ kind: 'employees', min: null, max: 300 })).toBe('从业人员 ≤ 300 人')
    expect(s({ kind: 'indicator', code: 'ELEC', min: 50, max: null })).toBe('用电量 ≥ 50 万千瓦时')
    expect(s({ kind: 'band', bands: ['green', 'blue'] })).toBe('五色图色标为 绿、蓝')
    expect(s({ kind: 'no_serious_hazard' })).toBe('无未整改的重大安全隐患')
  })

  it('renders nested groups and negation', () => {
    const r: Rule = {
      kind: 'all',
      rules: [
        { kind: 'size', classes: ['small'] },
        {
          kind: 'any',
          rules: [
            { kind: 'tags_any', tags: ['高新技术企业'] },
            { kind: 'rd_intensity', min: 0.03, max: null },
          ],
        },
        { kind: 'not', rule: { kind: 'band', bands: ['green'] } },
      ],
    }
    expect(ruleSentence(r, catalog)).toBe('规模为 小型；（具有标签“高新技术企业”，或研发强度 ≥ 3%）；不得：五色图色标为 绿')
    expect(ruleSentence({ kind: 'any', rules: [{ kind: 'size', classes: ['micro'] }, { kind: 'employees', min: 5, max: null }] })).toBe(
      '满足其一：规模为 微型，或从业人员 ≥ 5 人',
    )
    expect(ruleSentence({ kind: 'all', rules: [] })).toBe('不限条件')
    expect(ruleSentence(null)).toBe('不限条件')
  })

  it('names industry prefixes written without their letter', () => {
    expect(industryPrefixText('3911')).toBe('C3911（计算机、通信和其他电子设备制造业）')
    expect(industryPrefixText('i65')).toBe('I65 软件和信息技术服务业')
  })
})

describe('building rules', () => {
  it('makes empty leaves of each kind', () => {
    expect(emptyLeaf('employees')).toEqual({ kind: 'employees', min: null, max: null })
    expect(emptyLeaf('size')).toEqual({ kind: 'size', classes: [] })
    expect(emptyLeaf('tags_none')).toEqual({ kind: 'tags_none', tags: [] })
    expect(emptyLeaf('indicator', catalog)).toEqual({ kind: 'indicator', code: 'ELEC', min: null, max: null })
    expect(emptyLeaf('no_serious_hazard')).toEqual({ kind: 'no_serious_hazard' })
    for (const k of LEAF_KINDS) expect(emptyLeaf(k).kind).toBe(k)
  })

  it('keeps what still applies when a leaf changes kind', () => {
    expect(changeLeafKind({ kind: 'tags_all', tags: ['专精特新'] }, 'tags_none')).toEqual({ kind: 'tags_none', tags: ['专精特新'] })
    expect(changeLeafKind({ kind: 'employees', min: 10, max: 50 }, 'revenue')).toEqual({ kind: 'revenue', min: 10, max: 50 })
    // 10 人 is not 10 (= 1000 %)
    expect(changeLeafKind({ kind: 'employees', min: 10, max: null }, 'rd_intensity')).toEqual({ kind: 'rd_intensity', min: null, max: null })
    expect(changeLeafKind({ kind: 'revenue_growth', min: 0.1, max: null }, 'rd_intensity')).toEqual({ kind: 'rd_intensity', min: 0.1, max: null })
  })

  it('presents the root as an all group', () => {
    expect(asRootGroup(null)).toEqual({ kind: 'all', rules: [] })
    const leaf: Rule = { kind: 'size', classes: ['micro'] }
    expect(asRootGroup(leaf)).toEqual({ kind: 'all', rules: [leaf] })
    const any: Rule = { kind: 'any', rules: [leaf] }
    expect(asRootGroup(any)).toEqual({ kind: 'all', rules: [any] })
    const all: Rule = { kind: 'all', rules: [leaf] }
    expect(asRootGroup(all)).toBe(all)
    expect(leafCount({ kind: 'all', rules: [leaf, any, { kind: 'not', rule: leaf }] })).toBe(3)
  })

  it('finds the problems the server would report', () => {
    expect(leafProblem({ kind: 'employees', min: null, max: null })).toBe('从业人员至少需要填写下限或上限')
    expect(leafProblem({ kind: 'revenue', min: 10, max: 5 })).toBe('营业收入的下限不能大于上限')
    expect(leafProblem({ kind: 'tags_all', tags: [] })).toBe('标签不能为空')
    expect(leafProblem({ kind: 'industry', prefixes: ['C', 'C39', '3911'] })).toBeNull()
    expect(leafProblem({ kind: 'industry', prefixes: ['X1'] })).toMatch(/^行业代码“X1”不正确/)
    expect(leafProblem({ kind: 'indicator', code: '', min: 1, max: null })).toBe('请选择运行指标')
    expect(leafProblem({ kind: 'no_serious_hazard' })).toBeNull()
  })
})

describe('amounts', () => {
  it('displays each kind', () => {
    expect(amountText({ kind: 'none' })).toBe('不涉及金额')
    expect(amountText({ kind: 'fixed', wan: 20 })).toBe('20 万元')
    expect(amountText({ kind: 'formula', formula: '研发费用 * 5%', cap_wan: 100, floor_wan: null })).toBe('研发费用 × 5%，最高 100 万元')
    expect(amountText({ kind: 'formula', formula: '营业收入*0.01', cap_wan: 50, floor_wan: 5 })).toBe('营业收入 × 0.01，最低 5 万元，最高 50 万元')
    expect(amountText({ kind: 'formula', formula: '研发费用 / 10', cap_wan: null, floor_wan: null })).toBe('研发费用 ÷ 10')
    expect(amountText(null)).toBe('不涉及金额')
    // indicator codes by name when the catalog is given
    expect(amountText({ kind: 'formula', formula: 'ELEC*12*0.03', cap_wan: 30, floor_wan: null }, catalog)).toBe('用电量 × 12 × 0.03，最高 30 万元')
  })

  it('formats 万元', () => {
    expect(formatWan(12.5)).toBe('12.5 万元')
    expect(formatWan(12345)).toBe('12,345 万元')
    expect(formatWan(null)).toBe('—')
  })
})

describe('form helpers', () => {
  it('reads materials one per line', () => {
    expect(materialsFromText('申请表\n\n  审计报告 \r\n营业执照')).toEqual(['申请表', '审计报告', '营业执照'])
    expect(materialsToText(['申请表', '审计报告'])).toBe('申请表\n审计报告')
    expect(materialsFromText('')).toEqual([])
  })

  it('reads the field of a 422', () => {
    expect(parseItemField('items[1].rule')).toEqual({ index: 1, field: 'rule' })
    expect(parseItemField('items[0].amount')).toEqual({ index: 0, field: 'amount' })
    expect(parseItemField('items[2].materials[0]')).toEqual({ index: 2, field: 'materials[0]' })
    expect(parseItemField('title')).toEqual({ index: null, field: 'title' })
    expect(parseItemField('')).toBeNull()
  })
})

describe('normalising applications and pushes from the server', () => {
  it('fills the nested objects from the flat fields', () => {
    const flat = {
      id: 'a1',
      item_id: 'i1',
      item_title: '稳岗奖励',
      benefit_type: 'subsidy',
      policy_id: 'p1',
      policy_title: '若干措施',
      doc_no: '云经开发〔2025〕18号',
      enterprise_id: 'e1',
      enterprise_name: '锦绣电子',
      uscc: '91330100716105852F',
      required_materials: ['申报表'],
      status: 'submitted',
      materials: [{ name: '申报表', text: '已填' }],
      files: [],
      events: [],
    } as unknown as Application
    const a = normalizeApplication(flat)
    expect(a.item).toEqual({ id: 'i1', title: '稳岗奖励', benefit_type: 'subsidy', materials: ['申报表'] })
    expect(a.policy).toEqual({ id: 'p1', title: '若干措施', doc_no: '云经开发〔2025〕18号' })
    expect(a.enterprise).toEqual({ id: 'e1', name: '锦绣电子', uscc: '91330100716105852F' })
    expect(a.item_title).toBe('稳岗奖励')
  })

  it('fills the flat fields from the nested objects', () => {
    const nested = {
      id: 'a1',
      item: { id: 'i1', title: '稳岗奖励', benefit_type: 'subsidy', materials: ['申报表'] },
      policy: { id: 'p1', title: '若干措施', doc_no: 'X' },
      enterprise: { id: 'e1', name: '锦绣电子', uscc: 'U' },
      status: 'paid',
    } as unknown as Application
    const a = normalizeApplication(nested)
    expect(a.item.title).toBe('稳岗奖励')
    expect([a.item_id, a.policy_title, a.enterprise_name, a.uscc, a.doc_no]).toEqual(['i1', '若干措施', '锦绣电子', 'U', 'X'])
    expect(a.required_materials).toEqual(['申报表'])
  })

  it('nests the item and policy of a push', () => {
    const p = normalizePush({ id: 'x', item_id: 'i1', item_title: '稳岗奖励', policy_id: 'p1', policy_title: '若干措施', doc_no: 'D', pushed_at: '2025-01-01T00:00:00+08:00', read_at: null })
    expect(p.item).toEqual({ id: 'i1', title: '稳岗奖励' })
    expect(p.policy).toEqual({ id: 'p1', title: '若干措施', doc_no: 'D' })
  })
})

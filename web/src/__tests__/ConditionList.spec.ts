import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import type { Condition } from '@/api/policies'
import ConditionList from '@/components/policies/ConditionList.vue'

const leaf = (over: Partial<Condition>): Condition => ({
  label: '',
  pass: true,
  actual: '',
  needed: null,
  missing: false,
  depth: 0,
  group: false,
  ...over,
})

describe('ConditionList', () => {
  it('shows a passing condition with its actual value and no “needed”', () => {
    const w = mount(ConditionList, { props: { conditions: [leaf({ label: '从业人员 ≥ 10 人', actual: '45 人' })] } })
    const row = w.get('[data-test="condition-pass"]')
    expect(row.text()).toContain('从业人员 ≥ 10 人')
    expect(row.get('[data-test="condition-actual"]').text()).toBe('45 人')
    expect(row.find('[data-test="condition-needed"]').exists()).toBe(false)
    expect(w.findAll('[data-test="condition-fail"]')).toHaveLength(0)
  })

  it('shows a failing condition in red with the current value and what would pass', () => {
    const w = mount(ConditionList, {
      props: {
        conditions: [
          leaf({ label: '规模为 小型 或 微型', actual: '小型' }),
          leaf({ label: '从业人员 ≥ 50 人', pass: false, actual: '45 人', needed: '再增加 5 人（≥ 50 人）' }),
        ],
      },
    })
    expect(w.findAll('[data-test="condition-pass"]')).toHaveLength(1)
    const fail = w.get('[data-test="condition-fail"]')
    expect(fail.classes()).toContain('fail')
    expect(fail.text()).toContain('从业人员 ≥ 50 人')
    expect(fail.get('[data-test="condition-actual"]').text()).toBe('现45 人')
    expect(fail.get('[data-test="condition-needed"]').text()).toBe('再增加 5 人（≥ 50 人）')
  })

  it('keeps the rule order, shows group headers apart and indents their members', () => {
    const w = mount(ConditionList, {
      props: {
        conditions: [
          leaf({ label: '无未整改的重大安全隐患', actual: '无' }),
          leaf({ label: '满足以下任一项', pass: true, group: true }),
          leaf({ label: '标签含 高新技术企业', actual: '专精特新', pass: false, needed: '须取得 高新技术企业', depth: 1 }),
          leaf({ label: '研发投入强度 ≥ 3%', actual: '4.2%', depth: 1 }),
        ],
      },
    })
    const items = w.findAll('li')
    expect(items.map((i) => i.attributes('data-test'))).toEqual(['condition-pass', 'condition-group', 'condition-fail', 'condition-pass'])
    expect(items[1]!.text()).toContain('满足以下任一项')
    expect(items[1]!.text()).toContain('已满足')
    expect(items[2]!.attributes('style')).toContain('padding-left: 18px')
    expect(items[0]!.attributes('style')).toContain('padding-left: 0px')
  })

  it('shows an unreported fact as failing with what to report', () => {
    const w = mount(ConditionList, {
      props: { conditions: [leaf({ label: '营业收入 ≥ 500 万元', pass: false, missing: true, actual: '未填报', needed: '须填报营业收入' })] },
    })
    const fail = w.get('[data-test="condition-fail"]')
    expect(fail.text()).toContain('未填报')
    expect(fail.get('[data-test="condition-needed"]').text()).toBe('须填报营业收入')
  })
})

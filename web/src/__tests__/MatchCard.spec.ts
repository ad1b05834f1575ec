import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import type { Match } from '@/api/policies'
import MatchCard from '@/components/policies/MatchCard.vue'
import { ApiError } from '@/api/client'
import { applicationErrorText, canApply, materialIndexOf, matchAmountText, reviewDueState, totalAmountWan } from '@/utils/policyMatches'

function match(over: Partial<Match> = {}, item: Partial<Match['item']> = {}): Match {
  return {
    item: {
      id: 'i1',
      title: '小微企业稳岗奖励',
      summary: '对吸纳就业的小微企业给予一次性奖励。',
      benefit_type: 'subsidy',
      auto_grant: false,
      materials: ['申请表', '社保缴费证明'],
      dept_name: '经济发展局',
      ...item,
    },
    policy: {
      id: 'p1',
      title: '关于支持中小企业发展的若干措施',
      doc_no: '云经开发〔2025〕18号',
      issuer: '云岭经开区管委会',
      apply_from: null,
      apply_to: '2026-12-31',
    },
    amount_wan: 12.5,
    amount_note: null,
    conditions: [
      { label: '规模为 小型 或 微型', pass: true, actual: '小型', needed: null },
      { label: '从业人员 ≥ 10 人', pass: true, actual: '45 人', needed: null },
    ],
    application: null,
    push: null,
    ...over,
  }
}

describe('MatchCard', () => {
  it('shows the item, the policy with its 文号, the benefit type, the amount, conditions and materials', () => {
    const w = mount(MatchCard, { props: { match: match(), applicable: true } })
    const card = w.get('[data-test="match-card"]')
    expect(card.attributes('data-item-title')).toBe('小微企业稳岗奖励')
    expect(card.text()).toContain('关于支持中小企业发展的若干措施')
    expect(card.text()).toContain('云经开发〔2025〕18号')
    expect(w.get('[data-test="match-benefit"]').text()).toBe('奖补')
    expect(w.get('[data-test="match-amount"]').text()).toBe('预计 12.5 万元')
    expect(w.findAll('[data-test="condition-pass"]')).toHaveLength(2)
    expect(w.get('[data-test="match-materials"]').text()).toContain('社保缴费证明')
    expect(w.find('[data-test="match-auto-grant"]').exists()).toBe(false)
  })

  it('offers 申报 on the portal and emits the match', async () => {
    const m = match()
    const w = mount(MatchCard, { props: { match: m, applicable: true } })
    await w.get('[data-test="match-apply"]').trigger('click')
    expect(w.emitted('apply')?.[0]?.[0]).toEqual(m)
    expect(w.find('[data-test="match-status"]').exists()).toBe(false)
  })

  it('has no apply button on the enterprise page (not applicable)', () => {
    const w = mount(MatchCard, { props: { match: match() } })
    expect(w.find('[data-test="match-apply"]').exists()).toBe(false)
  })

  it('shows the application status instead of 申报 once applied', async () => {
    const w = mount(MatchCard, { props: { match: match({ application: { id: 'a1', status: 'paid' } }), applicable: true } })
    expect(w.find('[data-test="match-apply"]').exists()).toBe(false)
    const st = w.get('[data-test="match-status"]')
    expect(st.text()).toBe('已兑现')
    await st.trigger('click')
    expect(w.emitted('open-application')?.[0]).toEqual(['a1'])
  })

  it('lets a refused application be followed by a new one', () => {
    const w = mount(MatchCard, { props: { match: match({ application: { id: 'a1', status: 'refused' } }), applicable: true } })
    expect(w.get('[data-test="match-status"]').text()).toBe('不予支持')
    expect(w.get('[data-test="match-apply"]').text()).toBe('重新申报')
  })

  it('marks 免申即享 and offers no application', () => {
    const w = mount(MatchCard, { props: { match: match({}, { auto_grant: true, benefit_type: 'reduction' }), applicable: true } })
    expect(w.get('[data-test="match-auto-grant"]').text()).toBe('免申即享')
    expect(w.get('[data-test="match-benefit"]').text()).toBe('减免')
    expect(w.find('[data-test="match-apply"]').exists()).toBe(false)
    expect(w.get('[data-test="match-status"]').text()).toContain('无需申报')
    expect(w.find('[data-test="match-materials"]').exists()).toBe(false)
  })

  it('shows the amount note when there is no computed amount', () => {
    const w = mount(MatchCard, { props: { match: match({ amount_wan: null, amount_note: '按实际研发费用测算，以审核为准' }) } })
    expect(w.get('[data-test="match-amount"]').text()).toBe('按实际研发费用测算，以审核为准')
  })

  it('an almost card counts the failing conditions, shows what would pass, and offers no apply', () => {
    const m = match({
      conditions: [
        { label: '规模为 小型 或 微型', pass: true, actual: '小型', needed: null },
        { label: '从业人员 ≥ 50 人', pass: false, actual: '45 人', needed: '再增加 5 人（≥ 50 人）' },
      ],
    })
    const w = mount(MatchCard, { props: { match: m, kind: 'almost', applicable: true } })
    expect(w.get('[data-test="match-card"]').classes()).toContain('almost')
    expect(w.text()).toContain('还差 1 项条件')
    expect(w.get('[data-test="condition-fail"] [data-test="condition-needed"]').text()).toBe('再增加 5 人（≥ 50 人）')
    expect(w.find('[data-test="match-apply"]').exists()).toBe(false)
  })
})

describe('policyMatches helpers', () => {
  it('formats the amount and sums the expected total', () => {
    expect(matchAmountText({ amount_wan: 12.5, amount_note: null })).toBe('预计 12.5 万元')
    expect(matchAmountText({ amount_wan: null, amount_note: '以审核为准' })).toBe('以审核为准')
    expect(matchAmountText({ amount_wan: null, amount_note: null })).toBe('')
    const fixed = { id: 'i', title: 't', summary: '', benefit_type: 'subsidy' as const, auto_grant: false, materials: [], dept_name: null, amount: { kind: 'fixed', wan: 20 } }
    expect(matchAmountText({ amount_wan: null, amount_note: null, item: fixed })).toBe('20 万元')
    expect(totalAmountWan([{ amount_wan: 12.5 }, { amount_wan: null }, { amount_wan: 0.1 }, { amount_wan: 0.2 }])).toBe(12.8)
  })

  it('allows applying unless 免申即享 or an open application exists', () => {
    const m = match()
    expect(canApply(m)).toBe(true)
    expect(canApply({ ...m, application: { id: 'a', status: 'returned' } })).toBe(false)
    expect(canApply({ ...m, application: { id: 'a', status: 'refused' } })).toBe(true)
    expect(canApply(match({}, { auto_grant: true }))).toBe(false)
  })

  it('tells an overdue review and whether a done one was on time', () => {
    expect(reviewDueState({ status: 'submitted', review_due: '2026-12-08', review_on_time: null }, '2026-12-08')).toEqual({ text: '2026-12-08', overdue: false })
    expect(reviewDueState({ status: 'submitted', review_due: '2026-12-08', review_on_time: null }, '2026-12-09')).toEqual({ text: '2026-12-08（已超期）', overdue: true })
    expect(reviewDueState({ status: 'approved', review_due: '2026-12-08', review_on_time: true })).toEqual({ text: '按期审核', overdue: false })
    expect(reviewDueState({ status: 'paid', review_due: '2026-12-08', review_on_time: false })).toEqual({ text: '超期审核', overdue: true })
  })

  it('maps the errors of an application to Chinese', () => {
    expect(materialIndexOf('materials[2].text')).toBe(2)
    expect(materialIndexOf('note')).toBeNull()
    const t = applicationErrorText(new ApiError(409, 'policy.not_eligible', '不符合条件：从业人员 ≥ 50 人（现 45 人）'))
    expect(t.title).toBe('暂不符合申报条件')
    expect(t.detail).toContain('从业人员')
    expect(applicationErrorText(new ApiError(409, 'policy.application_exists', 'x')).title).toBe('已有在办的申报，无需重复提交')
    expect(applicationErrorText(new ApiError(422, 'validation.x', '请填写')).title).toBe('提交的内容不符合要求')
  })
})

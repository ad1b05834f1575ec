import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import type { Letter } from '@/api/assessment'
import LetterDocument from '@/components/assessment/LetterDocument.vue'
import LetterStatusTag from '@/components/assessment/LetterStatusTag.vue'
import TierTag from '@/components/assessment/TierTag.vue'

function letter(over: Partial<Letter> & { issuer?: string | null } = {}): Letter & { issuer?: string | null } {
  return {
    id: 'l1',
    doc_no: '经开督〔2026〕3号',
    tier: 'warning',
    tier_label: '预警函',
    unit_id: 'u1',
    unit_name: '向阳街道',
    snapshot_id: 's1',
    period_label: '2026年11月16日至11月22日（第47周）',
    reason: '连续 2 期排名末位（本期第 6 名，共 6 名）',
    title: '关于向阳街道\n考核排名情况的预警函',
    body: ['经考核，你单位在 2026年11月16日至11月22日 连续 2 期排名末位。', '请认真分析原因，于 5 个工作日内书面答复整改措施。'],
    issued_at: '2026-11-23T08:00:00+08:00',
    rectify_by: null,
    answer_due: '2026-11-30T17:30:00+08:00',
    status: 'sent',
    overdue: false,
    escalated_at: null,
    acknowledged_at: null,
    acknowledged_by_name: null,
    answer: null,
    answered_at: null,
    answered_by_name: null,
    ...over,
  }
}

describe('LetterDocument', () => {
  it('lays the letter out as a document: red head, 文号, title, addressee, paragraphs, date', () => {
    const w = mount(LetterDocument, { props: { letter: letter() } })
    // without the issuer in the letter, the head names the kind of letter
    expect(w.get('[data-test="letter-issuer"]').text()).toBe('预警函')
    expect(w.get('[data-test="letter-doc-no"]').text()).toBe('经开督〔2026〕3号')
    expect(w.get('[data-test="letter-title"]').text()).toContain('关于向阳街道')
    expect(w.get('.salutation').text()).toBe('向阳街道：')
    expect(w.findAll('[data-test="letter-para"]').map((p) => p.text())).toHaveLength(2)
    expect(w.get('.sign').text()).toContain('2026年11月23日')
  })

  it('uses the issuer when the server sends it, and does not repeat an addressee the body has', () => {
    const w = mount(LetterDocument, {
      props: { letter: letter({ issuer: '云岭经济技术开发区管理委员会督查室', body: ['向阳街道：', '正文。'] }) },
    })
    expect(w.get('[data-test="letter-issuer"]').text()).toBe('云岭经济技术开发区管理委员会督查室')
    expect(w.find('.salutation').exists()).toBe(false)
    expect(w.get('.sign').text()).toContain('云岭经济技术开发区管理委员会督查室')
  })

  it('writes the rectification deadline of a 督办函 when the body does not', () => {
    const w = mount(LetterDocument, { props: { letter: letter({ tier: 'supervision', tier_label: '督办函', rectify_by: '2026-12-07' }) } })
    expect(w.text()).toContain('请于 2026年12月7日 前完成整改')
    const mentioned = mount(LetterDocument, {
      props: { letter: letter({ tier: 'supervision', tier_label: '督办函', rectify_by: '2026-12-07', body: ['请于2026年12月7日前完成整改。'] }) },
    })
    expect(mentioned.text()).not.toContain('请于 2026年12月7日 前完成整改')
  })
})

describe('tags', () => {
  it('colours the tiers and marks an overdue letter', () => {
    expect(mount(TierTag, { props: { tier: 'supervision' } }).text()).toBe('督办函')
    expect(mount(TierTag, { props: { tier: 'supervision' } }).classes()).toContain('el-tag--danger')
    expect(mount(TierTag, { props: { tier: 'reminder' } }).classes()).toContain('el-tag--primary')
    const s = mount(LetterStatusTag, { props: { status: 'acknowledged', overdue: true } })
    expect(s.get('[data-test="letter-status"]').text()).toBe('已签收')
    expect(s.get('[data-test="letter-overdue"]').text()).toBe('逾期')
    expect(mount(LetterStatusTag, { props: { status: 'answered' } }).find('[data-test="letter-overdue"]').exists()).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import type { AssessmentSettings, RankingMetrics, RankingRow } from '@/api/assessment'
import {
  defaultSnapshot,
  formatHours,
  formatRate,
  formatScore,
  groupLabel,
  groupsOf,
  isAddressee,
  isRatioMetric,
  letterFileName,
  letterStatusLabel,
  letterStatusTag,
  measuresProblem,
  METRIC_COLUMNS,
  metricCell,
  movementClass,
  movementLabel,
  ratioText,
  rowsOfGroup,
  settingsProblems,
  snapshotMarks,
  tierLabel,
  tierTag,
  triggerLabel,
  weightTotal,
} from '@/utils/assessment'

const settings = (): AssessmentSettings => ({
  weights: { signed_on_time: 10, resolved_on_time: 30, resolved: 20, satisfied: 30, returned: 5, reworked: 5, basic_satisfied: 0.8 },
  letter_rules: {
    reminder_after: 1,
    warning_after: 2,
    supervision_after: 3,
    bottom: 1,
    satisfaction_below: 0.8,
    satisfaction_min_rated: 3,
    rectify_days: 10,
  },
  answer_days: 5,
  doc_prefix: '经开督',
  issuer: '云岭经济技术开发区管理委员会督查室',
  schedule: { weekday: 1, hour: 8 },
})

const metrics = (over: Partial<RankingMetrics> = {}): RankingMetrics => ({
  received: 6,
  received_as_assist: 1,
  signed_on_time: { numerator: 5, denominator: 6, rate: 5 / 6 },
  resolved_on_time: { numerator: 3, denominator: 5, rate: 0.6 },
  resolved: { numerator: 2, denominator: 3, rate: 2 / 3 },
  satisfied: { satisfied: 1, basic: 1, unsatisfied: 1, basic_weight: 0.8, numerator: 1.8, denominator: 3, rate: 0.6 },
  returned: { numerator: 1, denominator: 5, rate: 0.2 },
  reworked: { numerator: 0, denominator: 0, rate: null },
  overdue_now: 1,
  handling: { cases: 4, total_minutes: 5940, average_hours: 24.75 },
  composite: 65,
  exempted: 1,
  merged: 0,
  ...over,
})

describe('formatting', () => {
  it('shows a rate as a percentage with one decimal, and “—” without a denominator', () => {
    expect(formatRate(0.975)).toBe('97.5%')
    expect(formatRate(5 / 6)).toBe('83.3%')
    expect(formatRate(0.6)).toBe('60%')
    expect(formatRate(1)).toBe('100%')
    expect(formatRate(0)).toBe('0%')
    expect(formatRate(null)).toBe('—')
    expect(formatRate(undefined)).toBe('—')
    expect(formatRate(Number.NaN)).toBe('—')
  })

  it('shows the score with two decimals and the hours with one', () => {
    expect(formatScore(65)).toBe('65.00')
    expect(formatScore(87.4)).toBe('87.40')
    expect(formatScore(null)).toBe('—')
    expect(formatHours(24.75)).toBe('24.8')
    expect(formatHours(5)).toBe('5.0')
    expect(formatHours(null)).toBe('—')
  })

  it('writes a ratio as numerator / denominator (the weighted 满意率 keeps its decimal)', () => {
    expect(ratioText({ numerator: 39, denominator: 40 })).toBe('39 / 40')
    expect(ratioText({ numerator: 1.8, denominator: 3 })).toBe('1.8 / 3')
    expect(ratioText({ numerator: 24.0, denominator: 27 })).toBe('24 / 27')
  })
})

describe('movement', () => {
  it('labels the change since the last period', () => {
    expect(movementLabel({ kind: 'up', by: 2 })).toBe('↑2')
    expect(movementLabel({ kind: 'down', by: 1 })).toBe('↓1')
    expect(movementLabel({ kind: 'same' })).toBe('—')
    expect(movementLabel({ kind: 'new' })).toBe('新')
    expect(movementLabel(null)).toBe('')
    expect(movementClass({ kind: 'up', by: 2 })).toBe('mv-up')
    expect(movementClass(null)).toBe('')
  })
})

describe('labels', () => {
  it('names and colours the letter tiers: 提醒函 blue, 预警函 orange, 督办函 red', () => {
    expect(tierLabel('reminder')).toBe('提醒函')
    expect(tierLabel('warning')).toBe('预警函')
    expect(tierLabel('supervision')).toBe('督办函')
    expect(tierTag('reminder')).toBe('primary')
    expect(tierTag('warning')).toBe('warning')
    expect(tierTag('supervision')).toBe('danger')
    expect(tierLabel('other')).toBe('other')
    expect(tierTag('other')).toBe('info')
  })

  it('names the groups, the letter states and the triggers', () => {
    expect(groupLabel('department')).toBe('部门')
    expect(groupLabel('street')).toBe('街道')
    expect(groupLabel('community')).toBe('社区')
    expect(letterStatusLabel('sent')).toBe('待签收')
    expect(letterStatusLabel('acknowledged')).toBe('已签收')
    expect(letterStatusLabel('answered')).toBe('已答复')
    expect(letterStatusTag('answered')).toBe('success')
    expect(triggerLabel('scheduled')).toBe('定时')
    expect(triggerLabel('manual')).toBe('手动')
    expect(triggerLabel('correction')).toBe('更正')
  })
})

describe('snapshots', () => {
  const s = (id: string, corrected_by: string | null, trigger: 'scheduled' | 'manual' | 'correction' = 'scheduled', corrects: string | null = null) => ({
    id,
    corrected_by,
    trigger,
    corrects,
  })

  it('marks corrected snapshots 已更正 and corrections 更正', () => {
    expect(snapshotMarks(s('a', 'b')).map((m) => m.text)).toEqual(['已更正'])
    expect(snapshotMarks(s('b', null, 'correction', 'a')).map((m) => m.text)).toEqual(['更正'])
    expect(snapshotMarks(s('c', null, 'manual')).map((m) => m.text)).toEqual([])
    // a correction that was corrected again
    expect(snapshotMarks(s('d', 'e', 'correction', 'b')).map((m) => m.text)).toEqual(['更正', '已更正'])
  })

  it('opens the newest snapshot no other one corrects', () => {
    expect(defaultSnapshot([s('new', null, 'correction', 'old'), s('old', 'new')])?.id).toBe('new')
    expect(defaultSnapshot([s('x', 'y'), s('w', null)])?.id).toBe('w')
    expect(defaultSnapshot([s('x', 'y')])?.id).toBe('x')
    expect(defaultSnapshot([])).toBeNull()
  })
})

describe('ranking rows', () => {
  const row = (unit_id: string, group: RankingRow['group'], rank: number | null) => ({ unit_id, group, rank })

  it('lists the groups in the usual order and a group ranked first, the unranked after', () => {
    const rows = [row('s2', 'street', 2), row('d1', 'department', 1), row('s0', 'street', null), row('s1', 'street', 1), row('c1', 'community', 1)]
    expect(groupsOf(rows)).toEqual(['department', 'street', 'community'])
    expect(rowsOfGroup(rows, 'street').map((r) => r.unit_id)).toEqual(['s1', 's2', 's0'])
    expect(rowsOfGroup(rows, 'grid')).toEqual([])
  })

  it('shows each figure of a row, with what lies behind it', () => {
    const m = metrics()
    const cell = (key: string) => metricCell(m, METRIC_COLUMNS.find((c) => c.key === key)!)
    expect(cell('received')).toEqual({ text: '6', sub: '协办 1', empty: false })
    expect(cell('signed_on_time')).toEqual({ text: '83.3%', sub: '5 / 6', empty: false })
    expect(cell('satisfied')).toEqual({ text: '60%', sub: '1.8 / 3', empty: false })
    expect(cell('reworked')).toEqual({ text: '—', sub: '', empty: true })
    expect(cell('overdue_now')).toEqual({ text: '1', sub: '', empty: false })
    expect(cell('handling')).toEqual({ text: '24.8', sub: '4 件', empty: false })
    const none = metrics({ received: 0, received_as_assist: 0, overdue_now: 0, handling: { cases: 0, total_minutes: 0, average_hours: null } })
    expect(metricCell(none, METRIC_COLUMNS[0]!)).toEqual({ text: '0', sub: '', empty: true })
    expect(metricCell(none, METRIC_COLUMNS.find((c) => c.key === 'handling')!).text).toBe('—')
  })

  it('has the columns of the page in order, each drilling into its own metric', () => {
    expect(METRIC_COLUMNS.map((c) => c.label)).toEqual(['收件', '签收及时率', '按期办结率', '解决率', '满意率', '退单率', '重办率', '当前超期', '平均办理时长(h)'])
    expect(METRIC_COLUMNS.find((c) => c.key === 'handling')!.metric).toBe('handling_time')
    expect(isRatioMetric('signed_on_time')).toBe(true)
    expect(isRatioMetric('received')).toBe(false)
    expect(isRatioMetric('overdue_now')).toBe(false)
    expect(isRatioMetric('handling_time')).toBe(false)
  })
})

describe('settings', () => {
  it('accepts the defaults', () => {
    expect(settingsProblems(settings())).toEqual({})
    expect(weightTotal(settings().weights)).toBe(100)
  })

  it('names the field at fault, as the server does', () => {
    const s = settings()
    s.weights.resolved = 120
    s.weights.basic_satisfied = 1.5
    expect(settingsProblems(s)).toEqual({
      'weights.resolved': '解决率权重应为 0 到 100 之间的数',
      'weights.basic_satisfied': '基本满意系数应为 0 到 1 之间的数',
    })
    const zero = settings()
    for (const k of ['signed_on_time', 'resolved_on_time', 'resolved', 'satisfied', 'returned', 'reworked'] as const) zero.weights[k] = 0
    expect(Object.keys(settingsProblems(zero))).toEqual(['weights'])
  })

  it('wants the thresholds non-decreasing, a switched-off one skipped', () => {
    const s = settings()
    s.letter_rules.warning_after = 4
    expect(settingsProblems(s)).toEqual({ 'letter_rules.supervision_after': '发督办函所需的连续末位期数（3）不能少于预警函（4）' })
    s.letter_rules.warning_after = null
    expect(settingsProblems(s)).toEqual({})
    s.letter_rules.reminder_after = 0
    expect(Object.keys(settingsProblems(s))).toEqual(['letter_rules.reminder_after'])
  })

  it('wants the 文号 prefix and the issuer filled in (their form is checked by the server)', () => {
    const p = (doc_prefix: string) => settingsProblems({ ...settings(), doc_prefix }).doc_prefix
    expect(p('经开督')).toBeUndefined()
    expect(p('')).toBe('请填写发文机关代字')
    expect(p('  ')).toBe('请填写发文机关代字')
    expect(p('经开督9')).toBeUndefined()
    expect(settingsProblems({ ...settings(), issuer: ' ' }).issuer).toBe('请填写发文机关')
  })
})

describe('letters', () => {
  it('wants 10 to 5000 characters of measures', () => {
    expect(measuresProblem('太短了')).toBe('整改措施至少 10 个字')
    expect(measuresProblem('   一二三四五六七八九   ')).toBe('整改措施至少 10 个字')
    expect(measuresProblem('一二三四五六七八九十')).toBeNull()
    expect(measuresProblem('字'.repeat(5001))).toBe('整改措施不超过 5000 个字')
  })

  it('knows who answers for a letter: the server’s word first, else a handler or head of the unit', () => {
    const head = { role: 'dept_head', org_unit: { id: 'u1' } }
    expect(isAddressee({ unit_id: 'u1' }, head)).toBe(true)
    expect(isAddressee({ unit_id: 'u1' }, { role: 'handler', org_unit: { id: 'u1' } })).toBe(true)
    expect(isAddressee({ unit_id: 'u1' }, { role: 'dept_head', org_unit: { id: 'u2' } })).toBe(false)
    expect(isAddressee({ unit_id: 'u1' }, { role: 'supervisor', org_unit: { id: 'u1' } })).toBe(false)
    expect(isAddressee({ unit_id: 'u1' }, null)).toBe(false)
    // once answered the server says no, even to the unit's head
    expect(isAddressee({ unit_id: 'u1', can_answer: false }, head)).toBe(false)
    expect(isAddressee({ unit_id: 'u1', can_answer: true }, { role: 'handler', org_unit: { id: 'u9' } })).toBe(true)
  })

  it('names the downloads after the 文号 and the unit', () => {
    expect(letterFileName({ doc_no: '经开督〔2026〕3号', unit_name: '向阳街道', tier_label: '预警函' }, 'pdf')).toBe('经开督〔2026〕3号 向阳街道预警函.pdf')
    expect(letterFileName({ doc_no: 'a/b', unit_name: 'x', tier_label: '提醒函' }, 'docx')).toBe('a_b x提醒函.docx')
  })
})

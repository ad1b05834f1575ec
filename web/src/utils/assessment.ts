// Pure helpers of the assessment pages (考核排名, 考核设置, 督办函件): formatting and labels.

import type {
  AssessmentSettings,
  DrillMetric,
  DrillPart,
  Letter,
  LetterStatus,
  LetterTier,
  Movement,
  RankGroup,
  RankingMetrics,
  RankingRow,
  Ratio,
  SnapshotKind,
  SnapshotSummary,
  SnapshotTrigger,
} from '@/api/assessment'

type TagType = 'primary' | 'success' | 'warning' | 'info' | 'danger'

/** A rate in [0, 1] as “97.5%” (one decimal, “.0” dropped); “—” when there is nothing to count. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—'
  const tenths = Math.round(rate * 1000) / 10
  return `${Number.isInteger(tenths) ? tenths.toFixed(0) : tenths.toFixed(1)}%`
}

/** The composite score with its two decimals (“87.40”), “—” without one. */
export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return '—'
  return score.toFixed(2)
}

/** Hours with one decimal (“24.8”), “—” without a value. */
export function formatHours(h: number | null | undefined): string {
  if (h === null || h === undefined || !Number.isFinite(h)) return '—'
  return (Math.round(h * 10) / 10).toFixed(1)
}

/** A count that may be fractional (满意率's weighted numerator): “24”, “23.8”. */
export function formatCount(n: number): string {
  const r = Math.round(n * 10) / 10
  return Number.isInteger(r) ? String(r) : r.toFixed(1)
}

/** “39 / 40” under a rate. */
export function ratioText(r: Pick<Ratio, 'numerator' | 'denominator'>): string {
  return `${formatCount(r.numerator)} / ${formatCount(r.denominator)}`
}

/** Change since the last period: ↑2, ↓1, —, 新. */
export function movementLabel(m: Movement | null | undefined): string {
  if (!m) return ''
  switch (m.kind) {
    case 'up':
      return `↑${m.by}`
    case 'down':
      return `↓${m.by}`
    case 'same':
      return '—'
    case 'new':
      return '新'
  }
}

/** The CSS class of a movement (up green, down red). */
export function movementClass(m: Movement | null | undefined): string {
  return m ? `mv-${m.kind}` : ''
}

export const TIER_LABELS: Record<LetterTier, string> = {
  reminder: '提醒函',
  warning: '预警函',
  supervision: '督办函',
}

/** 提醒函 blue, 预警函 orange, 督办函 red. */
export const TIER_TAG: Record<LetterTier, TagType> = {
  reminder: 'primary',
  warning: 'warning',
  supervision: 'danger',
}

export const TIER_ORDER: LetterTier[] = ['reminder', 'warning', 'supervision']

export function tierLabel(tier: string): string {
  return TIER_LABELS[tier as LetterTier] ?? tier
}
export function tierTag(tier: string): TagType {
  return TIER_TAG[tier as LetterTier] ?? 'info'
}

export const GROUP_LABELS: Record<RankGroup, string> = {
  department: '部门',
  street: '街道',
  community: '社区',
  grid: '网格',
}

export const GROUP_ORDER: RankGroup[] = ['department', 'street', 'community', 'grid']

export function groupLabel(group: string): string {
  return GROUP_LABELS[group as RankGroup] ?? group
}

/** The groups present in a ranking, in the usual order (部门, 街道, 社区, 网格). */
export function groupsOf(rows: readonly Pick<RankingRow, 'group'>[]): RankGroup[] {
  const present = new Set(rows.map((r) => r.group))
  return GROUP_ORDER.filter((g) => present.has(g))
}

/** The rows of one group, ranked first (by rank), then the units without a score. */
export function rowsOfGroup<T extends Pick<RankingRow, 'group' | 'rank'>>(rows: readonly T[], group: RankGroup): T[] {
  return rows
    .filter((r) => r.group === group)
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.rank ?? Number.MAX_SAFE_INTEGER) - (b.r.rank ?? Number.MAX_SAFE_INTEGER) || a.i - b.i)
    .map((x) => x.r)
}

export const LETTER_STATUS_LABELS: Record<LetterStatus, string> = {
  sent: '待签收',
  acknowledged: '已签收',
  answered: '已答复',
}

export const LETTER_STATUS_TAG: Record<LetterStatus, TagType> = {
  sent: 'warning',
  acknowledged: 'primary',
  answered: 'success',
}

/** The status filter of the list: the three states and 逾期未答复. */
export const LETTER_FILTERS: { value: LetterStatus | 'overdue'; label: string }[] = [
  { value: 'sent', label: '待签收' },
  { value: 'acknowledged', label: '已签收' },
  { value: 'answered', label: '已答复' },
  { value: 'overdue', label: '逾期未答复' },
]

export function letterStatusLabel(status: string): string {
  return LETTER_STATUS_LABELS[status as LetterStatus] ?? status
}
export function letterStatusTag(status: string): TagType {
  return LETTER_STATUS_TAG[status as LetterStatus] ?? 'info'
}

export const KIND_LABELS: Record<SnapshotKind, string> = {
  week: '周',
  month: '月',
  quarter: '季度',
  custom: '自定义',
}

export const KIND_ORDER: SnapshotKind[] = ['week', 'month', 'quarter', 'custom']

/** What the report of a kind is called: 周报, 月报, 季报, 考核报表. */
export const REPORT_NAMES: Record<SnapshotKind, string> = {
  week: '周报',
  month: '月报',
  quarter: '季报',
  custom: '考核报表',
}

/** The period a snapshot “立即计算” takes without dates. */
export const LAST_PERIOD_NAMES: Record<SnapshotKind, string> = {
  week: '上一周',
  month: '上一个月',
  quarter: '上一季度',
  custom: '指定时段',
}

export const TRIGGER_LABELS: Record<SnapshotTrigger, string> = {
  scheduled: '定时',
  manual: '手动',
  correction: '更正',
}

export const TRIGGER_TAG: Record<SnapshotTrigger, TagType> = {
  scheduled: 'info',
  manual: 'primary',
  correction: 'warning',
}

export function triggerLabel(t: string): string {
  return TRIGGER_LABELS[t as SnapshotTrigger] ?? t
}
export function triggerTag(t: string): TagType {
  return TRIGGER_TAG[t as SnapshotTrigger] ?? 'info'
}

/** The marks of a snapshot in the selector: 已更正 (a newer one corrects it), 更正 (it corrects one). */
export function snapshotMarks(s: Pick<SnapshotSummary, 'corrected_by' | 'trigger' | 'corrects'>): { text: string; type: TagType }[] {
  const out: { text: string; type: TagType }[] = []
  if (s.trigger === 'correction' || s.corrects) out.push({ text: '更正', type: 'warning' })
  if (s.corrected_by) out.push({ text: '已更正', type: 'info' })
  return out
}

/** The snapshot to show first: the newest that no other corrects (the list is newest first). */
export function defaultSnapshot<T extends Pick<SnapshotSummary, 'corrected_by'>>(list: readonly T[]): T | null {
  return list.find((s) => !s.corrected_by) ?? list[0] ?? null
}

// ---- the figures of a row ---------------------------------------------------------------------------

export type MetricKey = Exclude<DrillMetric, 'handling_time'> | 'handling'

/** One number column of the ranking table, and how it drills down. */
export interface MetricColumn {
  key: MetricKey
  metric: DrillMetric
  label: string
  /** a rate (ratio) or a count */
  kind: 'rate' | 'count' | 'hours'
  /** the rate is “lower is better” (退单率, 重办率) */
  inverse?: boolean
  width: number
}

export const METRIC_COLUMNS: MetricColumn[] = [
  { key: 'received', metric: 'received', label: '收件', kind: 'count', width: 62 },
  { key: 'signed_on_time', metric: 'signed_on_time', label: '签收及时率', kind: 'rate', width: 84 },
  { key: 'resolved_on_time', metric: 'resolved_on_time', label: '按期办结率', kind: 'rate', width: 84 },
  { key: 'resolved', metric: 'resolved', label: '解决率', kind: 'rate', width: 76 },
  { key: 'satisfied', metric: 'satisfied', label: '满意率', kind: 'rate', width: 76 },
  { key: 'returned', metric: 'returned', label: '退单率', kind: 'rate', inverse: true, width: 76 },
  { key: 'reworked', metric: 'reworked', label: '重办率', kind: 'rate', inverse: true, width: 76 },
  { key: 'overdue_now', metric: 'overdue_now', label: '当前超期', kind: 'count', width: 76 },
  { key: 'handling', metric: 'handling_time', label: '平均办理时长(h)', kind: 'hours', width: 112 },
]

export const METRIC_LABELS: Record<DrillMetric, string> = {
  received: '收件数',
  signed_on_time: '签收及时率',
  resolved_on_time: '按期办结率',
  resolved: '解决率',
  satisfied: '满意率',
  returned: '退单率',
  reworked: '重办率',
  overdue_now: '当前超期',
  handling_time: '平均办理时长',
}

/** Metrics with a numerator and a denominator (the drill-down can show either part). */
export function isRatioMetric(m: DrillMetric): boolean {
  return m !== 'received' && m !== 'overdue_now' && m !== 'handling_time'
}

/** What a cell of the table shows, and whether there is anything behind it to list. */
export function metricCell(m: RankingMetrics, col: MetricColumn): { text: string; sub: string; empty: boolean } {
  switch (col.key) {
    case 'received':
      return { text: String(m.received), sub: m.received_as_assist ? `协办 ${m.received_as_assist}` : '', empty: m.received === 0 }
    case 'overdue_now':
      return { text: String(m.overdue_now), sub: '', empty: m.overdue_now === 0 }
    case 'handling':
      return { text: formatHours(m.handling.average_hours), sub: m.handling.cases ? `${m.handling.cases} 件` : '', empty: m.handling.cases === 0 }
    default: {
      const r: Ratio = m[col.key]
      return { text: formatRate(r.rate), sub: r.denominator ? ratioText(r) : '', empty: r.denominator === 0 }
    }
  }
}

/** A ratio's drill-down starts on the denominator (every counted case, with the hits marked). */
export function defaultPart(): DrillPart {
  return 'denominator'
}

// ---- settings ---------------------------------------------------------------------------------------

export const WEIGHT_FIELDS: { key: keyof AssessmentSettings['weights']; label: string; hint: string }[] = [
  { key: 'signed_on_time', label: '签收及时率', hint: '' },
  { key: 'resolved_on_time', label: '按期办结率', hint: '' },
  { key: 'resolved', label: '解决率', hint: '' },
  { key: 'satisfied', label: '满意率', hint: '' },
  { key: 'returned', label: '退单率', hint: '按 1 − 退单率 计分' },
  { key: 'reworked', label: '重办率', hint: '按 1 − 重办率 计分' },
]

export const WEEKDAY_LABELS: Record<number, string> = {
  1: '周一',
  2: '周二',
  3: '周三',
  4: '周四',
  5: '周五',
  6: '周六',
  7: '周日',
}

/** The fields of the settings the server may name in a 422 (and the client checks). */
export const SETTINGS_FIELDS: readonly string[] = [
  'weights',
  'weights.signed_on_time',
  'weights.resolved_on_time',
  'weights.resolved',
  'weights.satisfied',
  'weights.returned',
  'weights.reworked',
  'weights.basic_satisfied',
  'letter_rules',
  'letter_rules.reminder_after',
  'letter_rules.warning_after',
  'letter_rules.supervision_after',
  'letter_rules.bottom',
  'letter_rules.satisfaction_below',
  'letter_rules.satisfaction_min_rated',
  'letter_rules.rectify_days',
  'answer_days',
  'doc_prefix',
  'issuer',
  'schedule',
  'schedule.weekday',
  'schedule.hour',
]

/**
 * The problems the page can tell before saving, by field (the server checks the same and more):
 * weights 0–100 and not all 0, the 基本满意 factor 0–1, thresholds non-decreasing, the texts filled in.
 */
export function settingsProblems(s: AssessmentSettings): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of WEIGHT_FIELDS) {
    const w = s.weights[f.key]
    if (!Number.isFinite(w) || w < 0 || w > 100) out[`weights.${f.key}`] = `${f.label}权重应为 0 到 100 之间的数`
  }
  if (WEIGHT_FIELDS.every((f) => s.weights[f.key] === 0)) out.weights = '各项指标的权重不能全部为 0'
  const k = s.weights.basic_satisfied
  if (!Number.isFinite(k) || k < 0 || k > 1) out['weights.basic_satisfied'] = '基本满意系数应为 0 到 1 之间的数'

  const steps: [keyof AssessmentSettings['letter_rules'], string][] = [
    ['reminder_after', '提醒函'],
    ['warning_after', '预警函'],
    ['supervision_after', '督办函'],
  ]
  let prev: { n: number; label: string } | null = null
  for (const [key, label] of steps) {
    const n = s.letter_rules[key]
    if (n === null) continue
    if (!Number.isInteger(n) || n < 1 || n > 52) {
      out[`letter_rules.${key}`] = `发${label}所需的连续末位期数应为 1 到 52`
      continue
    }
    if (prev && n < prev.n) out[`letter_rules.${key}`] = `发${label}所需的连续末位期数（${n}）不能少于${prev.label}（${prev.n}）`
    prev = { n, label }
  }
  // the form of the 代字 (length, brackets, digits) is the server's to judge: its 422 names the field
  if (!s.doc_prefix.trim()) out.doc_prefix = '请填写发文机关代字'
  if (!s.issuer.trim()) out.issuer = '请填写发文机关'
  return out
}

/** The sum of the six weights (shown as “合计”). */
export function weightTotal(w: AssessmentSettings['weights']): number {
  return WEIGHT_FIELDS.reduce((sum, f) => sum + (Number.isFinite(w[f.key]) && w[f.key] > 0 ? w[f.key] : 0), 0)
}

// ---- letters ----------------------------------------------------------------------------------------

export const MEASURES_MIN = 10
export const MEASURES_MAX = 5000

/** The 整改措施 answer: 10–5000 characters. */
export function measuresProblem(text: string): string | null {
  const n = [...text.trim()].length
  if (n < MEASURES_MIN) return `整改措施至少 ${MEASURES_MIN} 个字`
  if (n > MEASURES_MAX) return `整改措施不超过 ${MEASURES_MAX} 个字`
  return null
}

/**
 * Whether the signed-in user answers for the letter: the server says so (`can_answer`), else a
 * handler or head of the addressed unit.
 */
export function isAddressee(
  letter: Pick<Letter, 'unit_id' | 'can_answer'>,
  me: { role: string; org_unit: { id: string } } | null | undefined,
): boolean {
  if (letter.can_answer !== undefined) return letter.can_answer
  return !!me && (me.role === 'handler' || me.role === 'dept_head') && me.org_unit.id === letter.unit_id
}

/** “经开督〔2026〕3号 关于….pdf”: a file name for a download (no path separators). */
export function letterFileName(letter: Pick<Letter, 'doc_no' | 'tier_label' | 'unit_name'>, ext: 'pdf' | 'docx'): string {
  const base = `${letter.doc_no} ${letter.unit_name}${letter.tier_label}`.replace(/[\\/:*?"<>|]/g, '_')
  return `${base}.${ext}`
}

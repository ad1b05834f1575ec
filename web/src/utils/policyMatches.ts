// 政策匹配 and 申报审核: what the portal, the review queue and the enterprise page show about
// matches and applications (complements utils/policies.ts, which holds the shared labels).

import { ApiError } from '@/api/client'
import type { Amount, Application, ApplicationEvent, ApplicationStatus, ApplicationSummary, Condition, Match, PolicyPush } from '@/api/policies'
import { amountText, formatWan, num } from './policies'

// ---- matches ----------------------------------------------------------------------------------------

/**
 * “预计 12.5 万元”, else the server's note (“按研发费用测算，以审核为准”), else the item's
 * standard when the server sends it (an almost-qualifying item has no computed amount:
 * “20 万元”, “研发费用 × 5%，最高 100 万元”), else ''.
 */
export function matchAmountText(m: Pick<Match, 'amount_wan' | 'amount_note'> & { item?: Partial<Match['item']> }): string {
  if (m.amount_wan !== null && m.amount_wan !== undefined && Number.isFinite(m.amount_wan)) return `预计 ${num(m.amount_wan)} 万元`
  const note = m.amount_note?.trim()
  if (note) return note
  const amount = (m.item as { amount?: Amount } | undefined)?.amount
  if (amount && amount.kind !== 'none') return amountText(amount)
  return ''
}

/** The sum of the computed amounts, in 万元 (items without an amount count 0). */
export function totalAmountWan(matches: readonly Pick<Match, 'amount_wan'>[]): number {
  let s = 0
  for (const m of matches) if (typeof m.amount_wan === 'number' && Number.isFinite(m.amount_wan)) s += m.amount_wan
  return Math.round(s * 10000) / 10000
}

/** What the portal's search looks in: item, summary, policy, 文号, issuer (lower case). */
export function matchText(m: Match): string {
  return [m.item.title, m.item.summary, m.policy.title, m.policy.doc_no, m.policy.issuer].join(' ').toLowerCase()
}

/** How many conditions must change: the server's `failing` when sent, else the failing leaves. */
export function conditionsToChange(m: Match): number {
  const f = (m as Match & { failing?: number }).failing
  return typeof f === 'number' ? f : failingCount(m.conditions)
}

/** Leaf conditions (group headers left out). */
export function leaves(conditions: readonly Condition[]): Condition[] {
  return conditions.filter((c) => !c.group)
}

/** How many leaves fail. */
export function failingCount(conditions: readonly Condition[]): number {
  return leaves(conditions).filter((c) => !c.pass).length
}

/** Whether the enterprise may (still) apply: not 免申即享, and no open application (a refused one may be followed by a new one). */
export function canApply(m: Pick<Match, 'item' | 'application'>): boolean {
  if (m.item.auto_grant) return false
  return !m.application || m.application.status === 'refused'
}

// ---- pushes -----------------------------------------------------------------------------------------

export function pushItemTitle(p: PolicyPush): string {
  return p.item?.title ?? p.item_title ?? '政策条款'
}
export function pushPolicyTitle(p: PolicyPush): string {
  return p.policy?.title ?? p.policy_title ?? ''
}
export function pushItemId(p: PolicyPush): string | null {
  return p.item?.id ?? p.item_id ?? null
}

// ---- applications -----------------------------------------------------------------------------------

/** The status tabs of 申报审核, in the officer's order. */
export const REVIEW_TABS: readonly { key: ApplicationStatus | 'all'; label: string }[] = [
  { key: 'submitted', label: '待审核' },
  { key: 'returned', label: '退回补正' },
  { key: 'approved', label: '审核通过' },
  { key: 'paid', label: '已兑现' },
  { key: 'refused', label: '不予支持' },
  { key: 'all', label: '全部' },
]

/** The events of an application in Chinese (unknown codes are shown as “处理”). */
export const APPLICATION_EVENT_NAMES: Record<string, string> = {
  submit: '提交申报',
  submitted: '提交申报',
  create: '提交申报',
  created: '提交申报',
  apply: '提交申报',
  resubmit: '补正后重新提交',
  resubmitted: '补正后重新提交',
  pass: '审核通过',
  approve: '审核通过',
  approved: '审核通过',
  review_pass: '审核通过',
  return: '退回补正',
  returned: '退回补正',
  review_return: '退回补正',
  refuse: '不予支持',
  refused: '不予支持',
  review_refuse: '不予支持',
  payout: '兑现',
  pay: '兑现',
  paid: '兑现',
  auto_payout: '免申即享兑现',
  file: '上传材料',
  upload: '上传材料',
  file_upload: '上传材料',
  file_uploaded: '上传材料',
}

export function eventActionName(action: string): string {
  return APPLICATION_EVENT_NAMES[action] ?? APPLICATION_EVENT_NAMES[action.replace(/^application[._]/, '')] ?? '处理'
}

/** The event's name: the server's `action_name` when it sends one, else ours. */
export function eventName(e: Pick<ApplicationEvent, 'action'> & { action_name?: string | null }): string {
  const known = APPLICATION_EVENT_NAMES[e.action]
  if (known) return known
  return e.action_name && e.action_name !== '其他' ? e.action_name : eventActionName(e.action)
}

/** The colour of an event's dot. */
export function eventColor(action: string): string {
  const name = eventActionName(action)
  if (name === '退回补正') return '#e6a23c'
  if (name === '不予支持') return '#f56c6c'
  if (name === '审核通过' || name.includes('兑现')) return '#67c23a'
  return '#409eff'
}

/** Today in Beijing time, `YYYY-MM-DD`. */
export function todayIso(now = new Date()): string {
  const bj = new Date(now.getTime() + 8 * 3600_000)
  return bj.toISOString().slice(0, 10)
}

export interface DueState {
  /** e.g. “2026-12-08”, “2026-12-08（已超期）”, “按期审核”, “超期审核” */
  text: string
  overdue: boolean
}

/**
 * The review deadline as a line: pending → the due date, red when passed; reviewed → whether it
 * was on time.
 */
export function reviewDueState(
  a: Pick<ApplicationSummary, 'status' | 'review_due' | 'review_on_time'>,
  today = todayIso(),
): DueState {
  const due = a.review_due ?? ''
  if (a.status === 'submitted') {
    if (!due) return { text: '—', overdue: false }
    const overdue = due.slice(0, 10) < today
    return { text: overdue ? `${due.slice(0, 10)}（已超期）` : due.slice(0, 10), overdue }
  }
  if (a.review_on_time === true) return { text: '按期审核', overdue: false }
  if (a.review_on_time === false) return { text: '超期审核', overdue: true }
  return { text: due ? due.slice(0, 10) : '—', overdue: false }
}

/** `materials[2].text` → 2 (the index of the material an error is about), else null. */
export function materialIndexOf(field: string | null | undefined): number | null {
  const m = /^materials\[(\d+)\]/.exec(field ?? '')
  return m ? Number(m[1]) : null
}

const APPLY_ERROR_TITLES: Record<string, string> = {
  'policy.not_eligible': '暂不符合申报条件',
  'policy.application_exists': '已有在办的申报，无需重复提交',
  'policy.window_closed': '不在申报期内',
  'policy.auto_grant': '该事项为免申即享，无需申报',
  'policy.bad_state': '申报状态已变化，请刷新后重试',
}

/** An error of apply / resubmit / review / payout as a title and the server's Chinese detail. */
export function applicationErrorText(e: unknown): { title: string; detail: string } {
  if (e instanceof ApiError) {
    const title = APPLY_ERROR_TITLES[e.code] ?? (e.status === 422 ? '提交的内容不符合要求' : e.status === 409 ? '无法提交' : '提交失败')
    return { title, detail: e.message === title ? '' : e.message }
  }
  return { title: '提交失败', detail: '请稍后再试' }
}

/** What was paid, or is expected, as text. */
export function applicationAmountText(a: Pick<Application, 'status' | 'paid_amount_wan' | 'expected_amount_wan'>): string {
  if (a.status === 'paid' && a.paid_amount_wan !== null && a.paid_amount_wan !== undefined) return `已兑现 ${formatWan(a.paid_amount_wan)}`
  if (a.expected_amount_wan !== null && a.expected_amount_wan !== undefined) return `预计 ${formatWan(a.expected_amount_wan)}`
  return '—'
}


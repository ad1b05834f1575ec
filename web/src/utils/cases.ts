// Rules of the case pages that do not need the server: who files through which channel, which
// fields a channel requires, deadline markers, the list filters ↔ URL query, and the wording of
// the timeline. The server stays the authority (it validates everything again).

import type { LocationQuery } from 'vue-router'
import type { CaseQuery } from '@/api'
import type { CaseEventOut, CaseOut, CaseState, Channel, NewCaseBody, Role, Urgency } from '@/api/types'
import { CASE_STATE_ORDER, REQUEST_KIND_NAMES } from './labels'

// ---- intake -----------------------------------------------------------------------------------

/** Who may file through each channel (mirrors `Channel::filed_by` on the server). */
export const CHANNEL_ROLES: Record<Channel, readonly Role[]> = {
  portal: ['enterprise'],
  hotline: ['intake'],
  grid: ['grid_worker'],
  leader: ['leader', 'intake', 'dispatcher'],
  superior: ['intake', 'dispatcher'],
  visit: ['intake', 'dispatcher', 'handler', 'dept_head'],
  inspection: ['grid_worker', 'handler', 'dept_head', 'supervisor'],
}

export const CHANNEL_ORDER: Channel[] = ['hotline', 'grid', 'leader', 'superior', 'visit', 'inspection', 'portal']

/** The channels a role may file through, in the order of the form. */
export function channelsFor(role: Role | null | undefined): Channel[] {
  if (!role) return []
  return CHANNEL_ORDER.filter((c) => CHANNEL_ROLES[c].includes(role))
}

/** Whether the role can file any case at all (the 诉求受理 menu entry). */
export function canFile(role: Role | null | undefined): boolean {
  return channelsFor(role).length > 0
}

export interface CaseForm {
  channel: Channel | ''
  title: string
  description: string
  category_code: string
  urgency: Urgency
  enterprise_id: string
  person_name: string
  person_phone: string
  address: string
  grid_id: string
  lon: number | null
  lat: number | null
  expected_outcome: string
}

export type CaseFormField = Exclude<keyof CaseForm, 'urgency'>

export function emptyCaseForm(channel: Channel | '' = ''): CaseForm {
  return {
    channel,
    title: '',
    description: '',
    category_code: '',
    urgency: 'normal',
    enterprise_id: '',
    person_name: '',
    person_phone: '',
    address: '',
    grid_id: '',
    lon: null,
    lat: null,
    expected_outcome: '',
  }
}

export const TITLE_MAX = 100
export const DESCRIPTION_MAX = 4000
export const OUTCOME_MAX = 1000
export const ADDRESS_MAX = 200
export const PERSON_NAME_MAX = 32

/** Fields the channel requires beyond 标题, 诉求内容 and 分类. */
export function requiredFields(channel: Channel | ''): CaseFormField[] {
  const base: CaseFormField[] = ['channel', 'title', 'description', 'category_code']
  if (channel === 'hotline') return [...base, 'person_name', 'person_phone']
  if (channel === 'grid') return [...base, 'grid_id', 'address']
  return base
}

/** Mobile (11 digits from 1) or landline (0 + area code + number, optional extension); separators allowed. */
export function isPhone(input: string): boolean {
  const s = input.trim().replace(/[（）]/g, (c) => (c === '（' ? '(' : ')')).replace(/－/g, '-')
  if (!/^\+?[\d\s\-()]+$/.test(s)) return false
  let digits = s.replace(/\D/g, '')
  if (digits.startsWith('0086')) digits = digits.slice(4)
  else if (digits.startsWith('86') && digits.length === 13) digits = digits.slice(2)
  if (/^1[3-9]\d{9}$/.test(digits)) return true
  return /^0\d{2,3}[2-9]\d{6,7}\d{0,6}$/.test(digits)
}

const length = (s: string) => [...s.trim()].length

const FIELD_NAMES: Record<CaseFormField, string> = {
  channel: '渠道',
  title: '标题',
  description: '诉求内容',
  category_code: '诉求分类',
  enterprise_id: '企业',
  person_name: '诉求人姓名',
  person_phone: '联系电话',
  address: '地址',
  grid_id: '网格',
  lon: '经度',
  lat: '纬度',
  expected_outcome: '期望结果',
}

/** The problem with one field of the intake form, or null. */
export function validateCaseField(field: CaseFormField, form: CaseForm): string | null {
  const required = requiredFields(form.channel).includes(field)
  const v = form[field]
  if (typeof v === 'string' && required && !v.trim()) {
    if (field === 'channel') return '请选择诉求渠道'
    if (field === 'category_code') return '请选择诉求分类'
    if (field === 'grid_id') return '网格上报须选择网格'
    if (field === 'address') return '网格上报须填写位置'
    if (form.channel === 'hotline' && (field === 'person_name' || field === 'person_phone'))
      return '热线诉求须登记来电人姓名和电话'
    return `请填写${FIELD_NAMES[field]}`
  }
  switch (field) {
    case 'title':
      return length(form.title) > TITLE_MAX ? `标题不能超过 ${TITLE_MAX} 个字符（当前 ${length(form.title)} 个）` : null
    case 'description':
      return length(form.description) > DESCRIPTION_MAX
        ? `诉求内容不能超过 ${DESCRIPTION_MAX} 个字符（当前 ${length(form.description)} 个）`
        : null
    case 'person_name':
      return length(form.person_name) > PERSON_NAME_MAX ? `诉求人姓名不能超过 ${PERSON_NAME_MAX} 个字符` : null
    case 'person_phone':
      return form.person_phone.trim() && !isPhone(form.person_phone)
        ? '电话格式不正确，如 13800138000 或 0551-62345678'
        : null
    case 'address':
      return length(form.address) > ADDRESS_MAX ? `地址不能超过 ${ADDRESS_MAX} 个字符` : null
    case 'expected_outcome':
      return length(form.expected_outcome) > OUTCOME_MAX ? `期望结果不能超过 ${OUTCOME_MAX} 个字符` : null
    case 'lon':
      return form.lon !== null && (form.lon < 73 || form.lon > 136) ? '经度应在 73 到 136 之间（中国境内）' : null
    case 'lat':
      return form.lat !== null && (form.lat < 3 || form.lat > 54) ? '纬度应在 3 到 54 之间（中国境内）' : null
    default:
      return null
  }
}

export const CASE_FORM_FIELDS: CaseFormField[] = [
  'channel',
  'title',
  'description',
  'category_code',
  'enterprise_id',
  'person_name',
  'person_phone',
  'address',
  'grid_id',
  'lon',
  'lat',
  'expected_outcome',
]

/** Every problem of the form, by field. */
export function validateCaseForm(form: CaseForm): Partial<Record<CaseFormField, string>> {
  const out: Partial<Record<CaseFormField, string>> = {}
  for (const f of CASE_FORM_FIELDS) {
    const m = validateCaseField(f, form)
    if (m) out[f] = m
  }
  return out
}

/** The request body: trimmed, blanks left out; the portal sends no enterprise (the account's own). */
export function toNewCaseBody(form: CaseForm, idempotencyKey: string): NewCaseBody {
  if (!form.channel) throw new Error('channel required')
  const opt = (s: string) => (s.trim() ? s.trim() : undefined)
  const body: NewCaseBody = {
    channel: form.channel,
    title: form.title.trim(),
    description: form.description.trim(),
    category_code: form.category_code,
    urgency: form.urgency,
    person_name: opt(form.person_name),
    person_phone: opt(form.person_phone),
    address: opt(form.address),
    expected_outcome: opt(form.expected_outcome),
    idempotency_key: idempotencyKey,
  }
  if (form.channel !== 'portal') {
    body.enterprise_id = opt(form.enterprise_id)
    body.grid_id = opt(form.grid_id)
    if (form.lon !== null) body.lon = form.lon
    if (form.lat !== null) body.lat = form.lat
  }
  for (const k of Object.keys(body) as (keyof NewCaseBody)[]) if (body[k] === undefined) delete body[k]
  return body
}

/** A fresh idempotency key for one form instance (UUID v4; works outside secure contexts too). */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto
  if (c && typeof c.randomUUID === 'function') {
    try {
      return c.randomUUID()
    } catch {
      // not a secure context: fall through
    }
  }
  const b = new Uint8Array(16)
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(b)
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256)
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

// ---- deadlines ---------------------------------------------------------------------------------

export type DeadlineLevel = 'overdue' | 'soon' | 'ok' | 'none'

/** A case is "due soon" when its handling deadline is less than this away (wall clock). */
export const DUE_SOON_MS = 24 * 3600 * 1000

/** Working hours in an office day (08:30–12:00, 14:00–17:30), for the rough "约 N 个工作日". */
export const WORKING_HOURS_PER_DAY = 7

const CLOCK_STATES: readonly string[] = ['dispatched', 'handling']

/** Red (overdue), orange (due within a day) or nothing, for a row of a list. */
export function deadlineLevel(c: Pick<CaseOut, 'overdue' | 'due_at' | 'state'>, now = Date.now()): DeadlineLevel {
  if (c.overdue) return 'overdue'
  if (!c.due_at || !CLOCK_STATES.includes(c.state)) return 'none'
  const due = new Date(c.due_at).getTime()
  if (Number.isNaN(due)) return 'none'
  if (due < now) return 'overdue'
  if (due - now <= DUE_SOON_MS) return 'soon'
  return 'ok'
}

/** 1234567 → "1.2 MB" */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${trimNumber(bytes / 1024)} KB`
  return `${trimNumber(bytes / 1024 / 1024)} MB`
}

function trimNumber(n: number): string {
  const r = Math.round(n * 10) / 10
  return Number.isInteger(r) ? String(r) : r.toFixed(1)
}

/** `working_hours_left` of the case page: "剩余 12.5 工时" or "已超期 3 工时". */
export function formatWorkingHours(h: number | null | undefined): { text: string; level: DeadlineLevel; hint: string } {
  if (h === null || h === undefined || Number.isNaN(h)) return { text: '—', level: 'none', hint: '' }
  if (h < 0) {
    const over = -h
    return {
      text: `已超期 ${trimNumber(over)} 工时`,
      level: 'overdue',
      hint: over >= WORKING_HOURS_PER_DAY ? `约 ${trimNumber(over / WORKING_HOURS_PER_DAY)} 个工作日` : '',
    }
  }
  return {
    text: `剩余 ${trimNumber(h)} 工时`,
    level: h <= WORKING_HOURS_PER_DAY ? 'soon' : 'ok',
    hint: h >= WORKING_HOURS_PER_DAY ? `约 ${trimNumber(h / WORKING_HOURS_PER_DAY)} 个工作日` : '',
  }
}

/** Overdue first, then due soon, then the rest; the server's order is kept within each group. */
export function sortQueue<T extends Pick<CaseOut, 'overdue' | 'due_at' | 'state'>>(items: readonly T[], now = Date.now()): T[] {
  const rank: Record<DeadlineLevel, number> = { overdue: 0, soon: 1, ok: 2, none: 2 }
  return items
    .map((c, i) => ({ c, i, r: rank[deadlineLevel(c, now)] }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.c)
}

// ---- list filters ↔ query ----------------------------------------------------------------------

export interface CaseFilters {
  q: string
  states: CaseState[]
  category: string
  unit_id: string
  street_id: string
  channel: string
  urgency: string
  overdue: boolean
  from: string
  to: string
  sort: CaseSort
}

/** 相关度 (only with a full-text search), 最新登记, 临近时限. */
export type CaseSort = 'relevance' | 'newest' | 'deadline'

export const SORT_NAMES: Record<CaseSort, string> = { relevance: '相关度', newest: '最新登记', deadline: '临近时限' }

/** The order a list gets unless another is chosen: by relevance when searching, else newest first. */
export function defaultSort(q: string): CaseSort {
  return q.trim() ? 'relevance' : 'newest'
}

export function emptyFilters(): CaseFilters {
  return {
    q: '',
    states: [],
    category: '',
    unit_id: '',
    street_id: '',
    channel: '',
    urgency: '',
    overdue: false,
    from: '',
    to: '',
    sort: 'newest',
  }
}

/** The API query of the list and of the export (blank filters left out). */
export function filtersToQuery(f: CaseFilters): CaseQuery {
  const q: CaseQuery = {}
  if (f.q.trim()) q.q = f.q.trim()
  if (f.states.length) q.state = f.states.join(',')
  if (f.category) q.category = f.category
  if (f.unit_id) q.unit_id = f.unit_id
  if (f.street_id) q.street_id = f.street_id
  if (f.channel) q.channel = f.channel
  if (f.urgency) q.urgency = f.urgency
  if (f.overdue) q.overdue = true
  if (f.from) q.from = f.from
  if (f.to) q.to = f.to
  // 相关度 needs a search; with a search the order is always sent (the server ranks by relevance then)
  if (q.q) q.sort = f.sort
  else if (f.sort === 'deadline') q.sort = 'deadline'
  return q
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/

/** Filters from the page URL (`/cases?state=handling,replied&overdue=true`); unknown values are dropped. */
export function filtersFromRoute(query: LocationQuery): CaseFilters {
  const one = (k: string): string => {
    const v = query[k]
    const s = Array.isArray(v) ? v[0] : v
    return typeof s === 'string' ? s : ''
  }
  const f = emptyFilters()
  f.q = one('q')
  f.states = one('state')
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is CaseState => (CASE_STATE_ORDER as string[]).includes(s))
  f.category = one('category')
  f.unit_id = one('unit_id')
  f.street_id = one('street_id')
  f.channel = one('channel')
  f.urgency = one('urgency')
  f.overdue = one('overdue') === 'true'
  f.from = DATE_RE.test(one('from')) ? one('from') : ''
  f.to = DATE_RE.test(one('to')) ? one('to') : ''
  const sort = one('sort')
  f.sort = sort === 'deadline' || sort === 'newest' || (sort === 'relevance' && f.q.trim()) ? (sort as CaseSort) : defaultSort(f.q)
  return f
}

/** The URL query that reproduces the filters (strings only, for the router); the default order is left out. */
export function filtersToRoute(f: CaseFilters): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(filtersToQuery(f))) out[k] = String(v)
  if (out.sort === defaultSort(f.q)) delete out.sort
  return out
}

// ---- timeline ----------------------------------------------------------------------------------

/**
 * Times inside event details: RFC 3339, or the server's `2026-12-02 17:30:00.0 +08:00:00`
 * → "2026-12-02 17:30" (shown as written: the zone works in +08:00).
 */
export function looseDateTime(s: unknown): string {
  if (typeof s !== 'string') return ''
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(s)
  return m ? `${m[1]} ${m[2]}` : s
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : ''
}

/** Human lines for the detail of one event (reasons, notes, replies, units, deadlines). */
export function eventDetailLines(e: Pick<CaseEventOut, 'action' | 'detail'>): string[] {
  const d = (e.detail ?? {}) as Record<string, unknown>
  const out: string[] = []
  const push = (label: string, v: unknown) => {
    const s = str(v)
    if (s) out.push(`${label}：${s}`)
  }
  switch (e.action) {
    case 'file':
      if (d.channel_name) out.push(`渠道：${str(d.channel_name)}${d.accepted ? '（登记即受理）' : ''}`)
      break
    case 'dispatch':
    case 'reassign': {
      const lead = d.lead as { name?: string } | undefined
      const assists = (Array.isArray(d.assists) ? d.assists : []) as { name?: string }[]
      if (e.action === 'reassign') push('改派理由', d.reason)
      if (lead?.name) out.push(`主办：${lead.name}`)
      if (assists.length) out.push(`协办：${assists.map((a) => a.name).join('、')}`)
      const times = [
        d.sign_by ? `签收时限 ${looseDateTime(d.sign_by)}` : '',
        d.due_at ? `办结时限 ${looseDateTime(d.due_at)}` : '',
      ].filter(Boolean)
      if (times.length) out.push(times.join('，'))
      const corr = d.category_corrected as { from?: string; to?: string } | null | undefined
      if (corr && corr.from && corr.to) out.push(`分类更正：${corr.from} → ${corr.to}`)
      push('派单说明', d.note)
      break
    }
    case 'sign':
      if (d.unit) out.push(`${str(d.unit)}（${d.role === 'lead' ? '主办' : '协办'}）签收${d.late ? '，已超过签收时限' : ''}`)
      break
    case 'reply':
      if (d.unit) out.push(`${str(d.unit)}（${d.lead ? '主办' : '协办'}）答复：${str(d.text)}`)
      else push('答复', d.text)
      break
    case 'verify':
      push(d.pass === false ? '核查意见' : '说明', d.note)
      break
    case 'rate': {
      const label = str(d.label)
      if (label) out.push(`评价：${label}${d.revisit ? '（回访）' : ''}`)
      push('评价意见', d.comment)
      if (d.rework) out.push('转主办单位重办')
      break
    }
    case 'reject':
    case 'return':
      push(e.action === 'reject' ? '不予受理理由' : '退回理由', d.reason)
      if (e.action === 'return' && d.to_supervisor) out.push('退回次数已达上限，转督查裁定')
      break
    case 'withdraw':
      push('撤回说明', d.reason)
      break
    case 'request_extension':
      if (d.days) out.push(`延期 ${str(d.days)} 个工作日`)
      push('理由', d.reason)
      break
    case 'request_pause':
      push('理由', d.reason)
      if (d.review_on) out.push(`复核日期：${str(d.review_on)}`)
      break
    case 'decide_extension':
    case 'approve_pause': {
      const kind = REQUEST_KIND_NAMES[str(d.kind)] ?? ''
      if (kind) out.push(`${d.approved === false ? '驳回' : '批准'}${kind}申请${d.days ? `（${str(d.days)} 个工作日）` : ''}`)
      if (d.due_at) out.push(`新的办结时限：${looseDateTime(d.due_at)}`)
      if (d.review_on) out.push(`复核日期：${str(d.review_on)}`)
      push('审批意见', d.note)
      break
    }
    case 'resume': {
      const m = Number(d.paused_working_minutes)
      if (m > 0) out.push(`挂起 ${trimNumber(m / 60)} 工时，时限相应顺延`)
      push('说明', d.note)
      break
    }
    case 'merge':
      push('并入案件', d.master_case_no)
      break
    case 'supervisor_close':
    case 'supervisor_redispatch':
      push('裁定意见', d.note)
      break
    case 'supervise':
      if (d.level_name) out.push(`${str(d.level_name)}督办，反馈期限 ${looseDateTime(d.deadline)}`)
      push('督办要求', d.note)
      break
    case 'acknowledge_supervision':
      out.push('主办单位已签收督办单')
      break
    case 'attach': {
      const size = Number(d.size)
      if (d.file_name) out.push(`附件：${str(d.file_name)}${size > 0 ? `（${formatSize(size)}）` : ''}`)
      push('说明', d.note)
      break
    }
    case 'sign_overdue':
    case 'due_soon':
    case 'overdue':
    case 'escalate': {
      const who = d.unit ? `${str(d.unit)}${d.role === 'lead' ? '（主办）' : d.role === 'assist' ? '（协办）' : ''}` : ''
      const what: Record<string, string> = {
        sign_overdue: '签收超时，已提醒',
        due_soon: '不足 1 个工作日到期，已提醒',
        overdue: '已超过办结时限，已催办',
        escalate_head: '超期 1 个工作日，已上报单位负责人',
        escalate_up: '超期 3 个工作日，已上报上级',
      }
      const text = what[str(d.kind)] ?? ''
      if (who || text) out.push([who, text].filter(Boolean).join(''))
      const to = Array.isArray(d.escalated_to) ? (d.escalated_to as unknown[]).map(str).filter(Boolean) : []
      if (to.length) out.push(`已通知：${to.join('、')}`)
      break
    }
    case 'supervision_overdue':
      out.push('督办单逾期未签收，已上报领导')
      break
    case 'remind':
      push('催办意见', d.note)
      if (typeof d.units === 'number') out.push(`已通知 ${d.units} 个承办单位`)
      break
    default:
      push('说明', d.note)
      push('理由', d.reason)
  }
  return out
}

/** Where a case opens for the account: the portal has its own page. */
export function casePath(id: string, role: Role | null | undefined): string {
  return role === 'enterprise' ? `/portal/cases/${id}` : `/cases/${id}`
}

// ---- time limits -------------------------------------------------------------------------------

export interface SlaLimits {
  sign_hours: number
  handle_days: number
}

/** Built-in limits when no rule applies (the server's `SlaRule::default_for`). */
export const DEFAULT_SLA: Record<Urgency, SlaLimits> = {
  urgent: { sign_hours: 1, handle_days: 1 },
  normal: { sign_hours: 4, handle_days: 5 },
}

/** The rule for a category and urgency: the category's own, else its parent's (QY for QY01), else `*`. */
export function slaFor(
  rules: readonly { category_code: string; urgency: string; sign_hours: number; handle_days: number }[],
  category: string,
  urgency: Urgency,
): SlaLimits & { source: 'category' | 'parent' | 'default_rule' | 'builtin' } {
  const parent = category.slice(0, 2)
  const tries: [string, 'category' | 'parent' | 'default_rule'][] = [
    [category, 'category'],
    [parent, 'parent'],
    ['*', 'default_rule'],
  ]
  for (const [code, source] of tries) {
    if (!code) continue
    const r = rules.find((x) => x.category_code === code && x.urgency === urgency)
    if (r) return { sign_hours: r.sign_hours, handle_days: r.handle_days, source }
  }
  return { ...DEFAULT_SLA[urgency], source: 'builtin' }
}

/** A notification's body without the case number its title already names. */
export function notificationBody(n: { title: string; body: string }): string {
  const m = /^(JB\d{8}-\d+)\s+/.exec(n.body)
  return m && n.title.includes(m[1]!) ? n.body.slice(m[0].length) : n.body
}

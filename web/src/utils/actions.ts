// The action bar of the case page: each `allowed_actions` code → its button, the dialog it opens
// (which fields), the client-side checks, and the request it sends (POST /cases/{id}/<step>).

import type { CaseStep } from '@/api'
import type { DispatchBody, Satisfaction, SupervisionLevel, Urgency } from '@/api/types'

export type DialogKind =
  | 'confirm'
  | 'note'
  | 'reason'
  | 'reply'
  | 'verify'
  | 'rate'
  | 'dispatch'
  | 'extension'
  | 'pause'
  | 'decide'
  | 'merge'
  | 'supervisor'
  | 'supervise'
  | 'acknowledge'

type ButtonType = 'primary' | 'success' | 'warning' | 'danger' | 'default'

export interface ActionDef {
  code: string
  /** the button */
  label: string
  type: ButtonType
  /** the dialog title */
  title: string
  dialog: DialogKind
  step: CaseStep
  /** the fields the dialog shows (server field names, so a 422 `field` marks the right one) */
  fields: readonly ActionField[]
  /** the label of the reason / note field */
  textLabel?: string
  /** a line of help at the top of the dialog */
  hint?: string
  /** the dialog's submit button (default “确定” + label) */
  submit?: string
}

export type ActionField =
  | 'note'
  | 'reason'
  | 'text'
  | 'pass'
  | 'level'
  | 'comment'
  | 'days'
  | 'kind'
  | 'review_on'
  | 'request_id'
  | 'approve'
  | 'master_id'
  | 'lead_unit_id'
  | 'assist_unit_ids'
  | 'category_code'
  | 'urgency'
  | 'order_id'

const DISPATCH_FIELDS: ActionField[] = ['lead_unit_id', 'assist_unit_ids', 'note', 'category_code', 'urgency']

export const ACTIONS: Record<string, ActionDef> = {
  accept: { code: 'accept', label: '受理', type: 'primary', title: '受理诉求', dialog: 'note', step: 'accept', fields: ['note'], textLabel: '受理说明', hint: '受理后进入待派单。' },
  reject: { code: 'reject', label: '不予受理', type: 'danger', title: '不予受理', dialog: 'reason', step: 'reject', fields: ['reason'], textLabel: '不予受理理由', hint: '理由将告知诉求人。' },
  withdraw: { code: 'withdraw', label: '撤回诉求', type: 'warning', title: '撤回诉求', dialog: 'note', step: 'withdraw', fields: ['note'], textLabel: '撤回说明', hint: '撤回后该诉求不再办理，且不可恢复。' },
  dispatch: { code: 'dispatch', label: '派单', type: 'primary', title: '派单', dialog: 'dispatch', step: 'dispatch', fields: DISPATCH_FIELDS },
  reassign: { code: 'reassign', label: '改派', type: 'warning', title: '改派', dialog: 'dispatch', step: 'reassign', fields: [...DISPATCH_FIELDS, 'reason'], textLabel: '改派理由', hint: '改派将撤销现有承办单位，按新的主办、协办单位重新计时。' },
  sign: { code: 'sign', label: '签收', type: 'primary', title: '签收', dialog: 'confirm', step: 'sign', fields: [], hint: '确认本单位签收该诉求？签收后开始办理。' },
  return: { code: 'return', label: '退回', type: 'danger', title: '退回派单', dialog: 'reason', step: 'return', fields: ['reason'], textLabel: '退回理由', hint: '非本单位职责时退回，由派单员重新派单。' },
  reply: { code: 'reply', label: '答复', type: 'primary', title: '答复', dialog: 'reply', step: 'reply', fields: ['text'], textLabel: '答复内容', submit: '提交答复' },
  verify: { code: 'verify', label: '核查', type: 'primary', title: '核查办理结果', dialog: 'verify', step: 'verify', fields: ['pass', 'note'], textLabel: '核查意见', submit: '提交核查结果' },
  rate: { code: 'rate', label: '评价', type: 'primary', title: '评价办理结果', dialog: 'rate', step: 'rate', fields: ['level', 'comment'], textLabel: '评价意见', submit: '提交评价' },
  request_extension: { code: 'request_extension', label: '申请延期', type: 'default', title: '申请延期', dialog: 'extension', step: 'extensions', fields: ['days', 'reason'], textLabel: '延期理由', submit: '提交申请' },
  request_pause: { code: 'request_pause', label: '申请挂起/挂账', type: 'default', title: '申请挂起/挂账', dialog: 'pause', step: 'pauses', fields: ['kind', 'reason', 'review_on'], textLabel: '理由', hint: '挂起：暂停计时，条件具备后恢复办理；挂账：短期内无法解决，定期复核。', submit: '提交申请' },
  decide: { code: 'decide', label: '审批申请', type: 'warning', title: '审批申请', dialog: 'decide', step: 'decide', fields: ['request_id', 'approve', 'note'], textLabel: '审批意见', submit: '提交审批' },
  resume: { code: 'resume', label: '恢复办理', type: 'primary', title: '恢复办理', dialog: 'note', step: 'resume', fields: ['note'], textLabel: '说明', hint: '挂起期间不计入办理时限，时限将相应顺延。' },
  merge: { code: 'merge', label: '并单', type: 'default', title: '并单', dialog: 'merge', step: 'merge', fields: ['master_id'], hint: '本诉求与另一在办案件为同一事项时并入该案件，一并答复。' },
  supervisor_close: { code: 'supervisor_close', label: '裁定办结', type: 'success', title: '督查裁定：办结', dialog: 'supervisor', step: 'supervisor-decision', fields: ['note'], textLabel: '裁定意见' },
  supervisor_redispatch: { code: 'supervisor_redispatch', label: '裁定重派', type: 'warning', title: '督查裁定：重新派单', dialog: 'supervisor', step: 'supervisor-decision', fields: ['note'], textLabel: '裁定意见' },
  supervise: { code: 'supervise', label: '督办', type: 'danger', title: '督办', dialog: 'supervise', step: 'supervise', fields: ['level', 'days', 'note'], textLabel: '督办要求', hint: '向主办单位下发督办单，主办单位须在期限内签收；重点、挂牌督办同时短信通知单位负责人。' },
  acknowledge_supervision: { code: 'acknowledge_supervision', label: '签收督办', type: 'danger', title: '签收督办', dialog: 'acknowledge', step: 'supervise/acknowledge', fields: ['order_id'], submit: '确认签收' },
  remind: { code: 'remind', label: '催办', type: 'warning', title: '催办', dialog: 'note', step: 'remind', fields: ['note'], textLabel: '催办意见', hint: '向尚未签收或仍在办理的承办单位发送催办通知。' },
}

/** The order of the buttons: the step that moves the case on comes first. */
export const ACTION_ORDER = Object.keys(ACTIONS)

/** The buttons for `allowed_actions`, in order; codes the page does not know are left out. */
export function actionsFor(allowed: readonly string[]): ActionDef[] {
  const set = new Set(allowed)
  return ACTION_ORDER.filter((c) => set.has(c)).map((c) => ACTIONS[c]!)
}

export interface ActionForm {
  note: string
  reason: string
  text: string
  pass: boolean
  /** 评价 (satisfaction) or 督办 level */
  level: Satisfaction | SupervisionLevel | ''
  comment: string
  days: number
  kind: 'pause' | 'park'
  review_on: string
  request_id: string
  approve: boolean
  master_id: string
  lead_unit_id: string
  assist_unit_ids: string[]
  /** the category after correction (pre-filled with the case's) */
  category_code: string
  urgency: Urgency | ''
  order_id: string
}

export function emptyActionForm(init: Partial<ActionForm> = {}): ActionForm {
  return {
    note: '',
    reason: '',
    text: '',
    pass: true,
    level: '',
    comment: '',
    days: 3,
    kind: 'pause',
    review_on: '',
    request_id: '',
    approve: true,
    master_id: '',
    lead_unit_id: '',
    assist_unit_ids: [],
    category_code: '',
    urgency: '',
    order_id: '',
    ...init,
  }
}

const len = (s: string) => [...s.trim()].length

function maxLen(out: Record<string, string>, field: ActionField, label: string, v: string, max: number) {
  if (len(v) > max) out[field] = `${label}不能超过 ${max} 个字符（当前 ${len(v)} 个）`
}

/** Client-side checks before sending (the server checks again). */
export function validateAction(code: string, f: ActionForm, today = new Date()): Partial<Record<ActionField, string>> {
  const def = ACTIONS[code]
  const out: Record<string, string> = {}
  if (!def) return out
  const label = def.textLabel ?? '说明'
  switch (def.dialog) {
    case 'note':
      maxLen(out, 'note', label, f.note, code === 'remind' ? 500 : 1000)
      break
    case 'reason':
      if (!f.reason.trim()) out.reason = `请填写${label}`
      maxLen(out, 'reason', label, f.reason, 500)
      break
    case 'reply':
      if (!f.text.trim()) out.text = '请填写答复内容'
      maxLen(out, 'text', '答复内容', f.text, 4000)
      break
    case 'verify':
      if (!f.pass && !f.note.trim()) out.note = '核查不通过时须填写核查意见'
      maxLen(out, 'note', '核查意见', f.note, 1000)
      break
    case 'rate':
      if (!f.level) out.level = '请选择评价'
      maxLen(out, 'comment', '评价意见', f.comment, 1000)
      break
    case 'dispatch':
      if (!f.lead_unit_id) out.lead_unit_id = '请选择主办单位'
      if (f.assist_unit_ids.includes(f.lead_unit_id)) out.assist_unit_ids = '协办单位不能与主办单位重复'
      else if (f.assist_unit_ids.length > 10) out.assist_unit_ids = '协办单位最多 10 个'
      maxLen(out, 'note', '派单说明', f.note, 1000)
      if (code === 'reassign') {
        if (!f.reason.trim()) out.reason = '请填写改派理由'
        maxLen(out, 'reason', '改派理由', f.reason, 500)
      }
      break
    case 'extension':
      if (!Number.isInteger(f.days) || f.days < 1 || f.days > 15) out.days = '延期天数应为 1 到 15 个工作日'
      if (!f.reason.trim()) out.reason = '请填写延期理由'
      maxLen(out, 'reason', '延期理由', f.reason, 500)
      break
    case 'pause': {
      if (!f.reason.trim()) out.reason = f.kind === 'park' ? '请填写挂账理由' : '请填写挂起理由'
      maxLen(out, 'reason', '理由', f.reason, 500)
      if (f.kind === 'park') {
        if (!f.review_on) out.review_on = '挂账须填写复核日期'
        else if (f.review_on <= isoDate(today)) out.review_on = '复核日期应晚于今天'
      }
      break
    }
    case 'decide':
      if (!f.request_id) out.request_id = '请选择要审批的申请'
      maxLen(out, 'note', '审批意见', f.note, 1000)
      break
    case 'merge':
      if (!f.master_id) out.master_id = '请选择要并入的主案件'
      break
    case 'supervisor':
      if (!f.note.trim()) out.note = '请填写裁定意见'
      maxLen(out, 'note', '裁定意见', f.note, 1000)
      break
    case 'supervise':
      if (!['general', 'key', 'listed'].includes(f.level)) out.level = '请选择督办级别'
      if (!Number.isInteger(f.days) || f.days < 1 || f.days > 30) out.days = '督办时限应为 1 到 30 个工作日'
      if (!f.note.trim()) out.note = '请填写督办要求'
      maxLen(out, 'note', '督办要求', f.note, 1000)
      break
    case 'acknowledge':
      if (!f.order_id) out.order_id = '请选择要签收的督办单'
      break
    case 'confirm':
      break
  }
  return out
}

function isoDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

const opt = (s: string) => (s.trim() ? s.trim() : undefined)

/** The dispatch body; the category and urgency are sent only when changed. */
export function dispatchBody(
  f: Pick<ActionForm, 'lead_unit_id' | 'assist_unit_ids' | 'note' | 'category_code' | 'urgency'>,
  current?: { category_code: string; urgency: Urgency },
): DispatchBody {
  const body: DispatchBody = { lead_unit_id: f.lead_unit_id, assist_unit_ids: [...f.assist_unit_ids] }
  const note = opt(f.note)
  if (note) body.note = note
  if (f.category_code && f.category_code !== current?.category_code) body.category_code = f.category_code
  if (f.urgency && f.urgency !== current?.urgency) body.urgency = f.urgency
  return body
}

/** The request an action sends: its step and JSON body. */
export function actionRequest(
  code: string,
  f: ActionForm,
  current?: { category_code: string; urgency: Urgency },
): { step: CaseStep; body: object } {
  const def = ACTIONS[code]
  if (!def) throw new Error(`unknown action ${code}`)
  const note = opt(f.note)
  switch (code) {
    case 'accept':
    case 'withdraw':
    case 'resume':
    case 'remind':
      return { step: def.step, body: note ? { note } : {} }
    case 'reject':
    case 'return':
      return { step: def.step, body: { reason: f.reason.trim() } }
    case 'sign':
      return { step: 'sign', body: {} }
    case 'reply':
      return { step: 'reply', body: { text: f.text.trim() } }
    case 'verify':
      return { step: 'verify', body: note ? { pass: f.pass, note } : { pass: f.pass } }
    case 'rate': {
      const comment = opt(f.comment)
      return { step: 'rate', body: comment ? { level: f.level, comment } : { level: f.level } }
    }
    case 'dispatch':
      return { step: 'dispatch', body: dispatchBody(f, current) }
    case 'reassign':
      return { step: 'reassign', body: { ...dispatchBody(f, current), reason: f.reason.trim() } }
    case 'request_extension':
      return { step: 'extensions', body: { days: f.days, reason: f.reason.trim() } }
    case 'request_pause':
      return {
        step: 'pauses',
        body: f.kind === 'park' ? { kind: 'park', reason: f.reason.trim(), review_on: f.review_on } : { kind: 'pause', reason: f.reason.trim() },
      }
    case 'decide':
      return { step: 'decide', body: note ? { request_id: f.request_id, approve: f.approve, note } : { request_id: f.request_id, approve: f.approve } }
    case 'merge':
      return { step: 'merge', body: { master_id: f.master_id } }
    case 'supervisor_close':
      return { step: 'supervisor-decision', body: { decision: 'close', note: f.note.trim() } }
    case 'supervisor_redispatch':
      return { step: 'supervisor-decision', body: { decision: 'redispatch', note: f.note.trim() } }
    case 'supervise':
      return { step: 'supervise', body: { level: f.level, days: f.days, note: f.note.trim() } }
    case 'acknowledge_supervision':
      return { step: 'supervise/acknowledge', body: { order_id: f.order_id } }
    default:
      throw new Error(`unknown action ${code}`)
  }
}

/** Success message after an action. */
export function doneMessage(code: string, f?: ActionForm): string {
  switch (code) {
    case 'verify':
      return f && !f.pass ? '已退回主办单位继续办理' : '核查通过，已转诉求人评价'
    case 'rate':
      return f?.level === 'unsatisfied' ? '评价已提交，诉求将重新办理' : '评价已提交，感谢您的反馈'
    case 'remind':
      return '已催办'
    case 'request_extension':
    case 'request_pause':
      return '申请已提交，等待审批'
    case 'supervise':
      return '督办单已下发'
    case 'acknowledge_supervision':
      return '已签收督办'
    case 'decide':
      return f && !f.approve ? '已驳回申请' : '已批准申请'
    default:
      return `${ACTIONS[code]?.label ?? '操作'}成功`
  }
}

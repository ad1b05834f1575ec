import { describe, expect, it } from 'vitest'
import { ACTIONS, actionRequest, actionsFor, dispatchBody, doneMessage, emptyActionForm, validateAction } from '@/utils/actions'

const ALL_SERVER_CODES = [
  'accept',
  'reject',
  'withdraw',
  'dispatch',
  'reassign',
  'sign',
  'return',
  'reply',
  'verify',
  'rate',
  'request_extension',
  'request_pause',
  'decide',
  'resume',
  'merge',
  'supervisor_close',
  'supervisor_redispatch',
  'remind',
  'supervise',
  'acknowledge_supervision',
]

describe('action bar', () => {
  it('knows every action code the server may allow', () => {
    for (const c of ALL_SERVER_CODES) expect(ACTIONS[c], c).toBeDefined()
  })

  it('shows only the allowed actions, in a fixed order, skipping unknown codes', () => {
    expect(actionsFor(['remind', 'merge', 'reassign', 'future_thing']).map((a) => a.label)).toEqual(['改派', '并单', '催办'])
    expect(actionsFor(['reject', 'accept']).map((a) => a.code)).toEqual(['accept', 'reject'])
    expect(actionsFor([])).toEqual([])
  })

  it('maps each action to its dialog', () => {
    const kinds = Object.fromEntries(ALL_SERVER_CODES.map((c) => [c, ACTIONS[c]!.dialog]))
    expect(kinds).toMatchObject({
      accept: 'note',
      reject: 'reason',
      sign: 'confirm',
      dispatch: 'dispatch',
      reassign: 'dispatch',
      reply: 'reply',
      verify: 'verify',
      rate: 'rate',
      request_extension: 'extension',
      request_pause: 'pause',
      decide: 'decide',
      merge: 'merge',
      supervisor_close: 'supervisor',
      remind: 'note',
      supervise: 'supervise',
      acknowledge_supervision: 'acknowledge',
    })
  })
})

describe('validation before sending', () => {
  it('requires reasons where the server does', () => {
    expect(validateAction('reject', emptyActionForm())).toEqual({ reason: '请填写不予受理理由' })
    expect(validateAction('return', emptyActionForm({ reason: '  ' }))).toEqual({ reason: '请填写退回理由' })
    expect(validateAction('accept', emptyActionForm())).toEqual({})
    expect(validateAction('sign', emptyActionForm())).toEqual({})
    expect(validateAction('reply', emptyActionForm())).toEqual({ text: '请填写答复内容' })
  })

  it('verify needs a note only when failing', () => {
    expect(validateAction('verify', emptyActionForm({ pass: true }))).toEqual({})
    expect(validateAction('verify', emptyActionForm({ pass: false }))).toEqual({ note: '核查不通过时须填写核查意见' })
    expect(validateAction('verify', emptyActionForm({ pass: false, note: '答复不完整' }))).toEqual({})
  })

  it('rate needs a level', () => {
    expect(validateAction('rate', emptyActionForm())).toEqual({ level: '请选择评价' })
    expect(validateAction('rate', emptyActionForm({ level: 'unsatisfied' }))).toEqual({})
  })

  it('dispatch needs a lead unit, distinct assists, at most 10', () => {
    expect(validateAction('dispatch', emptyActionForm())).toEqual({ lead_unit_id: '请选择主办单位' })
    expect(validateAction('dispatch', emptyActionForm({ lead_unit_id: 'a', assist_unit_ids: ['a'] }))).toEqual({
      assist_unit_ids: '协办单位不能与主办单位重复',
    })
    const many = Array.from({ length: 11 }, (_, i) => `u${i}`)
    expect(validateAction('dispatch', emptyActionForm({ lead_unit_id: 'a', assist_unit_ids: many }))).toHaveProperty('assist_unit_ids')
    expect(validateAction('reassign', emptyActionForm({ lead_unit_id: 'a' }))).toEqual({ reason: '请填写改派理由' })
  })

  it('extension days 1–15; park needs a later review date', () => {
    expect(validateAction('request_extension', emptyActionForm({ days: 16, reason: 'x' }))).toEqual({ days: '延期天数应为 1 到 15 个工作日' })
    expect(validateAction('request_extension', emptyActionForm({ days: 15, reason: 'x' }))).toEqual({})
    const today = new Date('2026-11-25T10:00:00+08:00')
    expect(validateAction('request_pause', emptyActionForm({ kind: 'park', reason: '资金未到位' }), today)).toEqual({ review_on: '挂账须填写复核日期' })
    expect(validateAction('request_pause', emptyActionForm({ kind: 'park', reason: '资金未到位', review_on: '2026-11-25' }), today)).toEqual({
      review_on: '复核日期应晚于今天',
    })
    expect(validateAction('request_pause', emptyActionForm({ kind: 'park', reason: '资金未到位', review_on: '2026-12-25' }), today)).toEqual({})
    expect(validateAction('request_pause', emptyActionForm({ kind: 'pause', reason: '等待鉴定' }), today)).toEqual({})
  })

  it('supervisor decisions and 督办 need their note', () => {
    expect(validateAction('supervisor_close', emptyActionForm())).toEqual({ note: '请填写裁定意见' })
    expect(validateAction('supervise', emptyActionForm({ level: 'key', days: 31 }))).toEqual({
      days: '督办时限应为 1 到 30 个工作日',
      note: '请填写督办要求',
    })
    expect(validateAction('acknowledge_supervision', emptyActionForm())).toEqual({ order_id: '请选择要签收的督办单' })
  })

  it('checks lengths', () => {
    expect(validateAction('reply', emptyActionForm({ text: '字'.repeat(4001) })).text).toMatch(/4000/)
    expect(validateAction('remind', emptyActionForm({ note: '字'.repeat(501) })).note).toMatch(/500/)
  })
})

describe('requests', () => {
  const current = { category_code: 'QY01', urgency: 'normal' as const }

  it('builds each step and body', () => {
    expect(actionRequest('accept', emptyActionForm(), current)).toEqual({ step: 'accept', body: {} })
    expect(actionRequest('accept', emptyActionForm({ note: ' 予以受理 ' }))).toEqual({ step: 'accept', body: { note: '予以受理' } })
    expect(actionRequest('sign', emptyActionForm())).toEqual({ step: 'sign', body: {} })
    expect(actionRequest('reply', emptyActionForm({ text: ' 已办结 ' }))).toEqual({ step: 'reply', body: { text: '已办结' } })
    expect(actionRequest('verify', emptyActionForm({ pass: false, note: '不完整' }))).toEqual({ step: 'verify', body: { pass: false, note: '不完整' } })
    expect(actionRequest('verify', emptyActionForm())).toEqual({ step: 'verify', body: { pass: true } })
    expect(actionRequest('rate', emptyActionForm({ level: 'satisfied' }))).toEqual({ step: 'rate', body: { level: 'satisfied' } })
    expect(actionRequest('request_extension', emptyActionForm({ days: 5, reason: '需协调' }))).toEqual({
      step: 'extensions',
      body: { days: 5, reason: '需协调' },
    })
    expect(actionRequest('request_pause', emptyActionForm({ kind: 'park', reason: 'r', review_on: '2026-12-01' }))).toEqual({
      step: 'pauses',
      body: { kind: 'park', reason: 'r', review_on: '2026-12-01' },
    })
    expect(actionRequest('request_pause', emptyActionForm({ kind: 'pause', reason: 'r', review_on: '2026-12-01' }))).toEqual({
      step: 'pauses',
      body: { kind: 'pause', reason: 'r' },
    })
    expect(actionRequest('decide', emptyActionForm({ request_id: 'r1', approve: false }))).toEqual({
      step: 'decide',
      body: { request_id: 'r1', approve: false },
    })
    expect(actionRequest('supervisor_redispatch', emptyActionForm({ note: '重新派单' }))).toEqual({
      step: 'supervisor-decision',
      body: { decision: 'redispatch', note: '重新派单' },
    })
    expect(actionRequest('merge', emptyActionForm({ master_id: 'm' }))).toEqual({ step: 'merge', body: { master_id: 'm' } })
    expect(actionRequest('remind', emptyActionForm())).toEqual({ step: 'remind', body: {} })
    expect(actionRequest('supervise', emptyActionForm({ level: 'listed', days: 5, note: '限期办结' }))).toEqual({
      step: 'supervise',
      body: { level: 'listed', days: 5, note: '限期办结' },
    })
    expect(actionRequest('acknowledge_supervision', emptyActionForm({ order_id: 'o1' }))).toEqual({
      step: 'supervise/acknowledge',
      body: { order_id: 'o1' },
    })
    expect(() => actionRequest('nope', emptyActionForm())).toThrow()
  })

  it('sends a category or urgency correction on dispatch only when changed', () => {
    const f = emptyActionForm({ lead_unit_id: 'L', assist_unit_ids: ['A'], category_code: 'QY01', urgency: 'normal' })
    expect(dispatchBody(f, current)).toEqual({ lead_unit_id: 'L', assist_unit_ids: ['A'] })
    expect(dispatchBody({ ...f, category_code: 'QY02', urgency: 'urgent', note: ' 加急 ' }, current)).toEqual({
      lead_unit_id: 'L',
      assist_unit_ids: ['A'],
      category_code: 'QY02',
      urgency: 'urgent',
      note: '加急',
    })
    expect(actionRequest('reassign', { ...f, reason: '职责不符' }, current)).toEqual({
      step: 'reassign',
      body: { lead_unit_id: 'L', assist_unit_ids: ['A'], reason: '职责不符' },
    })
  })

  it('says what happened', () => {
    expect(doneMessage('dispatch')).toBe('派单成功')
    expect(doneMessage('rate', emptyActionForm({ level: 'unsatisfied' }))).toMatch(/重新办理/)
    expect(doneMessage('verify', emptyActionForm({ pass: false }))).toMatch(/退回主办单位/)
  })
})

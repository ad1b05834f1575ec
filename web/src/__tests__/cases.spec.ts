import { describe, expect, it } from 'vitest'
import {
  canFile,
  casePath,
  channelsFor,
  deadlineLevel,
  emptyCaseForm,
  emptyFilters,
  eventDetailLines,
  filtersFromRoute,
  filtersToQuery,
  filtersToRoute,
  formatWorkingHours,
  isPhone,
  looseDateTime,
  newIdempotencyKey,
  notificationBody,
  requiredFields,
  slaFor,
  sortQueue,
  toNewCaseBody,
  validateCaseField,
  validateCaseForm,
  type CaseForm,
} from '@/utils/cases'
import { eventActionName } from '@/utils/labels'

function form(init: Partial<CaseForm> = {}): CaseForm {
  return { ...emptyCaseForm('hotline'), title: '路灯不亮', description: '小区路灯连续多晚不亮', category_code: 'CS01', ...init }
}

describe('channels by role', () => {
  it('mirrors the server: who may file through which channel', () => {
    expect(channelsFor('intake')).toEqual(['hotline', 'leader', 'superior', 'visit'])
    expect(channelsFor('grid_worker')).toEqual(['grid', 'inspection'])
    expect(channelsFor('dispatcher')).toEqual(['leader', 'superior', 'visit'])
    expect(channelsFor('leader')).toEqual(['leader'])
    expect(channelsFor('supervisor')).toEqual(['inspection'])
    expect(channelsFor('handler')).toEqual(['visit', 'inspection'])
    expect(channelsFor('enterprise')).toEqual(['portal'])
    expect(channelsFor('admin')).toEqual([])
    expect(canFile('admin')).toBe(false)
    expect(canFile('dept_head')).toBe(true)
    expect(channelsFor(null)).toEqual([])
  })
})

describe('required fields by channel', () => {
  it('hotline needs the caller, grid needs the grid and the place', () => {
    expect(requiredFields('hotline')).toEqual(expect.arrayContaining(['person_name', 'person_phone']))
    expect(requiredFields('hotline')).not.toContain('grid_id')
    expect(requiredFields('grid')).toEqual(expect.arrayContaining(['grid_id', 'address']))
    expect(requiredFields('grid')).not.toContain('person_phone')
    for (const ch of ['portal', 'leader', 'visit'] as const) {
      expect(requiredFields(ch)).toEqual(['channel', 'title', 'description', 'category_code'])
    }
  })

  it('validates a hotline form field by field', () => {
    const f = form()
    expect(validateCaseField('person_name', f)).toBe('热线诉求须登记来电人姓名和电话')
    expect(validateCaseField('person_phone', f)).toBe('热线诉求须登记来电人姓名和电话')
    f.person_name = '张三'
    f.person_phone = '1380013'
    expect(validateCaseField('person_name', f)).toBeNull()
    expect(validateCaseField('person_phone', f)).toMatch(/格式不正确/)
    f.person_phone = '13800138000'
    expect(validateCaseForm(f)).toEqual({})
  })

  it('the same fields are optional on other channels, and grid reports need grid and place', () => {
    expect(validateCaseForm(form({ channel: 'visit' }))).toEqual({})
    const g = validateCaseForm(form({ channel: 'grid' }))
    expect(g).toEqual({ grid_id: '网格上报须选择网格', address: '网格上报须填写位置' })
    expect(validateCaseForm(form({ channel: 'grid', grid_id: 'g1', address: '向阳路 18 号' }))).toEqual({})
  })

  it('checks required basics and lengths', () => {
    const f = form({ channel: '', title: ' ', description: '', category_code: '', person_name: '张三', person_phone: '13800138000' })
    expect(validateCaseForm(f)).toEqual({
      channel: '请选择诉求渠道',
      title: '请填写标题',
      description: '请填写诉求内容',
      category_code: '请选择诉求分类',
    })
    expect(validateCaseField('title', form({ title: '字'.repeat(101) }))).toBe('标题不能超过 100 个字符（当前 101 个）')
    expect(validateCaseField('title', form({ title: '字'.repeat(100) }))).toBeNull()
    expect(validateCaseField('description', form({ description: 'x'.repeat(4001) }))).toMatch(/4000/)
    expect(validateCaseField('lon', form({ lon: 200 }))).toMatch(/经度/)
    expect(validateCaseField('lat', form({ lat: 31.8 }))).toBeNull()
  })
})

describe('isPhone', () => {
  it('accepts mobiles and landlines like the server', () => {
    for (const ok of ['13800138000', '138 0013 8000', '+86 138 0013 8000', '0551-62345678', '010-12345678', '0551-62345678-801', '（0551）62345678'])
      expect(isPhone(ok), ok).toBe(true)
    for (const bad of ['1380013800', '12345', 'abc', '0551-1234', '23800138000'])
      expect(isPhone(bad), bad).toBe(false)
  })
})

describe('toNewCaseBody', () => {
  it('trims, drops blanks and carries the idempotency key', () => {
    const b = toNewCaseBody(form({ title: ' 路灯不亮 ', person_name: '张三', person_phone: '13800138000', address: '  ' }), 'k-1')
    expect(b).toEqual({
      channel: 'hotline',
      title: '路灯不亮',
      description: '小区路灯连续多晚不亮',
      category_code: 'CS01',
      urgency: 'normal',
      person_name: '张三',
      person_phone: '13800138000',
      idempotency_key: 'k-1',
    })
  })

  it('the portal never sends an enterprise or a grid (the account has its own)', () => {
    const b = toNewCaseBody(form({ channel: 'portal', enterprise_id: 'e1', grid_id: 'g1', lon: 117.2 }), 'k')
    expect(b).not.toHaveProperty('enterprise_id')
    expect(b).not.toHaveProperty('grid_id')
    expect(b).not.toHaveProperty('lon')
    const v = toNewCaseBody(form({ channel: 'visit', enterprise_id: 'e1', lon: 117.2, lat: 31.8 }), 'k')
    expect(v).toMatchObject({ enterprise_id: 'e1', lon: 117.2, lat: 31.8 })
  })

  it('makes a fresh UUID per form', () => {
    const a = newIdempotencyKey()
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(newIdempotencyKey()).not.toBe(a)
  })
})

describe('deadlines', () => {
  const now = new Date('2026-11-25T10:00:00+08:00').getTime()
  const at = (h: number) => new Date(now + h * 3600_000).toISOString()

  it('marks overdue red and due-within-a-day orange, only while the clock runs', () => {
    expect(deadlineLevel({ overdue: true, due_at: at(-1), state: 'handling' }, now)).toBe('overdue')
    expect(deadlineLevel({ overdue: false, due_at: at(-1), state: 'handling' }, now)).toBe('overdue')
    expect(deadlineLevel({ overdue: false, due_at: at(5), state: 'dispatched' }, now)).toBe('soon')
    expect(deadlineLevel({ overdue: false, due_at: at(48), state: 'handling' }, now)).toBe('ok')
    expect(deadlineLevel({ overdue: false, due_at: at(-5), state: 'closed' }, now)).toBe('none')
    expect(deadlineLevel({ overdue: false, due_at: at(-5), state: 'paused' }, now)).toBe('none')
    expect(deadlineLevel({ overdue: false, due_at: null, state: 'handling' }, now)).toBe('none')
  })

  it('formats working hours left', () => {
    expect(formatWorkingHours(42)).toEqual({ text: '剩余 42 工时', level: 'ok', hint: '约 6 个工作日' })
    expect(formatWorkingHours(12.5)).toMatchObject({ text: '剩余 12.5 工时', level: 'ok' })
    expect(formatWorkingHours(3)).toEqual({ text: '剩余 3 工时', level: 'soon', hint: '' })
    expect(formatWorkingHours(0)).toMatchObject({ text: '剩余 0 工时', level: 'soon' })
    expect(formatWorkingHours(-3.5)).toEqual({ text: '已超期 3.5 工时', level: 'overdue', hint: '' })
    expect(formatWorkingHours(-14)).toEqual({ text: '已超期 14 工时', level: 'overdue', hint: '约 2 个工作日' })
    expect(formatWorkingHours(null)).toEqual({ text: '—', level: 'none', hint: '' })
  })

  it('puts overdue, then due-soon cases first and keeps the server order otherwise', () => {
    const items = [
      { id: 'a', overdue: false, due_at: at(72), state: 'handling' as const },
      { id: 'b', overdue: false, due_at: at(3), state: 'handling' as const },
      { id: 'c', overdue: false, due_at: null, state: 'pending_dispatch' as const },
      { id: 'd', overdue: true, due_at: at(-2), state: 'handling' as const },
      { id: 'e', overdue: false, due_at: at(4), state: 'dispatched' as const },
    ]
    expect(sortQueue(items, now).map((x) => x.id)).toEqual(['d', 'b', 'e', 'a', 'c'])
  })

  it('finds the SLA rule: own category, then parent, then *, then built-in', () => {
    const rules = [
      { category_code: '*', urgency: 'normal', sign_hours: 4, handle_days: 5 },
      { category_code: 'QY', urgency: 'normal', sign_hours: 3, handle_days: 8 },
      { category_code: 'QY02', urgency: 'normal', sign_hours: 4, handle_days: 10 },
    ]
    expect(slaFor(rules, 'QY02', 'normal')).toEqual({ sign_hours: 4, handle_days: 10, source: 'category' })
    expect(slaFor(rules, 'QY01', 'normal')).toEqual({ sign_hours: 3, handle_days: 8, source: 'parent' })
    expect(slaFor(rules, 'CS01', 'normal')).toEqual({ sign_hours: 4, handle_days: 5, source: 'default_rule' })
    expect(slaFor(rules, 'CS01', 'urgent')).toEqual({ sign_hours: 1, handle_days: 1, source: 'builtin' })
  })
})

describe('list filters ↔ URL', () => {
  it('round-trips through the route query and drops blanks', () => {
    const f = { ...emptyFilters(), states: ['handling' as const, 'replied' as const], overdue: true, q: ' JB2025 ', sort: 'deadline' as const, from: '2026-11-01', to: '2026-11-30' }
    expect(filtersToQuery(f)).toEqual({ state: 'handling,replied', overdue: true, q: 'JB2025', sort: 'deadline', from: '2026-11-01', to: '2026-11-30' })
    const back = filtersFromRoute(filtersToRoute(f))
    expect(back).toEqual({ ...f, q: 'JB2025' })
    expect(filtersToQuery(emptyFilters())).toEqual({})
  })

  it('orders a search by relevance unless another order is chosen', () => {
    const f = { ...emptyFilters(), q: '停电', sort: 'relevance' as const }
    expect(filtersToQuery(f)).toEqual({ q: '停电', sort: 'relevance' })
    // the default order of a search is left out of the URL, and comes back from it
    expect(filtersToRoute(f)).toEqual({ q: '停电' })
    expect(filtersFromRoute({ q: '停电' }).sort).toBe('relevance')
    // a search in another order keeps it, in the API query and in the URL
    const newest = { ...f, sort: 'newest' as const }
    expect(filtersToQuery(newest)).toEqual({ q: '停电', sort: 'newest' })
    expect(filtersFromRoute(filtersToRoute(newest))).toEqual(newest)
    // relevance means nothing without a search
    expect(filtersToQuery({ ...emptyFilters(), sort: 'relevance' })).toEqual({})
    expect(filtersFromRoute({ sort: 'relevance' }).sort).toBe('newest')
    expect(filtersFromRoute({ sort: 'deadline' }).sort).toBe('deadline')
  })

  it('ignores unknown states and malformed dates from the URL', () => {
    const f = filtersFromRoute({ state: 'handling,bogus', from: '2026-13', overdue: 'yes', sort: 'x' })
    expect(f.states).toEqual(['handling'])
    expect(f.from).toBe('')
    expect(f.overdue).toBe(false)
    expect(f.sort).toBe('newest')
  })
})

describe('timeline wording', () => {
  it('names actions in Chinese, with the outcome where it matters', () => {
    expect(eventActionName('file')).toBe('登记')
    expect(eventActionName('dispatch')).toBe('派单')
    expect(eventActionName('verify', { pass: true })).toBe('核查通过')
    expect(eventActionName('verify', { pass: false })).toBe('核查不通过')
    expect(eventActionName('request_pause', { kind: 'park' })).toBe('申请挂账')
    expect(eventActionName('decide_extension', { approved: false })).toBe('驳回申请')
    expect(eventActionName('approve_pause', { kind: 'pause' })).toBe('批准挂起')
    expect(eventActionName('remind')).toBe('催办')
    expect(eventActionName('something_new')).toBe('something_new')
  })

  it('summarises the details: units, deadlines, replies, ratings', () => {
    expect(
      eventDetailLines({
        action: 'dispatch',
        detail: {
          lead: { id: '1', name: '人社局' },
          assists: [{ id: '2', name: '向阳街道' }],
          sign_by: '2026-11-25 14:30:00.0 +08:00:00',
          due_at: '2026-12-02T17:30:00+08:00',
          note: '请牵头办理',
          category_corrected: null,
        },
      }),
    ).toEqual(['主办：人社局', '协办：向阳街道', '签收时限 2026-11-25 14:30，办结时限 2026-12-02 17:30', '派单说明：请牵头办理'])
    expect(eventDetailLines({ action: 'reply', detail: { unit: '向阳街道', lead: false, text: '已对接' } })).toEqual(['向阳街道（协办）答复：已对接'])
    expect(
      eventDetailLines({ action: 'rate', detail: { label: '不满意', level: 'unsatisfied', comment: '太慢', rework: true, revisit: false } }),
    ).toEqual(['评价：不满意', '评价意见：太慢', '转主办单位重办'])
    expect(eventDetailLines({ action: 'verify', detail: { pass: false, note: '答复不完整' } })).toEqual(['核查意见：答复不完整'])
    expect(eventDetailLines({ action: 'reject', detail: { reason: '不属于受理范围' } })).toEqual(['不予受理理由：不属于受理范围'])
    expect(eventDetailLines({ action: 'sign', detail: { unit: '人社局', role: 'lead', late: true } })).toEqual(['人社局（主办）签收，已超过签收时限'])
    expect(eventDetailLines({ action: 'resume', detail: { paused_working_minutes: 90, note: null } })).toEqual(['挂起 1.5 工时，时限相应顺延'])
    expect(eventDetailLines({ action: 'overdue', detail: { kind: 'overdue', unit: '人社局', role: 'lead', escalated_to: [] } })).toEqual([
      '人社局（主办）已超过办结时限，已催办',
    ])
    expect(eventDetailLines({ action: 'accept', detail: { note: null } })).toEqual([])
    expect(eventDetailLines({ action: 'file', detail: null })).toEqual([])
  })

  it('reads detail times in either format', () => {
    expect(looseDateTime('2026-12-02 17:30:00.0 +08:00:00')).toBe('2026-12-02 17:30')
    expect(looseDateTime('2026-12-02T17:30:00+08:00')).toBe('2026-12-02 17:30')
    expect(looseDateTime(3)).toBe('')
  })
})

describe('links and messages', () => {
  it('opens cases on the portal for enterprise users', () => {
    expect(casePath('x', 'enterprise')).toBe('/portal/cases/x')
    expect(casePath('x', 'dispatcher')).toBe('/cases/x')
  })
  it('drops the case number a notification title already names', () => {
    expect(notificationBody({ title: '新派单（主办）：JB20261125-0001', body: 'JB20261125-0001 招工难' })).toBe('招工难')
    expect(notificationBody({ title: '催办', body: 'JB20261125-0001 招工难' })).toBe('JB20261125-0001 招工难')
  })
})

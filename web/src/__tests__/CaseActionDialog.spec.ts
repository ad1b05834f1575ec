import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { ApiError } from '@/api/client'
import type { CaseDetail } from '@/api/types'

const step = vi.fn()
vi.mock('@/api', async (orig) => {
  const real = await orig<typeof import('@/api')>()
  return { ...real, caseApi: { ...real.caseApi, step: (...a: unknown[]) => step(...a) } }
})

import CaseActionDialog from '@/components/cases/CaseActionDialog.vue'

function detail(): CaseDetail {
  return {
    case: {
      id: 'c1',
      case_no: 'JB20261125-0001',
      channel: 'portal',
      channel_name: '企业端',
      state: 'replied',
      state_name: '待核查',
      title: '招工难',
      description: '需要普工',
      category_code: 'QY01',
      category_name: '用工招聘',
      urgency: 'normal',
      urgency_name: '一般',
      enterprise_id: null,
      enterprise_name: null,
      person_name: null,
      person_phone: null,
      address: null,
      grid_id: null,
      grid_name: null,
      street_name: null,
      lon: null,
      lat: null,
      expected_outcome: null,
      filed_by_name: null,
      reject_reason: null,
      lead_unit_id: 'u1',
      lead_unit_name: '人社局',
      sign_by: null,
      due_at: null,
      overdue: false,
      bounces: 0,
      reworks: 0,
      rating: null,
      rating_comment: null,
      merged_into: null,
      review_on: null,
      created_at: '2026-11-25T09:00:00+08:00',
      closed_at: null,
    },
    assignments: [
      {
        id: 'a1',
        unit_id: 'u1',
        unit_name: '人社局',
        role: 'lead',
        role_name: '主办',
        state: 'replied',
        state_name: '已答复',
        note: null,
        sign_by: '2026-11-25T14:30:00+08:00',
        due_at: '2026-12-02T17:30:00+08:00',
        signed_at: '2026-11-25T10:00:00+08:00',
        replied_at: '2026-11-25T11:00:00+08:00',
        reply: '已安排专场招聘会',
      },
    ],
    events: [],
    requests: [],
    allowed_actions: ['verify'],
    working_hours_left: null,
  }
}

/** Element Plus debounces the error state of a form item before showing the message. */
async function settle() {
  await flushPromises()
  await new Promise((r) => setTimeout(r, 250))
  await flushPromises()
}

describe('CaseActionDialog', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    step.mockReset()
    document.body.innerHTML = ''
  })
  afterEach(() => {
    document.body.innerHTML = ''
  })

  function open(action: string) {
    return mount(CaseActionDialog, { props: { detail: detail(), action }, attachTo: document.body })
  }
  const body = () => document.body

  it('shows the answer being verified and requires a note when failing', async () => {
    const w = open('verify')
    await settle()
    expect(body().textContent).toContain('核查办理结果')
    expect(body().textContent).toContain('已安排专场招聘会')
    // choose 不通过 and submit without a note
    const radios = body().querySelectorAll<HTMLInputElement>('[data-test="action-pass"] input[type="radio"]')
    radios[1]!.click()
    await flushPromises()
    body().querySelector<HTMLButtonElement>('[data-test="action-submit"]')!.click()
    await settle()
    expect(step).not.toHaveBeenCalled()
    expect(body().textContent).toContain('核查不通过时须填写核查意见')
    w.unmount()
  })

  it('sends the step and emits the new case page', async () => {
    const next = { ...detail(), allowed_actions: [] }
    step.mockResolvedValue(next)
    const w = open('verify')
    await settle()
    body().querySelector<HTMLButtonElement>('[data-test="action-submit"]')!.click()
    await settle()
    expect(step).toHaveBeenCalledWith('c1', 'verify', { pass: true })
    expect(w.emitted('done')?.[0]).toEqual([next, 'verify'])
    expect(w.emitted('update:action')?.at(-1)).toEqual([null])
    w.unmount()
  })

  it('marks the field the server names with its Chinese message', async () => {
    step.mockRejectedValue(new ApiError(422, 'validation.too_long', '答复内容不能超过 4000 个字符', 'text'))
    const w = open('reply')
    await settle()
    const ta = body().querySelector<HTMLTextAreaElement>('textarea[data-test="action-text"]')!
    ta.value = '已办理'
    ta.dispatchEvent(new Event('input'))
    await flushPromises()
    body().querySelector<HTMLButtonElement>('[data-test="action-submit"]')!.click()
    await settle()
    expect(step).toHaveBeenCalledWith('c1', 'reply', { text: '已办理' })
    const item = ta.closest('.el-form-item')!
    expect(item.querySelector('.el-form-item__error')?.textContent).toContain('答复内容不能超过 4000 个字符')
    expect(w.emitted('done')).toBeUndefined()
    w.unmount()
  })

  it('a 409 (the case moved on) asks the page to reload', async () => {
    step.mockRejectedValue(new ApiError(409, 'case.transition_refused', '案件当前为“待评价”，不能执行“核查”'))
    const w = open('verify')
    await settle()
    body().querySelector<HTMLButtonElement>('[data-test="action-submit"]')!.click()
    await settle()
    expect(w.emitted('stale')).toHaveLength(1)
    w.unmount()
  })
})

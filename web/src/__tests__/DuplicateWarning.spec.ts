import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { ApiError } from '@/api/client'
import type { DuplicateCandidate } from '@/api/types'

const check = vi.fn()
vi.mock('@/api', async (orig) => {
  const real = await orig<typeof import('@/api')>()
  return { ...real, duplicateApi: { ...real.duplicateApi, check: (...a: unknown[]) => check(...a) } }
})

import DuplicateWarning from '@/components/cases/DuplicateWarning.vue'

const items: DuplicateCandidate[] = [
  {
    case_id: 'c1',
    case_no: 'JB20261120-0003',
    title: '厂区门口道路破损影响货车进出',
    state: 'handling',
    state_name: '办理中',
    created_at: '2026-11-20T09:00:00+08:00',
    score: 0.71,
    reason: '同一企业；相隔 2 天；文本相似度 0.62（路面、锦绣路）',
    same_enterprise: true,
    same_grid: false,
  },
  {
    case_id: 'c2',
    case_no: 'JB20261118-0011',
    title: '锦绣路路面塌陷',
    state: 'dispatched',
    state_name: '待签收',
    created_at: '2026-11-18T15:30:00+08:00',
    score: 0.34,
    reason: '相隔 4 天；文本相似度 0.41（塌陷、锦绣路）',
    same_enterprise: false,
    same_grid: false,
  },
]

const TEXT = '锦绣路厂区门口路面塌陷\n大门前路面塌陷，货车进出困难'

describe('DuplicateWarning', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    check.mockReset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  async function after(ms: number) {
    vi.advanceTimersByTime(ms)
    await flushPromises()
  }

  it('checks once, debounced, with the text and the context', async () => {
    check.mockResolvedValue({ items: [] })
    const w = mount(DuplicateWarning, { props: { text: '锦绣路', enterpriseId: 'e1' } })
    await after(1000)
    expect(check).not.toHaveBeenCalled()
    await w.setProps({ text: TEXT, gridId: 'g1', excludeId: 'self' })
    await after(200)
    await w.setProps({ text: `${TEXT}。` })
    await after(499)
    expect(check).not.toHaveBeenCalled()
    await after(1)
    expect(check).toHaveBeenCalledTimes(1)
    expect(check.mock.calls[0]![0]).toEqual({ text: `${TEXT}。`, enterprise_id: 'e1', grid_id: 'g1', exclude_id: 'self' })
  })

  it('shows nothing when no open case looks the same', async () => {
    check.mockResolvedValue({ items: [] })
    const w = mount(DuplicateWarning, { props: { text: TEXT } })
    await after(500)
    expect(w.find('[data-test="duplicate-warning"]').exists()).toBe(false)
    expect(w.emitted('found')).toEqual([[[]]])
  })

  it('lists the likely duplicates: case number opening a new tab, title, score, reason', async () => {
    check.mockResolvedValue({ items })
    const w = mount(DuplicateWarning, { props: { text: TEXT, canMerge: true } })
    await after(500)
    const alert = w.get('[data-test="duplicate-warning"]')
    expect(alert.text()).toContain('发现 2 件可能重复的在办诉求')
    const rows = w.findAll('[data-test="duplicate-item"]')
    expect(rows).toHaveLength(2)
    const link = rows[0]!.get('[data-test="duplicate-case-no"]')
    expect(link.text()).toBe('JB20261120-0003')
    expect(link.attributes('href')).toBe('/cases/c1')
    expect(link.attributes('target')).toBe('_blank')
    expect(link.attributes('rel')).toContain('noopener')
    expect(rows[0]!.text()).toContain('厂区门口道路破损影响货车进出')
    expect(rows[0]!.get('[data-test="duplicate-score"]').text()).toBe('相似度 71%')
    expect(rows[0]!.get('[data-test="duplicate-reason"]').text()).toContain('同一企业；相隔 2 天')
    expect(rows[1]!.text()).toContain('待签收')
    expect(w.emitted('found')!.at(-1)).toEqual([items])
  })

  it('emits merge with the master case', async () => {
    check.mockResolvedValue({ items })
    const w = mount(DuplicateWarning, { props: { text: TEXT, canMerge: true } })
    await after(500)
    const buttons = w.findAll('[data-test="duplicate-merge"]')
    expect(buttons).toHaveLength(2)
    expect(buttons[1]!.text()).toBe('作为重复件并入')
    await buttons[1]!.trigger('click')
    expect(w.emitted('merge')).toEqual([[items[1]]])
  })

  it('offers no merge button to a role that cannot merge', async () => {
    check.mockResolvedValue({ items })
    const w = mount(DuplicateWarning, { props: { text: TEXT } })
    await after(500)
    expect(w.findAll('[data-test="duplicate-item"]')).toHaveLength(2)
    expect(w.find('[data-test="duplicate-merge"]').exists()).toBe(false)
  })

  it('clears the list when the text gets too short, and stays quiet on errors', async () => {
    check.mockResolvedValueOnce({ items })
    const w = mount(DuplicateWarning, { props: { text: TEXT } })
    await after(500)
    expect(w.find('[data-test="duplicate-warning"]').exists()).toBe(true)
    await w.setProps({ text: '锦绣路' })
    await flushPromises()
    expect(w.find('[data-test="duplicate-warning"]').exists()).toBe(false)
    check.mockRejectedValueOnce(new ApiError(403, 'forbidden', '无权执行此操作'))
    await w.setProps({ text: TEXT })
    await after(500)
    expect(w.find('[data-test="duplicate-warning"]').exists()).toBe(false)
    expect(w.text()).not.toContain('无权')
  })
})

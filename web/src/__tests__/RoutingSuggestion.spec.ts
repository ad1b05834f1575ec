import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { ApiError } from '@/api/client'
import type { RoutingSuggestion as Suggestion } from '@/api/types'

const suggest = vi.fn()
vi.mock('@/api', async (orig) => {
  const real = await orig<typeof import('@/api')>()
  return { ...real, routingApi: { ...real.routingApi, suggest: (...a: unknown[]) => suggest(...a) } }
})

import RoutingSuggestion from '@/components/cases/RoutingSuggestion.vue'

const answer: Suggestion = {
  model_version: 'r-20261125',
  candidates: [
    { category: 'CS01', category_name: '市政设施', confidence: 0.823 },
    { category: 'CS02', category_name: '市容环卫', confidence: 0.11 },
    { category: 'AQ01', category_name: '安全生产', confidence: 0.04 },
  ],
  lead_unit: { id: 'u-xy', name: '向阳街道', kind: 'street', rule: 'territorial' },
  words: ['路灯', '不亮'],
  reason: '“路灯”“不亮”多见于市政设施类诉求，发生地属向阳街道，按属地派单。',
}

const TEXT = '小区路灯连续多晚不亮\n东湖路 66 号南门外三盏路灯不亮'

describe('RoutingSuggestion', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    suggest.mockReset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  async function after(ms: number) {
    vi.advanceTimersByTime(ms)
    await flushPromises()
  }

  it('asks nothing while the text is shorter than 6 characters', async () => {
    const w = mount(RoutingSuggestion, { props: { text: '路灯不亮' } })
    await after(1000)
    expect(suggest).not.toHaveBeenCalled()
    expect(w.find('[data-test="routing-idle"]').exists()).toBe(true)
  })

  it('debounces: one request with the latest text, the enterprise and the grid', async () => {
    suggest.mockResolvedValue(answer)
    const w = mount(RoutingSuggestion, { props: { text: '小区路灯连续' } })
    await after(200)
    await w.setProps({ text: '小区路灯连续多晚' })
    await after(200)
    await w.setProps({ text: TEXT, enterpriseId: 'e1', gridId: 'g1' })
    await after(399)
    expect(suggest).not.toHaveBeenCalled()
    await after(1)
    expect(suggest).toHaveBeenCalledTimes(1)
    expect(suggest.mock.calls[0]![0]).toEqual({ text: TEXT, enterprise_id: 'e1', grid_id: 'g1' })
    // the same input again: no new request
    await w.setProps({ text: `${TEXT}  ` })
    await after(1000)
    expect(suggest).toHaveBeenCalledTimes(1)
  })

  it('shows the candidates with percentages, the lead unit with its rule, and the reason', async () => {
    suggest.mockResolvedValue(answer)
    const w = mount(RoutingSuggestion, { props: { text: TEXT } })
    await after(400)
    expect(w.text()).toContain('智能派单建议')
    const tags = w.findAll('[data-test="routing-candidate"]')
    expect(tags.map((t) => t.text().replace(/\s+/g, ''))).toEqual(['市政设施82%', '市容环卫11%', '安全生产4%'])
    expect(w.get('[data-test="routing-lead"]').text()).toBe('向阳街道')
    expect(w.get('[data-test="routing-rule"]').text()).toBe('属地')
    expect(w.get('[data-test="routing-reason"]').text()).toContain('按属地派单')
    expect(w.get('[data-test="routing-reason"]').text()).toContain('路灯、不亮')
    expect(w.text()).toContain('r-20261125')
  })

  it('labels a category rule 职能', async () => {
    suggest.mockResolvedValue({ ...answer, lead_unit: { id: 'u-rs', name: '人社局', kind: 'department', rule: 'category' } })
    const w = mount(RoutingSuggestion, { props: { text: TEXT } })
    await after(400)
    expect(w.get('[data-test="routing-rule"]').text()).toBe('职能')
  })

  it('emits apply: a candidate tag gives its category, 采用 gives the best with the lead unit', async () => {
    suggest.mockResolvedValue(answer)
    const w = mount(RoutingSuggestion, { props: { text: TEXT } })
    await after(400)
    await w.findAll('[data-test="routing-candidate"]')[1]!.trigger('click')
    await w.get('[data-test="routing-apply"]').trigger('click')
    await w.findAll('[data-test="routing-candidate"]')[0]!.trigger('click')
    expect(w.emitted('apply')).toEqual([
      [{ category: 'CS02', lead_unit_id: null }],
      [{ category: 'CS01', lead_unit_id: 'u-xy' }],
      [{ category: 'CS01', lead_unit_id: 'u-xy' }],
    ])
  })

  it('marks the suggestion applied once the form holds it', async () => {
    suggest.mockResolvedValue(answer)
    const w = mount(RoutingSuggestion, { props: { text: TEXT, selectedCategory: 'CS01', selectedUnit: '' } })
    await after(400)
    expect(w.get('[data-test="routing-apply"]').text()).toBe('采用')
    await w.setProps({ selectedUnit: 'u-xy' })
    expect(w.get('[data-test="routing-apply"]').text()).toBe('已采用')
  })

  it('is quiet when the server fails: a small note, no error thrown', async () => {
    suggest.mockRejectedValue(new ApiError(500, 'internal', '服务器内部错误'))
    const w = mount(RoutingSuggestion, { props: { text: TEXT } })
    await after(400)
    expect(w.find('[data-test="routing-failed"]').exists()).toBe(true)
    expect(w.findAll('[data-test="routing-candidate"]')).toHaveLength(0)
    expect(w.find('[data-test="routing-apply"]').exists()).toBe(false)
  })

  it('ignores an answer that arrives after the text changed', async () => {
    let resolveFirst: (v: Suggestion) => void = () => {}
    suggest.mockImplementationOnce(() => new Promise<Suggestion>((r) => (resolveFirst = r)))
    suggest.mockResolvedValueOnce({ ...answer, candidates: [{ category: 'CS05', category_name: '劳动保障', confidence: 0.9 }] })
    const w = mount(RoutingSuggestion, { props: { text: TEXT } })
    await after(400)
    await w.setProps({ text: '讨要拖欠工资三个月未付' })
    await after(400)
    resolveFirst(answer)
    await flushPromises()
    expect(w.findAll('[data-test="routing-candidate"]').map((t) => t.text().replace(/\s+/g, ''))).toEqual(['劳动保障90%'])
  })
})

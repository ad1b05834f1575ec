import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { ApiError } from '@/api/client'
import type { WarningOut } from '@/api/bands'

const list = vi.fn()
vi.mock('@/api/bands', async (orig) => {
  const real = await orig<typeof import('@/api/bands')>()
  return { ...real, warningApi: { ...real.warningApi, list: (...a: unknown[]) => list(...a) } }
})

import WarningsCard from '@/components/WarningsCard.vue'

const BLUE = { code: 'blue', name: '蓝', color: '#2f7fd8' }
const ORANGE = { code: 'orange', name: '橙', color: '#ee7d31' }
const RED = { code: 'red', name: '红', color: '#d8342c' }

function warning(i: number, over: Partial<WarningOut> = {}): WarningOut {
  return {
    id: `w${i}`,
    enterprise_id: `e${i}`,
    enterprise_name: `企业${i}`,
    kind: 'drop',
    kind_name: '连降两级',
    from_band: BLUE,
    to_band: ORANGE,
    message: '由蓝降为橙',
    case_id: `c${i}`,
    case_no: `JB20261120-00${String(i).padStart(2, '0')}`,
    case_state: 'dispatched',
    street_name: '东城街道',
    // newest first: w1 on 11-20, w2 on 11-19 …
    created_at: `2026-11-${String(21 - i).padStart(2, '0')}T09:00:00+08:00`,
    handled: false,
    ...over,
  }
}

function router() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:rest(.*)*', component: { template: '<div />' } }],
  })
}

async function mountCard() {
  const r = router()
  await r.push('/')
  const w = mount(WarningsCard, { global: { plugins: [r] } })
  await flushPromises()
  return w
}

describe('WarningsCard', () => {
  beforeEach(() => {
    list.mockReset()
  })

  it('asks for the open warnings only', async () => {
    list.mockResolvedValue([])
    await mountCard()
    expect(list).toHaveBeenCalledTimes(1)
    expect(list).toHaveBeenCalledWith({ open: true })
  })

  it('shows the empty state, a zero count and the link to all warnings', async () => {
    list.mockResolvedValue([])
    const w = await mountCard()
    expect(w.get('[data-test="warnings-card"]').text()).toContain('运行预警（未处置）')
    expect(w.get('[data-test="warnings-empty"]').text()).toBe('暂无未处置的运行预警')
    expect(w.get('[data-test="warnings-count"]').text()).toBe('共 0 条')
    expect(w.findAll('[data-test="warning-row"]')).toHaveLength(0)
    expect(w.get('[data-test="warnings-all"]').attributes('href')).toBe('/warnings')
    expect(w.get('[data-test="warnings-all"]').text()).toContain('查看全部')
  })

  it('counts every open warning and lists the 6 newest with their links', async () => {
    list.mockResolvedValue(Array.from({ length: 9 }, (_, i) => warning(i + 1)))
    const w = await mountCard()
    expect(w.find('[data-test="warnings-empty"]').exists()).toBe(false)
    expect(w.get('[data-test="warnings-count"]').text()).toBe('共 9 条')

    const rows = w.findAll('[data-test="warning-row"]')
    expect(rows).toHaveLength(6)
    expect(rows.map((r) => r.get('[data-test="warning-date"]').text())).toEqual(['11-20', '11-19', '11-18', '11-17', '11-16', '11-15'])

    const first = rows[0]!
    const ent = first.get('[data-test="warning-enterprise"]')
    expect(ent.text()).toBe('企业1')
    expect(ent.attributes('href')).toBe('/enterprises/e1')
    const cs = first.get('[data-test="warning-case"]')
    expect(cs.text()).toBe('JB20261120-0001')
    expect(cs.attributes('href')).toBe('/cases/c1')
    expect(first.get('[data-test="warning-transition"]').text().replace(/\s+/g, '')).toBe('蓝→橙')
    expect(w.get('[data-test="warnings-all"]').attributes('href')).toBe('/warnings')
  })

  it('colours the kind by the band reached, grey for 未按期报送', async () => {
    list.mockResolvedValue([
      warning(1, { kind: 'red', kind_name: '落入红色', from_band: ORANGE, to_band: RED }),
      warning(2, { kind: 'silent', kind_name: '未按期报送', from_band: null, to_band: null, case_id: null, case_no: null }),
    ])
    const w = await mountCard()
    const [red, silent] = w.findAll('[data-test="warning-row"]')
    const redKind = red!.get('[data-test="warning-kind"]')
    expect(redKind.text()).toBe('落入红色')
    expect(redKind.attributes('style')).toMatch(/#d8342c|rgb\(216, 52, 44\)/)
    const silentKind = silent!.get('[data-test="warning-kind"]')
    expect(silentKind.text()).toBe('未按期报送')
    expect(silentKind.attributes('style')).toMatch(/#909399|rgb\(144, 147, 153\)/)
    expect(silent!.get('[data-test="warning-transition"]').text()).toBe('')
    expect(silent!.find('[data-test="warning-case"]').exists()).toBe(false)
  })

  it('keeps an error inside the card', async () => {
    list.mockRejectedValue(new ApiError(500, 'internal', '服务器内部错误，请稍后再试'))
    const w = await mountCard()
    expect(w.get('[data-test="warnings-error"]').text()).toContain('服务器内部错误')
    expect(w.find('[data-test="warnings-empty"]').exists()).toBe(false)
    expect(w.find('[data-test="warnings-count"]').exists()).toBe(false)
    expect(w.get('[data-test="warnings-all"]').attributes('href')).toBe('/warnings')
  })
})

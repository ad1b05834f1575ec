import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import BandCards from '@/components/bands/BandCards.vue'
import BandTag from '@/components/bands/BandTag.vue'
import { bandCards } from '@/utils/bands'

const BANDS = [
  { code: 'green', name: '绿', color: '#2e9d5b', count: 3100 },
  { code: 'blue', name: '蓝', color: '#2f7fd8', count: 1000 },
  { code: 'yellow', name: '黄', color: '#e7b416', count: 500 },
  { code: 'orange', name: '橙', color: '#ef7d22', count: 250 },
  { code: 'red', name: '红', color: '#d93b3b', count: 100 },
]

describe('BandCards', () => {
  const { cards, total } = bandCards(BANDS, 50)

  it('shows every band and 未评 with its count and share', () => {
    const w = mount(BandCards, { props: { cards, total } })
    const items = w.findAll('[data-test="band-card"]')
    expect(items).toHaveLength(6)
    expect(items.map((c) => c.attributes('data-code'))).toEqual(['green', 'blue', 'yellow', 'orange', 'red', 'none'])
    expect(items.map((c) => c.get('[data-test="band-name"]').text())).toEqual(['绿', '蓝', '黄', '橙', '红', '未评'])
    expect(items.map((c) => Number(c.get('[data-test="band-count"]').text()))).toEqual([3100, 1000, 500, 250, 100, 50])
    expect(items[0]!.get('[data-test="band-share"]').text()).toBe('62.0%')
    expect(items[5]!.get('[data-test="band-share"]').text()).toBe('1.0%')
    expect(w.get('[data-test="band-total"]').text()).toBe('企业合计 5,000 家')
    // the band colour drives the card
    expect(items[4]!.attributes('style')).toContain('#d93b3b')
  })

  it('marks the selected card and emits the code of a clicked one', async () => {
    const w = mount(BandCards, { props: { cards, selected: 'red' } })
    const items = w.findAll('[data-test="band-card"]')
    expect(items[4]!.classes()).toContain('active')
    expect(items.filter((c) => c.classes().includes('active'))).toHaveLength(1)
    expect(w.find('[data-test="band-total"]').exists()).toBe(false)
    await items[1]!.trigger('click')
    await items[5]!.trigger('click')
    expect(w.emitted('select')).toEqual([['blue'], ['none']])
  })
})

describe('BandTag', () => {
  it('shows the band name and the score given', () => {
    const w = mount(BandTag, { props: { band: { code: 'yellow', name: '黄', color: '#e7b416' }, score: 61.6 } })
    expect(w.text()).toBe('黄61.6 分')
    expect(w.get('[data-test="band-tag"]').attributes('data-band')).toBe('yellow')
    expect(w.get('[data-test="band-tag"]').attributes('style')).toContain('--band: #e7b416')
  })

  it("shows the band's own score when asked", () => {
    const band = { code: 'red', name: '红', color: '#d8342c', score: 12.34 }
    expect(mount(BandTag, { props: { band, score: true } }).text()).toBe('红12.3 分')
    expect(mount(BandTag, { props: { band } }).text()).toBe('红')
  })

  it('shows 未评 (or the text given) without a band', () => {
    expect(mount(BandTag, { props: { band: null } }).text()).toBe('未评')
    expect(mount(BandTag, { props: { band: null, empty: '—' } }).text()).toBe('—')
  })
})

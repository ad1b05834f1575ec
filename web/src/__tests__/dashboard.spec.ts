import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { DashboardArea, DashboardRankingRow, ZoneFeature, ZoneGeo } from '@/api/dashboard'
import {
  areaIndex,
  aspectAt,
  beijingDay,
  boundingCoords,
  casesLinkOf,
  clockParts,
  createPoller,
  formatKpi,
  formatPercent,
  formatScore,
  labelColorOn,
  levelGeo,
  movementView,
  rankingGroups,
  shadeColor,
  shadeDomain,
  shadeRegions,
  SHADE_RAMPS,
  shortAreaName,
  sinceText,
  timeOfDay,
  topAreas,
  topCategories,
  trendColumns,
  weekOf,
  weekRangeLabel,
  zoneTitle,
} from '@/utils/dashboard'

const square = (x: number, y: number, d: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
})

const feature = (code: string, name: string, kind: string, x: number, y: number, d: number): ZoneFeature => ({
  type: 'Feature',
  properties: { code, name, kind, street_code: code.slice(0, 6) },
  geometry: square(x, y, d),
})

const GEO: ZoneGeo = {
  type: 'FeatureCollection',
  features: [
    feature('YL-S01', '向阳街道', 'street', 117.2, 31.78, 0.08),
    feature('YL-S02', '金山街道', 'street', 117.28, 31.78, 0.08),
    feature('YL-S01-C01-G01', '幸福社区第一网格', 'grid', 117.2, 31.78, 0.02),
    feature('YL-S02-C01-G01', '金山社区第一网格', 'grid', 117.34, 31.84, 0.02),
    { type: 'Feature', properties: { code: 'YL-S03', name: '无界街道', kind: 'street' }, geometry: null },
  ],
}

const area = (code: string, kind: 'street' | 'grid', received: number, overdue: number): DashboardArea => ({
  unit_id: `id-${code}`,
  code,
  name: code,
  kind,
  parent_id: null,
  received,
  open: 0,
  overdue,
})

describe('numbers', () => {
  it('formats the big numbers', () => {
    expect(formatKpi(0)).toBe('0')
    expect(formatKpi(12)).toBe('12')
    expect(formatKpi(12345)).toBe('12,345')
    expect(formatKpi(999999)).toBe('999,999')
    expect(formatKpi(1_234_567)).toBe('123.5万')
    expect(formatKpi(2_000_000)).toBe('200万')
    expect(formatKpi(null)).toBe('—')
    expect(formatKpi(undefined)).toBe('—')
    expect(formatKpi(Number.NaN)).toBe('—')
  })

  it('formats scores and shares', () => {
    expect(formatScore(87.44)).toBe('87.4')
    expect(formatScore(100)).toBe('100.0')
    expect(formatScore(null)).toBe('—')
    expect(formatPercent(9, 12)).toBe('75%')
    expect(formatPercent(3, 0)).toBe('—')
  })

  it('shortens the zone name for the title', () => {
    expect(zoneTitle('云岭经济技术开发区管理委员会')).toBe('云岭经济技术开发区')
    expect(zoneTitle('云岭经开区管委会')).toBe('云岭经开区')
    expect(zoneTitle('云岭经济技术开发区')).toBe('云岭经济技术开发区')
    expect(zoneTitle(null)).toBe('')
    expect(zoneTitle('管理委员会', '本区')).toBe('本区')
  })
})

describe('dates', () => {
  it('takes the Beijing day of an instant', () => {
    expect(beijingDay('2026-11-25T15:54:26+08:00')).toBe('2026-11-25')
    // 23:30 UTC is already the next morning in Beijing
    expect(beijingDay('2026-11-25T23:30:00Z')).toBe('2026-11-26')
    expect(beijingDay('2026-11-26T00:10:00+08:00')).toBe('2026-11-26')
    expect(beijingDay('nonsense')).toBeNull()
    expect(beijingDay(null)).toBeNull()
  })

  it('finds the week from Monday to Sunday', () => {
    // 2026-11-25 is a Wednesday
    expect(weekOf('2026-11-25')).toEqual({ from: '2026-11-23', to: '2026-11-29' })
    expect(weekOf('2026-11-23')).toEqual({ from: '2026-11-23', to: '2026-11-29' })
    expect(weekOf('2026-11-29')).toEqual({ from: '2026-11-23', to: '2026-11-29' })
    // across a month and a year
    expect(weekOf('2027-01-01')).toEqual({ from: '2026-12-28', to: '2027-01-03' })
    expect(weekOf('2026-13-01')).toBeNull()
  })

  it('labels the week', () => {
    expect(weekRangeLabel('2026-11-25')).toBe('11月23日—11月29日')
    expect(weekRangeLabel('2026-03-01')).toBe('2月23日—3月1日')
    expect(weekRangeLabel(null)).toBe('')
  })

  it('shows the clock and times of day', () => {
    const now = new Date(2026, 10, 25, 9, 5, 7)
    expect(clockParts(now)).toEqual({ date: '2026年11月25日 星期三', time: '09:05:07' })
    expect(timeOfDay(new Date(2026, 10, 25, 15, 4, 3).toISOString())).toBe('15:04:03')
    expect(timeOfDay(null)).toBe('—')
  })

  it('says how long ago a case came in', () => {
    const now = new Date(2026, 10, 25, 12, 0, 0)
    const ago = (ms: number) => new Date(now.getTime() - ms).toISOString()
    expect(sinceText(ago(20_000), now)).toBe('刚刚')
    expect(sinceText(ago(5 * 60_000), now)).toBe('5分钟前')
    expect(sinceText(ago(3 * 3600_000 + 60_000), now)).toBe('3小时前')
    expect(sinceText(new Date(2026, 10, 23, 8, 30).toISOString(), now)).toBe('11-23 08:30')
    expect(sinceText('bad', now)).toBe('—')
  })
})

describe('trend and categories', () => {
  it('turns the trend into chart columns', () => {
    const t = trendColumns([
      { day: '2026-10-27', received: 30, closed: 28 },
      { day: '2026-10-28', received: 12, closed: 15 },
    ])
    expect(t).toEqual({ days: ['10-27', '10-28'], received: [30, 12], closed: [28, 15] })
  })

  it('keeps the top categories and sums the rest', () => {
    const cats = [
      { code: 'A', name: '甲', received: 5 },
      { code: 'B', name: '乙', received: 40 },
      { code: 'C', name: '丙', received: 12 },
      { code: 'D', name: '丁', received: 0 },
      { code: 'E', name: '戊', received: 3 },
    ]
    expect(topCategories(cats, 2)).toEqual([
      { name: '乙', value: 40, other: false },
      { name: '丙', value: 12, other: false },
      { name: '其他', value: 8, other: true },
    ])
    // nothing left over: no 其他
    expect(topCategories(cats, 10).map((c) => c.name)).toEqual(['乙', '丙', '甲', '戊'])
    expect(topCategories([], 5)).toEqual([])
  })
})

describe('map shading', () => {
  it('spans the shading over the values, rounded out', () => {
    expect(shadeDomain([])).toEqual({ min: 0, max: 1 })
    expect(shadeDomain([0, 0])).toEqual({ min: 0, max: 1 })
    expect(shadeDomain([1])).toEqual({ min: 0, max: 1 })
    expect(shadeDomain([200, 270])).toEqual({ min: 100, max: 300 })
    expect(shadeDomain([0, 3])).toEqual({ min: 0, max: 3 })
    expect(shadeDomain([0, 58, 12])).toEqual({ min: 0, max: 60 })
    expect(shadeDomain([232, 270, 263, 233])).toEqual({ min: 200, max: 300 })
    expect(shadeDomain([250, 250])).toEqual({ min: 200, max: 300 })
    expect(shadeDomain([340, 120])).toEqual({ min: 100, max: 400 })
    expect(shadeDomain([1200, 90])).toEqual({ min: 0, max: 2000 })
  })

  it('interpolates along the ramp', () => {
    const ramp = ['#000000', '#ffffff']
    const d = { min: 0, max: 10 }
    expect(shadeColor(0, d, ramp)).toBe('#000000')
    expect(shadeColor(-3, d, ramp)).toBe('#000000')
    expect(shadeColor(10, d, ramp)).toBe('#ffffff')
    expect(shadeColor(50, d, ramp)).toBe('#ffffff')
    expect(shadeColor(5, d, ramp)).toBe('#808080')
    expect(shadeColor(5, { min: 0, max: 0 }, ramp)).toBe('#000000')
    // a domain that does not start at 0
    expect(shadeColor(250, { min: 200, max: 300 }, ramp)).toBe('#808080')
    expect(shadeColor(150, { min: 200, max: 300 }, ramp)).toBe('#000000')
    // three stops: the middle value is the middle stop
    expect(shadeColor(5, d, ['#000000', '#ff0000', '#ffffff'])).toBe('#ff0000')
    expect(shadeColor(7.5, d, ['#000000', '#ff0000', '#ffffff'])).toBe('#ff8080')
  })

  it('grows brighter with the value on both ramps', () => {
    for (const ramp of Object.values(SHADE_RAMPS)) {
      const lum = (hex: string) => {
        const n = parseInt(hex.slice(1), 16)
        return 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)
      }
      const steps = [0, 1, 2, 3, 4, 5].map((v) => lum(shadeColor(v, { min: 0, max: 5 }, ramp)))
      for (let i = 1; i < steps.length; i++) expect(steps[i]!).toBeGreaterThan(steps[i - 1]!)
    }
  })

  it('picks a readable label colour', () => {
    expect(labelColorOn('#12315a')).toBe('#ffffff')
    expect(labelColorOn('#a6f0ff')).toBe('#0b1a2e')
  })

  it('shades the regions of a level by the metric, matched by code', () => {
    const streets = levelGeo(GEO, 'street').features
    // the street without geometry is left out
    expect(streets.map((f) => f.properties.code)).toEqual(['YL-S01', 'YL-S02'])
    const idx = areaIndex([area('YL-S01', 'street', 340, 0), area('YL-S02', 'street', 0, 3)])
    const byReceived = shadeRegions(streets, idx, 'received')
    expect(byReceived.domain).toEqual({ min: 0, max: 400 })
    expect(byReceived.regions.map((r) => r.name)).toEqual(['YL-S01', 'YL-S02'])
    expect(byReceived.regions[1]!.itemStyle.areaColor).toBe(SHADE_RAMPS.received[0])
    expect(byReceived.regions[0]!.itemStyle.areaColor).not.toBe(SHADE_RAMPS.received[0])
    const byOverdue = shadeRegions(streets, idx, 'overdue')
    expect(byOverdue.domain).toEqual({ min: 0, max: 3 })
    expect(byOverdue.regions[0]!.itemStyle.areaColor).toBe(SHADE_RAMPS.overdue[0])
    // a feature without data is drawn as "none"
    const none = shadeRegions(levelGeo(GEO, 'grid').features, idx, 'received')
    expect(none.regions.every((r) => r.itemStyle.areaColor === SHADE_RAMPS.received[0])).toBe(true)
  })

  it('bounds the map and scales it by latitude', () => {
    const b = boundingCoords(GEO.features)
    expect(b).toEqual([
      [117.2, 31.86],
      [117.36, 31.78],
    ])
    expect(aspectAt(b)).toBeCloseTo(Math.cos((31.82 * Math.PI) / 180), 6)
    expect(boundingCoords([])).toBeNull()
    expect(aspectAt(null)).toBe(0.75)
  })

  it('lists the areas with the most', () => {
    const areas = [
      area('S1', 'street', 10, 1),
      area('S2', 'street', 30, 0),
      area('G1', 'grid', 50, 5),
      area('S3', 'street', 20, 4),
      area('S4', 'street', 20, 2),
    ]
    expect(topAreas(areas, 'street', 'received', 3).map((a) => a.code)).toEqual(['S2', 'S3', 'S4'])
    expect(topAreas(areas, 'street', 'overdue', 2).map((a) => a.code)).toEqual(['S3', 'S4'])
    expect(topAreas(areas, 'grid', 'received', 5).map((a) => a.code)).toEqual(['G1'])
  })

  it('shortens grid names and links to the cases', () => {
    expect(shortAreaName('桃园村第一网格', 'grid')).toBe('桃园一')
    expect(shortAreaName('向阳社区第三网格', 'grid')).toBe('向阳三')
    expect(shortAreaName('高新区第二网格', 'grid')).toBe('高新区二')
    expect(shortAreaName('幸福社区网格', 'grid')).toBe('幸福社区')
    expect(shortAreaName('网格', 'grid')).toBe('网格')
    expect(shortAreaName('向阳街道', 'street')).toBe('向阳街道')
    expect(casesLinkOf({ unit_id: 'u1', kind: 'street' })).toEqual({ path: '/cases', query: { street_id: 'u1' } })
    expect(casesLinkOf({ unit_id: 'u2', kind: 'grid' })).toEqual({ path: '/cases', query: { grid_id: 'u2' } })
  })
})

describe('ranking', () => {
  const row = (unit_name: string, group: string, rank: number | null): DashboardRankingRow => ({
    unit_name,
    group,
    rank,
    of: 4,
    score: rank === null ? null : 100 - rank,
    movement: null,
  })

  it('groups streets first, then departments, by rank', () => {
    const g = rankingGroups([
      row('经发局', 'department', 2),
      row('向阳街道', 'street', 2),
      row('无分单位', 'department', null),
      row('金山街道', 'street', 1),
      row('财政局', 'department', 1),
    ])
    expect(g.map((x) => x.label)).toEqual(['街道', '部门'])
    expect(g[0]!.rows.map((r) => r.unit_name)).toEqual(['金山街道', '向阳街道'])
    expect(g[1]!.rows.map((r) => r.unit_name)).toEqual(['财政局', '经发局', '无分单位'])
    expect(rankingGroups([])).toEqual([])
  })

  it('reads the movement', () => {
    expect(movementView({ kind: 'up', by: 2 })).toMatchObject({ text: '↑2', tone: 'up' })
    expect(movementView({ kind: 'down', by: 1 })).toMatchObject({ text: '↓1', tone: 'down' })
    expect(movementView({ kind: 'new' })).toMatchObject({ text: '新', tone: 'new' })
    expect(movementView({ kind: 'same' })).toMatchObject({ text: '—', tone: 'same' })
    expect(movementView(null)).toMatchObject({ text: '—', tone: 'same' })
  })
})

describe('poller', () => {
  let hidden = false
  beforeEach(() => {
    vi.useFakeTimers()
    hidden = false
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  function setup(run = vi.fn(async () => {})) {
    const onError = vi.fn()
    const p = createPoller({ interval: 30_000, run, isHidden: () => hidden, onError })
    return { p, run, onError }
  }

  it('runs at once and then every interval', async () => {
    const { p, run } = setup()
    p.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(run).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(29_999)
    expect(run).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(run).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(run).toHaveBeenCalledTimes(4)
    p.stop()
    await vi.advanceTimersByTimeAsync(120_000)
    expect(run).toHaveBeenCalledTimes(4)
  })

  it('pauses while hidden and catches up when shown', async () => {
    const { p, run } = setup()
    p.start()
    await vi.advanceTimersByTimeAsync(10_000)
    hidden = true
    p.visibilityChanged()
    await vi.advanceTimersByTimeAsync(300_000)
    expect(run).toHaveBeenCalledTimes(1)
    hidden = false
    p.visibilityChanged()
    await vi.advanceTimersByTimeAsync(0)
    // the data was older than the interval: loaded at once
    expect(run).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(run).toHaveBeenCalledTimes(3)
  })

  it('waits out the rest of the interval when shown again soon', async () => {
    const { p, run } = setup()
    p.start()
    await vi.advanceTimersByTimeAsync(5_000)
    hidden = true
    p.visibilityChanged()
    await vi.advanceTimersByTimeAsync(5_000)
    hidden = false
    p.visibilityChanged()
    await vi.advanceTimersByTimeAsync(19_999)
    expect(run).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(run).toHaveBeenCalledTimes(2)
  })

  it('never overlaps runs and keeps going after a failure', async () => {
    let release: () => void = () => {}
    const run = vi.fn(
      () =>
        new Promise<void>((resolve, reject) => {
          if (run.mock.calls.length === 1) release = () => reject(new Error('boom'))
          else resolve()
        }),
    )
    const { p, onError } = setup(run)
    p.start()
    p.refresh()
    await vi.advanceTimersByTimeAsync(100_000)
    expect(run).toHaveBeenCalledTimes(1)
    release()
    await vi.advanceTimersByTimeAsync(0)
    expect(onError).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(run).toHaveBeenCalledTimes(2)
    // a manual refresh runs at once and restarts the interval
    await vi.advanceTimersByTimeAsync(10_000)
    p.refresh()
    await vi.advanceTimersByTimeAsync(0)
    expect(run).toHaveBeenCalledTimes(3)
    await vi.advanceTimersByTimeAsync(29_999)
    expect(run).toHaveBeenCalledTimes(3)
    await vi.advanceTimersByTimeAsync(1)
    expect(run).toHaveBeenCalledTimes(4)
  })
})

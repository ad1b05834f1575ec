import { afterEach, describe, expect, it, vi } from 'vitest'
import { indicatorApi, type BandPoint, type BandRuleBand, type GeoCollection, type IndicatorSeries } from '@/api/bands'
import {
  bandCards,
  bandCodeOf,
  bandDrop,
  bandTransition,
  componentScore,
  DEFAULT_BANDS,
  formatShare,
  formatValue,
  geoRegions,
  insertText,
  labelPoint,
  monthOf,
  orderGeo,
  previousMonth,
  resolveBand,
  scatterData,
  seriesTable,
  streetLabels,
  streetRows,
  textColorOn,
  trendSeries,
  UNRATED_COLOR,
  validateBandThresholds,
  validateComponents,
  valueErrorText,
} from '@/utils/bands'

const BANDS = [
  { code: 'green', name: '绿', color: '#2e9d5b' },
  { code: 'blue', name: '蓝', color: '#2f7fd8' },
  { code: 'yellow', name: '黄', color: '#e7b416' },
  { code: 'orange', name: '橙', color: '#ef7d22' },
  { code: 'red', name: '红', color: '#d93b3b' },
]
const MINS = [85, 70, 55, 40, null]
const rules = (mins: (number | null)[] = MINS): BandRuleBand[] => BANDS.map((b, i) => ({ ...b, min_score: mins[i] ?? null }))

describe('band references and transitions', () => {
  it('takes the code of a code or of a band object', () => {
    expect(bandCodeOf('red')).toBe('red')
    expect(bandCodeOf({ code: 'blue', name: '蓝' })).toBe('blue')
    expect(bandCodeOf(null)).toBeNull()
    expect(bandCodeOf('')).toBeNull()
  })

  it('resolves names and colours from the zone bands; unknown codes in grey', () => {
    expect(resolveBand('orange', BANDS)).toEqual(BANDS[3])
    expect(resolveBand({ code: 'red' }, BANDS)?.name).toBe('红')
    expect(resolveBand('purple', BANDS)).toEqual({ code: 'purple', name: 'purple', color: UNRATED_COLOR })
    expect(resolveBand({ code: 'x', name: '紫', color: '#800080' }, BANDS)).toEqual({ code: 'x', name: '紫', color: '#800080' })
    expect(resolveBand('none', BANDS)?.name).toBe('未评')
    expect(resolveBand(null, BANDS)).toBeNull()
  })

  it('formats a transition as "蓝 → 橙"', () => {
    expect(bandTransition('blue', 'orange', BANDS)).toBe('蓝 → 橙')
    expect(bandTransition(null, 'red', BANDS)).toBe('— → 红')
    expect(bandTransition({ code: 'green' }, { code: 'yellow' }, BANDS)).toBe('绿 → 黄')
    expect(bandTransition(null, null, BANDS)).toBe('')
  })

  it('counts the bands of a drop', () => {
    expect(bandDrop('blue', 'orange', BANDS)).toBe(2)
    expect(bandDrop('orange', 'blue', BANDS)).toBe(0)
    expect(bandDrop(null, 'red', BANDS)).toBe(0)
  })
})

describe('validateBandThresholds', () => {
  it('accepts the defaults, with or without a lowest score for the last band', () => {
    expect(validateBandThresholds(rules())).toBeNull()
    expect(validateBandThresholds(rules([85, 70, 55, 40, 0]))).toBeNull()
  })

  it('requires strictly descending lowest scores', () => {
    expect(validateBandThresholds(rules([85, 70, 70, 40, null]))).toBe('“黄”的最低分（70）须低于上一档“蓝”（70）')
    expect(validateBandThresholds(rules([85, 90, 55, 40, null]))).toContain('“蓝”的最低分（90）须低于上一档“绿”（85）')
    // the last band takes everything below the one before: its own lowest score is not checked
    expect(validateBandThresholds(rules([85, 70, 55, 40, 45]))).toBeNull()
  })

  it('requires a lowest score for every band but the last, within 0–100', () => {
    expect(validateBandThresholds(rules([85, null, 55, 40, null]))).toBe('“蓝”未填写最低分')
    expect(validateBandThresholds(rules([85, 70, 55, -1, null]))).toBe('“橙”的最低分须在 0–100 之间')
    expect(validateBandThresholds(rules([120, 70, 55, 40, null]))).toBe('“绿”的最低分须在 0–100 之间')
  })

  it('requires names, valid colours and distinct codes', () => {
    const r = rules()
    r[2] = { ...r[2]!, name: ' ' }
    expect(validateBandThresholds(r)).toBe('第 3 档色标未填写名称')
    const c = rules()
    c[0] = { ...c[0]!, color: 'green' }
    expect(validateBandThresholds(c)).toBe('“绿”的颜色无效')
    const d = rules()
    d[1] = { ...d[1]!, code: 'green' }
    expect(validateBandThresholds(d)).toBe('色标编码“green”重复')
    expect(validateBandThresholds(rules().slice(0, 1))).toBe('色标须有 2 至 7 档')
  })
})

describe('validateComponents and componentScore', () => {
  it('accepts indicator and overdue-case components', () => {
    expect(
      validateComponents([
        { kind: 'indicator', code: 'employment_rate', weight: 2, zero: 50, full: 100 },
        { kind: 'overdue_cases', weight: 1, zero: 3, full: 0 },
      ]),
    ).toBeNull()
  })

  it('names the first problem', () => {
    expect(validateComponents([])).toBe('至少需要一个评分项')
    expect(validateComponents([{ kind: 'indicator', code: '', weight: 1, zero: 0, full: 1 }])).toBe('第 1 个评分项未选择指标')
    expect(validateComponents([{ kind: 'indicator', code: 'a', weight: 0, zero: 0, full: 1 }])).toBe('第 1 个评分项的权重须大于 0')
    expect(validateComponents([{ kind: 'indicator', code: 'a', weight: 1, zero: 5, full: 5 }])).toBe('第 1 个评分项的 0 分值与满分值不能相同')
    expect(validateComponents([{ kind: 'indicator', code: 'a', weight: 1, zero: Number.NaN, full: 5 }])).toBe('第 1 个评分项须填写 0 分值和满分值')
    expect(
      validateComponents([
        { kind: 'indicator', code: 'a', weight: 1, zero: 0, full: 1 },
        { kind: 'indicator', code: 'a', weight: 1, zero: 0, full: 1 },
      ]),
    ).toBe('第 2 个评分项的指标重复')
    expect(
      validateComponents([
        { kind: 'overdue_cases', weight: 1, zero: 3, full: 0 },
        { kind: 'overdue_cases', weight: 1, zero: 3, full: 0 },
      ]),
    ).toBe('“超期诉求”只能设置一项')
  })

  it('maps linearly from zero to full, clamped, in both directions', () => {
    expect(componentScore(75, 50, 100)).toBe(50)
    expect(componentScore(120, 50, 100)).toBe(100)
    expect(componentScore(10, 50, 100)).toBe(0)
    expect(componentScore(1, 3, 0)).toBeCloseTo(66.667, 2)
    expect(componentScore(5, 3, 0)).toBe(0)
  })
})

describe('the summary', () => {
  it('makes the five cards and 未评 with their shares of the total', () => {
    const { cards, total } = bandCards(
      BANDS.map((b, i) => ({ ...b, count: [50, 25, 10, 10, 4][i]! })),
      1,
    )
    expect(total).toBe(100)
    expect(cards.map((c) => [c.name, c.count, c.share])).toEqual([
      ['绿', 50, 0.5],
      ['蓝', 25, 0.25],
      ['黄', 10, 0.1],
      ['橙', 10, 0.1],
      ['红', 4, 0.04],
      ['未评', 1, 0.01],
    ])
    expect(cards[5]!.code).toBe('none')
    expect(bandCards([], 0).cards[0]!.share).toBe(0)
  })

  it('formats shares', () => {
    expect(formatShare(0.1234)).toBe('12.3%')
    expect(formatShare(0)).toBe('0%')
    expect(formatShare(1)).toBe('100.0%')
  })

  it('fills the street rows with zeros and totals', () => {
    const rows = streetRows(
      [
        { street_id: 's1', street_name: '向阳街道', counts: { green: 3, red: 1 } },
        { street_id: null, street_name: null, counts: {} },
      ],
      BANDS,
    )
    expect(rows[0]).toEqual({ street_id: 's1', street_name: '向阳街道', counts: { green: 3, blue: 0, yellow: 0, orange: 0, red: 1 }, total: 4 })
    expect(rows[1]!.street_name).toBe('未划分')
    expect(rows[1]!.total).toBe(0)
  })

  it('builds one trend series per band, in the bands order', () => {
    const t = trendSeries(
      [
        { day: '2026-11-01', counts: { green: 10, red: 2 } },
        { day: '2026-11-02', counts: { green: 9, red: 3, blue: 1 } },
      ],
      BANDS,
    )
    expect(t.days).toEqual(['2026-11-01', '2026-11-02'])
    expect(t.series.map((s) => s.name)).toEqual(['绿', '蓝', '黄', '橙', '红'])
    expect(t.series[0]).toMatchObject({ code: 'green', color: '#2e9d5b', data: [10, 9] })
    expect(t.series[1]!.data).toEqual([0, 1])
    expect(t.series[4]!.data).toEqual([2, 3])
  })
})

describe('the map', () => {
  const pts: BandPoint[] = [
    { id: 'a', name: '甲公司', lon: 117.1, lat: 31.8, band: 'red', street_name: '向阳街道' },
    { id: 'b', name: '乙公司', lon: 117.2, lat: 31.9, band: 'green', street_name: '东湖街道' },
    { id: 'c', name: '丙公司', lon: null, lat: null, band: 'blue', street_name: null },
    { id: 'd', name: '丁公司', lon: 117.3, lat: 31.7, band: null, street_name: null },
    { id: 'e', name: '戊公司', lon: 117.4, lat: 31.6, band: { code: 'orange' }, street_name: '东湖街道' },
  ]

  it('colours the points by band, skips those without a position, worst on top', () => {
    const items = scatterData(pts, BANDS)
    expect(items.map((i) => i.id)).toEqual(['d', 'b', 'e', 'a'])
    expect(items[3]).toEqual({
      id: 'a',
      name: '甲公司',
      value: [117.1, 31.8],
      band: 'red',
      bandName: '红',
      street: '向阳街道',
      itemStyle: { color: '#d93b3b' },
    })
    expect(items[0]).toMatchObject({ band: null, bandName: '未评', itemStyle: { color: UNRATED_COLOR } })
    expect(items[2]!.itemStyle.color).toBe('#ef7d22')
  })

  const geo: GeoCollection = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { id: 'g1', code: 'G1', name: '向阳一网格', kind: 'grid', street_code: 'S1' }, geometry: { type: 'Polygon', coordinates: [] } },
      { type: 'Feature', properties: { id: 's1', code: 'S1', name: '向阳街道', kind: 'street' }, geometry: { type: 'Polygon', coordinates: [] } },
      { type: 'Feature', properties: { id: 's2', code: 'S2', name: '东湖街道', kind: 'street' }, geometry: { type: 'Polygon', coordinates: [] } },
    ],
  }

  it('draws the streets first, then the grids over them', () => {
    expect(orderGeo(geo).features.map((f) => f.properties.name)).toEqual(['向阳街道', '东湖街道', '向阳一网格'])
    expect(geo.features[0]!.properties.kind).toBe('grid')
  })

  it('styles streets with fills and borders, grids as thin transparent lines', () => {
    const r = geoRegions(orderGeo(geo))
    expect(r[0]).toMatchObject({ name: '向阳街道', label: { show: false }, itemStyle: { borderWidth: 1.6 } })
    expect(r[1]!.itemStyle.areaColor).not.toBe(r[0]!.itemStyle.areaColor)
    expect(r[2]).toMatchObject({ name: '向阳一网格', label: { show: false }, itemStyle: { areaColor: 'rgba(0,0,0,0)', borderWidth: 0.5 } })
  })

  it('writes the street names at their centroids', () => {
    const sq = (x: number, y: number, w: number) => [[[x, y], [x + w, y], [x + w, y + w], [x, y + w], [x, y]]]
    expect(labelPoint({ type: 'Polygon', coordinates: sq(0, 0, 2) })).toEqual([1, 1])
    // the largest part of a multipolygon
    expect(labelPoint({ type: 'MultiPolygon', coordinates: [sq(10, 10, 1), sq(0, 0, 4)] })).toEqual([2, 2])
    expect(labelPoint({ type: 'Point', coordinates: [1, 2] })).toBeNull()
    const g: GeoCollection = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 's1', code: 'S1', name: '向阳街道', kind: 'street' }, geometry: { type: 'Polygon', coordinates: sq(117, 31, 0.2) } },
        { type: 'Feature', properties: { id: 'g1', code: 'G1', name: '一网格', kind: 'grid' }, geometry: { type: 'Polygon', coordinates: sq(117, 31, 0.1) } },
      ],
    }
    const labels = streetLabels(g)
    expect(labels).toHaveLength(1)
    expect(labels[0]!.name).toBe('向阳街道')
    expect(labels[0]!.value[0]).toBeCloseTo(117.1, 9)
    expect(labels[0]!.value[1]).toBeCloseTo(31.1, 9)
  })

  it('picks a readable text colour', () => {
    expect(textColorOn('#e7b416')).toBe('#303133')
    expect(textColorOn('#d93b3b')).toBe('#fff')
    expect(textColorOn('#fff')).toBe('#303133')
    expect(textColorOn('nonsense')).toBe('#fff')
  })

  it('has five default bands', () => {
    expect(DEFAULT_BANDS.map((b) => b.name).join('')).toBe('绿蓝黄橙红')
  })
})

describe('indicators', () => {
  it('inserts at the caret, replacing the selection', () => {
    expect(insertText('在岗人数 ÷ ', 7, 7, '正常用工人数')).toEqual({ text: '在岗人数 ÷ 正常用工人数', caret: 13 })
    expect(insertText('a + b', 4, 5, 'c')).toEqual({ text: 'a + c', caret: 5 })
    expect(insertText('x / ', 4, 4, '去年同期()', 1)).toEqual({ text: 'x / 去年同期()', caret: 9 })
    expect(insertText('ab', 99, 99, 'c').text).toBe('abc')
  })

  it('normalises months and finds the previous one', () => {
    expect(monthOf('2026-10-01')).toBe('2026-10')
    expect(monthOf('2026-10')).toBe('2026-10')
    expect(monthOf('2026-W41')).toBe('2026-W41')
    expect(previousMonth(new Date(2026, 0, 15))).toBe('2025-12')
    expect(previousMonth(new Date(2026, 10, 30))).toBe('2026-10')
  })

  it('lays the series out as indicators × the latest periods', () => {
    const pt = (period: string, value: number | null) => ({ period, value, source: 'portal', recorded_at: null, reason: value === null ? '缺少正常用工人数' : null, history: [] })
    const series: IndicatorSeries[] = [
      { code: 'staff', name: '在岗人数', unit: '人', period: 'month', kind: 'reported', points: [pt('2026-08', 100), pt('2026-09', 98), pt('2026-10', 97)] },
      { code: 'rate', name: '在岗率', unit: '%', period: 'month', kind: 'computed', points: [pt('2026-10-01', null)] },
    ]
    const t = seriesTable(series, 2)
    expect(t.periods).toEqual(['2026-10', '2026-09'])
    expect(t.rows[0]!.cells['2026-10']!.value).toBe(97)
    expect(t.rows[1]!.cells['2026-10']!.reason).toBe('缺少正常用工人数')
    expect(t.rows[1]!.cells['2026-09']).toBeUndefined()
  })

  it('formats values and value errors', () => {
    expect(formatValue(1234.567)).toBe('1,234.57')
    expect(formatValue(null)).toBe('—')
    expect(valueErrorText('未知指标')).toBe('未知指标')
    expect(valueErrorText({ indicator: 'staff', period: '2026-10', message: '数值无效' })).toBe('staff 2026-10：数值无效')
    expect(valueErrorText({})).toBe('数据有误')
    expect(valueErrorText({ index: 1, field: 'value', message: '数值须为非负数' }, '开票额 2026-10')).toBe('开票额 2026-10：数值须为非负数')
  })
})

describe('indicatorApi.submitValues', () => {
  const values = [{ uscc: '91340100MA2N0X1234', indicator: 'kpe', period: '2026-10', value: -1 }]
  const reply = (status: number, body: unknown) =>
    vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }))
  afterEach(() => vi.unstubAllGlobals())

  it('posts the values and returns the result', async () => {
    const f = reply(200, { accepted: 1, corrected: 0, unchanged: 0, errors: [] })
    vi.stubGlobal('fetch', f)
    await expect(indicatorApi.submitValues(values)).resolves.toEqual({ accepted: 1, corrected: 0, unchanged: 0, errors: [] })
    const [url, init] = f.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('/api/v1/indicators/values')
    expect(init.method).toBe('POST')
    expect(JSON.parse(init.body as string)).toEqual({ values })
  })

  it('returns the errors of a 422 result body (nothing was recorded)', async () => {
    const body = { accepted: 0, corrected: 0, unchanged: 0, errors: [{ index: 0, field: 'value', message: '数值须为非负数' }] }
    vi.stubGlobal('fetch', reply(422, body))
    await expect(indicatorApi.submitValues(values)).resolves.toEqual(body)
  })

  it('throws the server message of any other error', async () => {
    vi.stubGlobal('fetch', reply(403, { code: 'auth.forbidden', message: '账号未关联企业' }))
    await expect(indicatorApi.submitValues(values)).rejects.toMatchObject({ status: 403, code: 'auth.forbidden', message: '账号未关联企业' })
    vi.stubGlobal('fetch', reply(422, { code: 'validation.values', message: '每次报送 1 至 10000 条数值', field: 'values' }))
    await expect(indicatorApi.submitValues(values)).rejects.toMatchObject({ status: 422, field: 'values' })
  })
})

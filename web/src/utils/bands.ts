// Pure helpers of the 五色图, 预警 and 运行指标 pages (no Vue, no requests): tested in
// src/__tests__/bands.spec.ts.

import type {
  BandComponent,
  BandCount,
  BandDef,
  BandPoint,
  BandRef,
  BandRuleBand,
  BandSummary,
  GeoCollection,
  IndicatorKind,
  IndicatorPeriod,
  IndicatorSeries,
  IndicatorValueError,
  SeriesPoint,
  WarningKind,
} from '@/api/bands'

/** The colour of "no band" (未评) and of a band code the page does not know. */
export const UNRATED_COLOR = '#c0c4cc'
export const UNRATED_NAME = '未评'
/** the code the enterprise list uses for enterprises without a band (`band=none`) */
export const UNRATED_CODE = 'none'

/** The server's default five bands (the colour picker offers their colours). */
export const DEFAULT_BANDS: BandDef[] = [
  { code: 'green', name: '绿', color: '#2e9d4f' },
  { code: 'blue', name: '蓝', color: '#2f7fd8' },
  { code: 'yellow', name: '黄', color: '#e6b422' },
  { code: 'orange', name: '橙', color: '#ee7d31' },
  { code: 'red', name: '红', color: '#d8342c' },
]

export const PERIOD_NAMES: Record<IndicatorPeriod, string> = { day: '日', week: '周', month: '月' }
export const INDICATOR_KIND_NAMES: Record<IndicatorKind, string> = { reported: '上报', computed: '计算' }

export const WARNING_KIND_NAMES: Record<WarningKind, string> = {
  drop: '连降两级',
  red: '落入红色',
  silent: '未按期报送',
}
export const WARNING_KIND_TAG: Record<WarningKind, 'danger' | 'warning' | 'info'> = {
  drop: 'warning',
  red: 'danger',
  silent: 'info',
}

// ---- bands ----------------------------------------------------------------------------------------

/** The code of a band given as a code or as an object; `null` when absent. */
export function bandCodeOf(ref: BandRef): string | null {
  if (ref === null || ref === undefined || ref === '') return null
  return typeof ref === 'string' ? ref : ref.code || null
}

/**
 * The band (name and colour) of a reference, looked up in the zone's bands; a code the zone does
 * not know keeps its own code as name, in grey. `null` when there is no band.
 */
export function resolveBand(ref: BandRef, bands: readonly BandDef[]): BandDef | null {
  const code = bandCodeOf(ref)
  if (!code) return null
  if (code === UNRATED_CODE) return { code, name: UNRATED_NAME, color: UNRATED_COLOR }
  const known = bands.find((b) => b.code === code)
  if (known) return known
  if (ref && typeof ref === 'object') return { code, name: ref.name || code, color: ref.color || UNRATED_COLOR }
  return { code, name: code, color: UNRATED_COLOR }
}

/** "蓝 → 橙"; "— → 红" when there was no band before; "" when neither is known (未按期报送). */
export function bandTransition(from: BandRef, to: BandRef, bands: readonly BandDef[]): string {
  const f = resolveBand(from, bands)
  const t = resolveBand(to, bands)
  if (!f && !t) return ''
  return `${f?.name ?? '—'} → ${t?.name ?? '—'}`
}

/** How many bands down the transition goes (2 for 蓝 → 橙); 0 when unknown or not a drop. */
export function bandDrop(from: BandRef, to: BandRef, bands: readonly BandDef[]): number {
  const i = bands.findIndex((b) => b.code === bandCodeOf(from))
  const j = bands.findIndex((b) => b.code === bandCodeOf(to))
  return i >= 0 && j >= 0 && j > i ? j - i : 0
}

const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i

/**
 * Checks the bands of the rules, best first: 2 to 7 of them, names and colours set, codes distinct,
 * and the lowest scores (0–100) strictly descending. The last band takes every score below the one
 * before it, so its own lowest score is not checked. Returns the first problem, in Chinese, or `null`.
 */
export function validateBandThresholds(bands: readonly BandRuleBand[]): string | null {
  if (bands.length < 2 || bands.length > 7) return '色标须有 2 至 7 档'
  const codes = new Set<string>()
  let prev: { name: string; min: number } | null = null
  for (let i = 0; i < bands.length; i++) {
    const b = bands[i]!
    const label = b.name.trim() || `第 ${i + 1} 档`
    if (!b.name.trim()) return `第 ${i + 1} 档色标未填写名称`
    if (!HEX.test(b.color)) return `“${label}”的颜色无效`
    if (codes.has(b.code)) return `色标编码“${b.code}”重复`
    codes.add(b.code)
    if (i === bands.length - 1) continue
    const min = b.min_score
    if (min === null || min === undefined || Number.isNaN(min)) return `“${label}”未填写最低分`
    if (min < 0 || min > 100) return `“${label}”的最低分须在 0–100 之间`
    if (prev && !(min < prev.min)) return `“${label}”的最低分（${min}）须低于上一档“${prev.name}”（${prev.min}）`
    prev = { name: label, min }
  }
  return null
}

/** Checks the components of the score; returns the first problem, in Chinese, or `null`. */
export function validateComponents(components: readonly BandComponent[]): string | null {
  if (!components.length) return '至少需要一个评分项'
  const seen = new Set<string>()
  for (let i = 0; i < components.length; i++) {
    const c = components[i]!
    const label = `第 ${i + 1} 个评分项`
    let key: string
    if (c.kind === 'indicator') {
      if (!c.code) return `${label}未选择指标`
      key = `indicator:${c.code}`
    } else {
      key = 'overdue_cases'
    }
    if (seen.has(key)) return c.kind === 'indicator' ? `${label}的指标重复` : '“超期诉求”只能设置一项'
    seen.add(key)
    if (!(typeof c.weight === 'number' && c.weight > 0)) return `${label}的权重须大于 0`
    if (typeof c.zero !== 'number' || typeof c.full !== 'number' || Number.isNaN(c.zero) || Number.isNaN(c.full))
      return `${label}须填写 0 分值和满分值`
    if (c.zero === c.full) return `${label}的 0 分值与满分值不能相同`
  }
  return null
}

/** The score (0–100) one component gives to a value: linear from `zero` to `full`, clamped. */
export function componentScore(value: number, zero: number, full: number): number {
  if (zero === full) return value >= full ? 100 : 0
  const s = ((value - zero) / (full - zero)) * 100
  return Math.max(0, Math.min(100, s))
}

// ---- the summary ----------------------------------------------------------------------------------

export interface BandCard extends BandDef {
  count: number
  /** 0–1 of all enterprises (the five bands and 未评) */
  share: number
}

/** The five band cards and the 未评 card, each with its share of the total. */
export function bandCards(bands: readonly BandCount[], unrated: number): { cards: BandCard[]; total: number } {
  const total = bands.reduce((s, b) => s + (b.count || 0), 0) + (unrated || 0)
  const share = (n: number) => (total > 0 ? n / total : 0)
  const cards: BandCard[] = bands.map((b) => ({ code: b.code, name: b.name, color: b.color, count: b.count || 0, share: share(b.count || 0) }))
  cards.push({ code: UNRATED_CODE, name: UNRATED_NAME, color: UNRATED_COLOR, count: unrated || 0, share: share(unrated || 0) })
  return { cards, total }
}

/** 0.1234 → "12.3%"; 0 → "0%". */
export function formatShare(x: number, digits = 1): string {
  if (!x) return '0%'
  return `${(x * 100).toFixed(digits)}%`
}

export interface StreetRow {
  street_id: string | null
  street_name: string
  counts: Record<string, number>
  total: number
}

/** 各街道分布: the counts of every band (0 when absent) and the street's total, worst share first. */
export function streetRows(byStreet: BandSummary['by_street'], bands: readonly BandDef[]): StreetRow[] {
  return byStreet.map((s) => {
    const counts: Record<string, number> = {}
    let total = 0
    for (const b of bands) {
      const n = s.counts?.[b.code] ?? 0
      counts[b.code] = n
      total += n
    }
    return { street_id: s.street_id, street_name: s.street_name || '未划分', counts, total }
  })
}

export interface TrendSeries extends BandDef {
  data: number[]
}

/** The trend as one series per band (in the bands' order) over the days of the summary. */
export function trendSeries(trend: BandSummary['trend'], bands: readonly BandDef[]): { days: string[]; series: TrendSeries[] } {
  const days = trend.map((d) => d.day)
  const series = bands.map((b) => ({ code: b.code, name: b.name, color: b.color, data: trend.map((d) => d.counts?.[b.code] ?? 0) }))
  return { days, series }
}

// ---- the map --------------------------------------------------------------------------------------

export interface ScatterItem {
  id: string
  name: string
  value: [number, number]
  band: string | null
  bandName: string
  street: string
  itemStyle: { color: string }
}

/**
 * The map's points: one item per enterprise with a position, coloured by its band. The worst bands
 * come last, so that they are drawn on top of the others.
 */
export function scatterData(points: readonly BandPoint[], bands: readonly BandDef[]): ScatterItem[] {
  const rank = (code: string | null) => (code ? bands.findIndex((b) => b.code === code) : -1)
  const items: { item: ScatterItem; rank: number; i: number }[] = []
  points.forEach((p, i) => {
    if (typeof p.lon !== 'number' || typeof p.lat !== 'number' || !Number.isFinite(p.lon) || !Number.isFinite(p.lat)) return
    const band = resolveBand(p.band, bands)
    const code = band?.code ?? null
    items.push({
      item: {
        id: p.id,
        name: p.name,
        value: [p.lon, p.lat],
        band: code,
        bandName: band?.name ?? UNRATED_NAME,
        street: p.street_name ?? '',
        itemStyle: { color: band?.color ?? UNRATED_COLOR },
      },
      rank: rank(code),
      i,
    })
  })
  items.sort((a, b) => a.rank - b.rank || a.i - b.i)
  return items.map((x) => x.item)
}

/** The zone's map with the streets first and the grids after them, so that grids are drawn on top. */
export function orderGeo(geo: GeoCollection): GeoCollection {
  const streets = geo.features.filter((f) => f.properties?.kind === 'street')
  const others = geo.features.filter((f) => f.properties?.kind !== 'street')
  return { ...geo, features: [...streets, ...others] }
}

/** pale fills that tell neighbouring streets apart */
const STREET_FILLS = ['#eaf1fb', '#eef6ee', '#f7f1e6', '#f1eef8', '#e9f5f6', '#f8eeee', '#f2f4e8', '#eef0f3']

export interface GeoRegionStyle {
  name: string
  itemStyle: { areaColor: string; borderColor: string; borderWidth: number }
  label: { show: boolean }
}

/**
 * The style of every region: streets filled with a strong border, grids as thin lines. (The street
 * names are drawn by the page above the points, see `streetLabels`.)
 */
export function geoRegions(geo: GeoCollection): GeoRegionStyle[] {
  let s = 0
  return geo.features
    .filter((f) => f.properties?.name)
    .map((f) =>
      f.properties.kind === 'street'
        ? {
            name: f.properties.name,
            itemStyle: { areaColor: STREET_FILLS[s++ % STREET_FILLS.length]!, borderColor: '#5a6b82', borderWidth: 1.6 },
            label: { show: false },
          }
        : {
            name: f.properties.name,
            itemStyle: { areaColor: 'rgba(0,0,0,0)', borderColor: '#a9b6c8', borderWidth: 0.5 },
            label: { show: false },
          },
    )
}

type Ring = [number, number][]

/** signed area and centroid of a ring (shoelace); the plain mean of its points when degenerate */
function ringCentroid(ring: Ring): { area: number; x: number; y: number } {
  let a = 0
  let cx = 0
  let cy = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0, y0] = ring[j]!
    const [x1, y1] = ring[i]!
    const f = x0 * y1 - x1 * y0
    a += f
    cx += (x0 + x1) * f
    cy += (y0 + y1) * f
  }
  if (Math.abs(a) < 1e-12) {
    const n = ring.length || 1
    return { area: 0, x: ring.reduce((t, p) => t + p[0], 0) / n, y: ring.reduce((t, p) => t + p[1], 0) / n }
  }
  return { area: Math.abs(a / 2), x: cx / (3 * a), y: cy / (3 * a) }
}

/** Where to write a region's name: the centroid of its largest polygon (outer ring); null if none. */
export function labelPoint(geometry: { type: string; coordinates: unknown }): [number, number] | null {
  const polys: Ring[][] =
    geometry.type === 'Polygon'
      ? [geometry.coordinates as Ring[]]
      : geometry.type === 'MultiPolygon'
        ? (geometry.coordinates as Ring[][])
        : []
  let best: { area: number; x: number; y: number } | null = null
  for (const poly of polys) {
    const outer = poly?.[0]
    if (!outer?.length) continue
    const c = ringCentroid(outer)
    if (!best || c.area > best.area) best = c
  }
  return best && Number.isFinite(best.x) && Number.isFinite(best.y) ? [best.x, best.y] : null
}

/** The street names for the map, each at its street's centroid. */
export function streetLabels(geo: GeoCollection): { name: string; value: [number, number] }[] {
  const out: { name: string; value: [number, number] }[] = []
  for (const f of geo.features) {
    if (f.properties?.kind !== 'street' || !f.properties.name || !f.geometry) continue
    const p = labelPoint(f.geometry)
    if (p) out.push({ name: f.properties.name, value: p })
  }
  return out
}

/** A readable text colour on a band colour (dark on yellow, white on the others). */
export function textColorOn(bg: string): string {
  const m = /^#([0-9a-f]{6})$/i.exec(bg) ?? /^#([0-9a-f]{3})$/i.exec(bg)
  if (!m) return '#fff'
  let hex = m[1]!
  if (hex.length === 3) hex = hex.replace(/./g, (c) => c + c)
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number]
  const lum = 0.299 * r + 0.587 * g + 0.114 * b
  return lum > 0.62 ? '#303133' : '#fff'
}

// ---- indicators -----------------------------------------------------------------------------------

/** Inserts `ins` in place of text[start, end); the caret goes after it (or `caretBack` before its end). */
export function insertText(text: string, start: number, end: number, ins: string, caretBack = 0): { text: string; caret: number } {
  const a = Math.max(0, Math.min(start, text.length))
  const b = Math.max(a, Math.min(end, text.length))
  const out = text.slice(0, a) + ins + text.slice(b)
  return { text: out, caret: a + ins.length - caretBack }
}

/** "2026-10-01" or "2026-10" → "2026-10" (other periods unchanged). */
export function monthOf(period: string): string {
  const m = /^(\d{4}-\d{2})(-\d{2})?$/.exec(period)
  return m ? m[1]! : period
}

/** The month before `now`, as "YYYY-MM" (what an enterprise usually reports). */
export function previousMonth(now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth() - 1, 1)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`
}

export interface SeriesTableRow {
  code: string
  name: string
  unit: string
  kind: IndicatorKind
  cells: Record<string, SeriesPoint | undefined>
}

/** The enterprise's series as a table: the most recent `limit` periods (newest first) × indicators. */
export function seriesTable(series: readonly IndicatorSeries[], limit = 12): { periods: string[]; rows: SeriesTableRow[] } {
  const all = new Set<string>()
  for (const s of series) for (const p of s.points) all.add(monthOf(p.period))
  const periods = [...all].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).slice(0, limit)
  const rows = series.map((s) => {
    const cells: Record<string, SeriesPoint | undefined> = {}
    for (const p of s.points) cells[monthOf(p.period)] = p
    return { code: s.code, name: s.name, unit: s.unit, kind: s.kind, cells }
  })
  return { periods, rows }
}

/** A value for a table cell: up to 2 decimals, grouped; "—" when absent. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—'
  return v.toLocaleString('zh-CN', { maximumFractionDigits: 2 })
}

/**
 * One error of `POST /indicators/values` as a line of text; `label` names the value at fault (the
 * server gives its index in the submitted list).
 */
export function valueErrorText(e: IndicatorValueError, label?: string): string {
  if (typeof e === 'string') return label ? `${label}：${e}` : e
  const where = label || [e.indicator, e.period].filter(Boolean).join(' ')
  const msg = e.message || '数据有误'
  return where ? `${where}：${msg}` : msg
}

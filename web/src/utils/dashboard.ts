// Pure helpers of the command dashboard (指挥大屏): numbers, dates, the map's shading and
// regions, the ranking, and the poller that refreshes the page.

import type { RouteLocationRaw } from 'vue-router'
import type {
  AreaKind,
  DashboardArea,
  DashboardCategory,
  DashboardRankingRow,
  DashboardTrendDay,
  RankMovement,
  ZoneFeature,
  ZoneGeo,
} from '@/api/dashboard'

// ---- numbers --------------------------------------------------------------------------------------

/** A big number on the screen: grouped by thousands; from a million on in 万 (one decimal). */
export function formatKpi(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  if (Math.abs(n) >= 1_000_000) return `${(n / 10_000).toFixed(1).replace(/\.0$/, '')}万`
  return Math.round(n).toLocaleString('zh-CN')
}

/** A composite score with one decimal ("—" when the unit has none). */
export function formatScore(s: number | null | undefined): string {
  return s === null || s === undefined || !Number.isFinite(s) ? '—' : s.toFixed(1)
}

/** The share of `part` in `whole` as a whole percentage ("—" when nothing to compare). */
export function formatPercent(part: number, whole: number): string {
  if (!whole) return '—'
  return `${Math.round((part / whole) * 100)}%`
}

/** The zone's short name for the title bar: "…开发区管理委员会" → "…开发区". */
export function zoneTitle(name: string | null | undefined, fallback = ''): string {
  const n = (name ?? '').trim()
  const short = n.replace(/(管理委员会|管委会)$/, '').trim()
  return short || fallback
}

// ---- dates and times ------------------------------------------------------------------------------

const pad = (n: number) => String(n).padStart(2, '0')
const BEIJING_MS = 8 * 3600 * 1000
const DAY_MS = 24 * 3600 * 1000
const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六']

/** The calendar day (Beijing time) of an RFC 3339 instant, "YYYY-MM-DD"; null when unreadable. */
export function beijingDay(instant: string | null | undefined): string | null {
  if (!instant) return null
  const t = Date.parse(instant)
  if (Number.isNaN(t)) return null
  return new Date(t + BEIJING_MS).toISOString().slice(0, 10)
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10)

function parseDay(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) return null
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  // Date.UTC rolls over (month 13, day 32): only a real calendar day reads back the same
  return !Number.isNaN(d.getTime()) && isoDay(d) === day ? d : null
}

/** The week (Monday to Sunday) a day lies in. */
export function weekOf(day: string): { from: string; to: string } | null {
  const d = parseDay(day)
  if (!d) return null
  const back = (d.getUTCDay() + 6) % 7 // days since Monday
  const from = new Date(d.getTime() - back * DAY_MS)
  return { from: isoDay(from), to: isoDay(new Date(from.getTime() + 6 * DAY_MS)) }
}

/** "11月23日—11月29日" for the week of a day ('' when unreadable). */
export function weekRangeLabel(day: string | null | undefined): string {
  const w = day ? weekOf(day) : null
  if (!w) return ''
  const md = (s: string) => `${Number(s.slice(5, 7))}月${Number(s.slice(8, 10))}日`
  return `${md(w.from)}—${md(w.to)}`
}

/** The clock of the title bar, in local time: date with weekday, and the time with seconds. */
export function clockParts(now: Date): { date: string; time: string } {
  return {
    date: `${now.getFullYear()}年${now.getMonth() + 1}月${now.getDate()}日 ${WEEKDAYS[now.getDay()]}`,
    time: `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`,
  }
}

/** "HH:mm:ss" of an instant in local time ('—' when unreadable). */
export function timeOfDay(instant: string | null | undefined): string {
  if (!instant) return '—'
  const d = new Date(instant)
  if (Number.isNaN(d.getTime())) return '—'
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** How long ago a case came in: 刚刚, n分钟前, n小时前, then "MM-DD HH:mm". */
export function sinceText(instant: string, now: Date): string {
  const t = Date.parse(instant)
  if (Number.isNaN(t)) return '—'
  const minutes = Math.floor((now.getTime() - t) / 60_000)
  if (minutes < 1) return '刚刚'
  if (minutes < 60) return `${minutes}分钟前`
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)}小时前`
  const d = new Date(t)
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

// ---- trend and categories -------------------------------------------------------------------------

/** The trend as chart columns: "MM-DD" labels and the two series. */
export function trendColumns(trend: readonly DashboardTrendDay[]): { days: string[]; received: number[]; closed: number[] } {
  return {
    days: trend.map((t) => (/^\d{4}-\d{2}-\d{2}$/.test(t.day) ? t.day.slice(5) : t.day)),
    received: trend.map((t) => t.received),
    closed: trend.map((t) => t.closed),
  }
}

export interface CategoryBar {
  name: string
  value: number
  /** the bar that sums the categories beyond the top N */
  other: boolean
}

/**
 * The top `n` categories by count, then one bar "其他" for the rest (when there is any),
 * in reading order (largest first).
 */
export function topCategories(categories: readonly DashboardCategory[], n: number): CategoryBar[] {
  const sorted = [...categories].filter((c) => c.received > 0).sort((a, b) => b.received - a.received)
  const top: CategoryBar[] = sorted.slice(0, n).map((c) => ({ name: c.name, value: c.received, other: false }))
  const rest = sorted.slice(n).reduce((t, c) => t + c.received, 0)
  if (rest > 0) top.push({ name: '其他', value: rest, other: true })
  return top
}

// ---- the map: shading -----------------------------------------------------------------------------

export type MapMetric = 'received' | 'overdue'
export type MapLevel = AreaKind

export const METRIC_LABELS: Record<MapMetric, string> = { received: '本年受理', overdue: '当前超期' }

/** Colour ramps from "none" to "most", readable on the dark background. */
export const SHADE_RAMPS: Record<MapMetric, readonly string[]> = {
  received: ['#12315a', '#1b5aa6', '#1f8fe0', '#3fd0ff', '#a6f0ff'],
  overdue: ['#2a2440', '#6b2d55', '#b8344f', '#ff5b5b', '#ffb199'],
}

/**
 * The span of the shading: the values rounded out to the power of ten of the largest (232…270 →
 * 200…300, 0…58 → 0…60, 0…3 → 0…3), so that areas of similar size still tell apart without a
 * small difference taking the whole ramp; only 0 takes the colour of "none"; 0…1 when there is
 * nothing.
 */
export function shadeDomain(values: readonly number[]): { min: number; max: number } {
  const finite = values.filter((v) => Number.isFinite(v) && v >= 0)
  const hi = finite.reduce((m, v) => Math.max(m, v), 0)
  if (hi <= 0) return { min: 0, max: 1 }
  const lo = finite.reduce((m, v) => Math.min(m, v), hi)
  const step = 10 ** Math.floor(Math.log10(hi))
  let min = Math.floor(lo / step) * step
  // a value above zero is never drawn in the colour of "none"
  if (min === lo && lo > 0) min -= step
  let max = Math.ceil(hi / step) * step
  if (max <= min) max = min + step
  return { min, max }
}

function hexRgb(hex: string): [number, number, number] {
  const h = hex.replace('#', '')
  const full = h.length === 3 ? h.replace(/./g, (c) => c + c) : h
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number]
}

const toHex = (rgb: readonly number[]) => '#' + rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')

/**
 * The colour of `value` on a ramp spanning min…max (linear interpolation between the stops);
 * values at or below `min` take the first stop, at or above `max` the last.
 */
export function shadeColor(value: number, domain: { min: number; max: number }, ramp: readonly string[]): string {
  if (!ramp.length) return '#000000'
  const { min, max } = domain
  if (ramp.length === 1 || !(max > min) || !(value > min)) return ramp[0]!.toLowerCase()
  const t = Math.min(1, (value - min) / (max - min)) * (ramp.length - 1)
  const i = Math.min(Math.floor(t), ramp.length - 2)
  const f = t - i
  const a = hexRgb(ramp[i]!)
  const b = hexRgb(ramp[i + 1]!)
  return toHex(a.map((c, k) => c + (b[k]! - c) * f))
}

/** A readable label colour on a fill (dark on the light end of a ramp). */
export function labelColorOn(fill: string): string {
  const [r, g, b] = hexRgb(fill)
  return (0.299 * r + 0.587 * g + 0.114 * b) / 255 > 0.6 ? '#0b1a2e' : '#ffffff'
}

// ---- the map: features and regions ----------------------------------------------------------------

/** The features of one level (streets or grids), for `registerMap`. */
export function levelGeo(geo: ZoneGeo, level: MapLevel): ZoneGeo {
  return { type: 'FeatureCollection', features: geo.features.filter((f) => f.properties?.kind === level && !!f.geometry && !!f.properties.code) }
}

function walkCoords(c: unknown, visit: (x: number, y: number) => void): void {
  if (!Array.isArray(c)) return
  if (c.length >= 2 && typeof c[0] === 'number' && typeof c[1] === 'number') {
    visit(c[0], c[1])
    return
  }
  for (const x of c) walkCoords(x, visit)
}

/**
 * The bounds of all features as ECharts `boundingCoords` ([[west, north], [east, south]]), so that
 * the street outline laid over the grids is projected exactly like them; null without geometry.
 */
export function boundingCoords(features: readonly ZoneFeature[]): [[number, number], [number, number]] | null {
  let w = Infinity
  let e = -Infinity
  let s = Infinity
  let n = -Infinity
  for (const f of features) {
    walkCoords(f.geometry?.coordinates, (x, y) => {
      if (x < w) w = x
      if (x > e) e = x
      if (y < s) s = y
      if (y > n) n = y
    })
  }
  if (!Number.isFinite(w) || !Number.isFinite(n)) return null
  return [
    [w, n],
    [e, s],
  ]
}

/** The x/y scale of a map at a latitude (degrees of longitude are shorter away from the equator). */
export function aspectAt(bounds: [[number, number], [number, number]] | null): number {
  if (!bounds) return 0.75
  const lat = (bounds[0][1] + bounds[1][1]) / 2
  return Math.max(0.2, Math.cos((lat * Math.PI) / 180))
}

export function areaIndex(areas: readonly DashboardArea[]): Map<string, DashboardArea> {
  return new Map(areas.map((a) => [a.code, a]))
}

export interface MapRegion {
  /** the feature's code (the map is registered with `nameProperty: 'code'`) */
  name: string
  itemStyle: { areaColor: string }
  label: { color: string }
}

/** The fill of every feature of a level by the metric, and the span of the legend. */
export function shadeRegions(
  features: readonly ZoneFeature[],
  areas: ReadonlyMap<string, DashboardArea>,
  metric: MapMetric,
): { regions: MapRegion[]; domain: { min: number; max: number } } {
  const values = features.map((f) => areas.get(f.properties.code)?.[metric] ?? 0)
  const domain = shadeDomain(values)
  const ramp = SHADE_RAMPS[metric]
  const regions = features.map((f, i) => {
    const fill = shadeColor(values[i]!, domain, ramp)
    return { name: f.properties.code, itemStyle: { areaColor: fill }, label: { color: labelColorOn(fill) } }
  })
  return { regions, domain }
}

/** The areas of a level with the most by the metric (ties by name), at most `n`. */
export function topAreas(areas: readonly DashboardArea[], level: MapLevel, metric: MapMetric, n: number): DashboardArea[] {
  return areas
    .filter((a) => a.kind === level)
    .sort((a, b) => b[metric] - a[metric] || a.name.localeCompare(b.name, 'zh-CN'))
    .slice(0, n)
}

/** A grid's name as short as a map cell needs ("向阳社区第一网格" → "向阳一", "桃园村第二网格" → "桃园二"). */
export function shortAreaName(name: string, kind: string): string {
  if (kind !== 'grid') return name
  const m = /^(.+?)(社区|村|居委会)?第(.+?)网格$/.exec(name)
  if (m) return `${m[1]}${m[3]}`
  return name.replace(/网格$/, '') || name
}

/** The cases list filtered by an area (the map's click-through). */
export function casesLinkOf(area: Pick<DashboardArea, 'unit_id' | 'kind'>): RouteLocationRaw {
  return { path: '/cases', query: area.kind === 'grid' ? { grid_id: area.unit_id } : { street_id: area.unit_id } }
}

// ---- ranking --------------------------------------------------------------------------------------

const GROUP_LABELS: Record<string, string> = { street: '街道', department: '部门', community: '社区/村' }
const GROUP_ORDER = ['street', 'department', 'community']

export interface RankingGroup {
  group: string
  label: string
  rows: DashboardRankingRow[]
}

/** The ranking rows by group (streets, then departments), each by rank, units without a rank last. */
export function rankingGroups(rows: readonly DashboardRankingRow[]): RankingGroup[] {
  const by = new Map<string, DashboardRankingRow[]>()
  for (const r of rows) {
    const list = by.get(r.group)
    if (list) list.push(r)
    else by.set(r.group, [r])
  }
  const order = (g: string) => {
    const i = GROUP_ORDER.indexOf(g)
    return i < 0 ? GROUP_ORDER.length : i
  }
  return [...by.keys()]
    .sort((a, b) => order(a) - order(b))
    .map((g) => ({
      group: g,
      label: GROUP_LABELS[g] ?? g,
      rows: [...by.get(g)!].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity)),
    }))
}

export type MovementTone = 'up' | 'down' | 'same' | 'new'

/** How a movement reads: ↑2, ↓1, 新, — (for a unit without a previous rank or a movement). */
export function movementView(m: RankMovement | null | undefined): { text: string; tone: MovementTone; title: string } {
  if (!m) return { text: '—', tone: 'same', title: '无上期排名' }
  switch (m.kind) {
    case 'up':
      return { text: `↑${m.by}`, tone: 'up', title: `较上期上升 ${m.by} 位` }
    case 'down':
      return { text: `↓${m.by}`, tone: 'down', title: `较上期下降 ${m.by} 位` }
    case 'new':
      return { text: '新', tone: 'new', title: '本期首次排名' }
    default:
      return { text: '—', tone: 'same', title: '名次不变' }
  }
}

// ---- refreshing -----------------------------------------------------------------------------------

export interface PollerOptions {
  /** milliseconds between the end of one run and the start of the next */
  interval: number
  /** loads the data; its own errors are its business (a rejection is passed to `onError`) */
  run: () => Promise<void>
  /** true while the page is not visible: no runs then */
  isHidden: () => boolean
  onError?: (e: unknown) => void
  now?: () => number
}

export interface Poller {
  /** runs now, then every `interval` */
  start(): void
  stop(): void
  /** to be called on `visibilitychange`: pauses while hidden, and catches up when shown again */
  visibilityChanged(): void
  /** runs now (unless a run is under way), the next one `interval` later */
  refresh(): void
}

/**
 * Refreshes every `interval` while the page is visible. Runs never overlap; a hidden page is not
 * polled, and when it comes back the data is loaded at once if it is older than `interval`.
 */
export function createPoller(opts: PollerOptions): Poller {
  const now = opts.now ?? (() => Date.now())
  let timer: ReturnType<typeof setTimeout> | null = null
  let running = false
  let active = false
  let last = -Infinity

  const clear = () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }
  const schedule = (delay: number) => {
    clear()
    if (active && !opts.isHidden()) timer = setTimeout(tick, Math.max(0, delay))
  }

  async function tick() {
    timer = null
    if (!active || running || opts.isHidden()) return
    running = true
    try {
      await opts.run()
    } catch (e) {
      opts.onError?.(e)
    } finally {
      running = false
      last = now()
      schedule(opts.interval)
    }
  }

  return {
    start() {
      active = true
      clear()
      void tick()
    },
    stop() {
      active = false
      clear()
    },
    visibilityChanged() {
      if (!active) return
      if (opts.isHidden()) {
        clear()
        return
      }
      if (running || timer !== null) return
      schedule(last + opts.interval - now())
    },
    refresh() {
      if (!active || running) return
      clear()
      void tick()
    },
  }
}

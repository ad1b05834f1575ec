// The enterprise registry (一企一档) and its import: labels, list filters, the edit form and the
// pure checks of the import wizard. See docs/ENTERPRISES.md.

import type { LocationQuery } from 'vue-router'
import type { ComposeOption } from 'echarts/core'
import type { LineSeriesOption } from 'echarts/charts'
import type { GridComponentOption, TooltipComponentOption } from 'echarts/components'
import { ApiError } from '@/api/client'
import type { EnterpriseQuery } from '@/api'
import type {
  Enterprise,
  EnterpriseIn,
  EnterpriseIndicator,
  IndicatorPointOut,
  ImportField,
  ImportKind,
  ImportMapping,
  ImportOut,
  ImportRowError,
  ImportStatus,
  OrgUnit,
  SizeClass,
} from '@/api/types'

// ---- bands (五色图) ---------------------------------------------------------------------------------

export interface BandOption {
  code: string
  name: string
  color: string
}

/** The five default bands; the zone's own (`GET /bands/rules`) replace them when readable. */
export const DEFAULT_BANDS: readonly BandOption[] = [
  { code: 'green', name: '绿', color: '#2ba471' },
  { code: 'blue', name: '蓝', color: '#2f7ed8' },
  { code: 'yellow', name: '黄', color: '#e6b422' },
  { code: 'orange', name: '橙', color: '#f08a24' },
  { code: 'red', name: '红', color: '#d9363e' },
]

/** the `band` filter value of enterprises without a band */
export const BAND_NONE = 'none'
export const UNRATED_COLOR = '#c0c4cc'

// ---- size and labels --------------------------------------------------------------------------------

export const SIZE_OPTIONS: readonly { value: SizeClass; label: string }[] = [
  { value: 'large', label: '大型' },
  { value: 'medium', label: '中型' },
  { value: 'small', label: '小型' },
  { value: 'micro', label: '微型' },
]

export function sizeLabel(size: string | null | undefined): string {
  return SIZE_OPTIONS.find((o) => o.value === size)?.label ?? '—'
}

export const SIZE_TAG: Record<string, 'danger' | 'warning' | 'primary' | 'info'> = {
  large: 'danger',
  medium: 'warning',
  small: 'primary',
  micro: 'info',
}

/** Where an indicator value came from. */
export const SOURCE_NAMES: Record<string, string> = {
  import: '导入',
  portal: '企业填报',
  api: '接口',
  manual: '人工',
  computed: '计算',
}

export function sourceName(source: string | null | undefined): string {
  if (!source) return '—'
  return SOURCE_NAMES[source] ?? source
}

export const PERIOD_NAMES: Record<string, string> = { day: '日', week: '周', month: '月' }

/** The kinds of the enterprise timeline: label and colour. */
export const EVENT_KINDS: Record<string, { label: string; color: string }> = {
  created: { label: '建档', color: '#67c23a' },
  changed: { label: '信息变更', color: '#409eff' },
  case: { label: '诉求', color: '#e6a23c' },
  indicator: { label: '运行指标', color: '#13c2c2' },
  band: { label: '色标', color: '#8e6bd8' },
  warning: { label: '预警', color: '#f56c6c' },
}

export function eventKind(kind: string): { label: string; color: string } {
  return EVENT_KINDS[kind] ?? { label: kind, color: '#909399' }
}

/** The lines of a timeline entry's detail (`changed`: one `字段：旧值 → 新值` per line). */
export function detailLines(detail: string | null | undefined): string[] {
  if (!detail) return []
  return detail
    .split(/\n|；(?=[^；]*：)/)
    .map((l) => l.trim())
    .filter(Boolean)
}

// ---- list filters --------------------------------------------------------------------------------

export interface EnterpriseFilters {
  q: string
  street_id: string
  grid_id: string
  band: string
  tag: string
  size_class: SizeClass | ''
  /** a 门类 letter (or any prefix of the industry code) */
  industry: string
}

export const FILTER_KEYS = ['q', 'street_id', 'grid_id', 'band', 'tag', 'size_class', 'industry'] as const

export function emptyFilters(): EnterpriseFilters {
  return { q: '', street_id: '', grid_id: '', band: '', tag: '', size_class: '', industry: '' }
}

const SIZES = new Set<string>(SIZE_OPTIONS.map((o) => o.value))

/** The filters kept in the URL (so that the list comes back as it was from an enterprise's page). */
export function filtersFromRoute(q: LocationQuery): EnterpriseFilters {
  const f = emptyFilters()
  const str = (v: unknown) => (typeof v === 'string' ? v : '')
  f.q = str(q.q)
  f.street_id = str(q.street_id)
  f.grid_id = str(q.grid_id)
  f.band = str(q.band)
  f.tag = str(q.tag)
  const size = str(q.size_class)
  f.size_class = SIZES.has(size) ? (size as SizeClass) : ''
  f.industry = str(q.industry)
  return f
}

export function filtersToRoute(f: EnterpriseFilters): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of FILTER_KEYS) {
    const v = k === 'q' ? f.q.trim() : f[k]
    if (v) out[k] = v
  }
  return out
}

/** The API query of the filters (empty ones left out); the export takes the same. */
export function filtersToQuery(f: EnterpriseFilters): EnterpriseQuery {
  const r = filtersToRoute(f)
  return {
    q: r.q,
    street_id: r.street_id,
    grid_id: r.grid_id,
    band: r.band,
    tag: r.tag,
    size_class: (r.size_class as SizeClass | undefined) ?? undefined,
    industry: r.industry,
  }
}

// ---- org units: grids by street -------------------------------------------------------------------

export interface GridGroup {
  street: { id: string; name: string } | null
  grids: { id: string; name: string; parent: string }[]
}

/**
 * The active grids grouped by their street (in the org tree's order), each with the name of its
 * community or village — the options of the grid select.
 */
export function gridGroups(units: readonly OrgUnit[]): GridGroup[] {
  const byId = new Map(units.map((u) => [u.id, u]))
  const order = (u: OrgUnit) => u.sort_order
  const streetOf = (u: OrgUnit): OrgUnit | null => {
    let cur: OrgUnit | undefined = u
    const seen = new Set<string>()
    while (cur && !seen.has(cur.id)) {
      seen.add(cur.id)
      if (cur.kind === 'street') return cur
      cur = cur.parent_id ? byId.get(cur.parent_id) : undefined
    }
    return null
  }
  const groups = new Map<string, GridGroup & { sort: number }>()
  const grids = units
    .filter((u) => u.kind === 'grid' && u.active)
    .sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name, 'zh-CN'))
  for (const g of grids) {
    const s = streetOf(g)
    const key = s?.id ?? ''
    let grp = groups.get(key)
    if (!grp) {
      grp = { street: s ? { id: s.id, name: s.name } : null, grids: [], sort: s ? s.sort_order : Number.MAX_SAFE_INTEGER }
      groups.set(key, grp)
    }
    const parent = g.parent_id ? byId.get(g.parent_id) : undefined
    grp.grids.push({ id: g.id, name: g.name, parent: parent && parent.kind !== 'street' ? parent.name : '' })
  }
  return [...groups.values()]
    .sort((a, b) => a.sort - b.sort || (a.street?.name ?? '').localeCompare(b.street?.name ?? '', 'zh-CN'))
    .map(({ street, grids }) => ({ street, grids }))
}

// ---- the edit form ----------------------------------------------------------------------------------

/** the form's fields (and the `field` names an API error may name) */
export const ENTERPRISE_FIELDS = [
  'uscc',
  'name',
  'former_names',
  'legal_rep',
  'registered_capital_wan',
  'founded_on',
  'address',
  'grid_id',
  'industry_code',
  'employees',
  'revenue_wan',
  'assets_wan',
  'tags',
  'contact_name',
  'contact_phone',
  'lon',
  'lat',
  'service_staff_id',
  'uscc_exception',
] as const

export type EnterpriseField = (typeof ENTERPRISE_FIELDS)[number]

export function emptyEnterpriseForm(): EnterpriseIn {
  return {
    uscc: '',
    name: '',
    former_names: [],
    legal_rep: '',
    registered_capital_wan: null,
    founded_on: null,
    address: '',
    grid_id: null,
    industry_code: '',
    employees: null,
    revenue_wan: null,
    assets_wan: null,
    tags: [],
    contact_name: '',
    contact_phone: '',
    lon: null,
    lat: null,
    service_staff_id: null,
  }
}

/** The form prefilled with an enterprise (its exception reason, if any, included). */
export function formFromEnterprise(e: Enterprise): EnterpriseIn {
  return {
    uscc: e.uscc ?? '',
    name: e.name ?? '',
    former_names: [...(e.former_names ?? [])],
    legal_rep: e.legal_rep ?? '',
    registered_capital_wan: e.registered_capital_wan ?? null,
    founded_on: e.founded_on ?? null,
    address: e.address ?? '',
    grid_id: e.grid_id ?? null,
    industry_code: e.industry_code ?? '',
    employees: e.employees ?? null,
    revenue_wan: e.revenue_wan ?? null,
    assets_wan: e.assets_wan ?? null,
    tags: [...(e.tags ?? [])],
    contact_name: e.contact_name ?? '',
    contact_phone: e.contact_phone ?? '',
    lon: e.lon ?? null,
    lat: e.lat ?? null,
    service_staff_id: e.service_staff_id ?? null,
    uscc_exception: e.uscc_exception ?? null,
  }
}

type FormValue = EnterpriseIn[keyof EnterpriseIn]

/**
 * Text fields trimmed, empty ids as null; lists without blanks. A cleared 成立日期 is `''`: the
 * server reads `null` as "not given" and an empty date as "none".
 */
function clean<K extends keyof EnterpriseIn>(k: K, v: FormValue): FormValue {
  if (k === 'founded_on') return typeof v === 'string' ? v.trim() : ''
  if (Array.isArray(v)) return v.map((x) => x.trim()).filter(Boolean)
  if (typeof v === 'string') {
    const t = v.trim()
    if (k === 'uscc' || k === 'industry_code') return t.toUpperCase()
    if (k === 'grid_id' || k === 'service_staff_id' || k === 'uscc_exception') return t || null
    return t
  }
  return v === undefined ? null : v
}

function same(a: FormValue, b: FormValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i])
  return (a ?? null) === (b ?? null)
}

/** The body of `POST /enterprises`: every field, cleaned; `uscc_exception` only when given. */
export function createBody(form: EnterpriseIn): EnterpriseIn {
  const out = {} as Record<string, FormValue>
  for (const k of Object.keys(emptyEnterpriseForm()) as (keyof EnterpriseIn)[]) out[k] = clean(k, form[k])
  const ex = clean('uscc_exception', form.uscc_exception)
  if (ex) out.uscc_exception = ex
  return out as unknown as EnterpriseIn
}

/**
 * The body of `PATCH /enterprises/{id}`: only the fields that changed. A contact phone that was
 * shown masked (`139****4242`) and left alone is never sent back.
 */
export function enterprisePatch(before: EnterpriseIn, after: EnterpriseIn): Partial<EnterpriseIn> {
  const out: Record<string, FormValue> = {}
  const keys = new Set<keyof EnterpriseIn>([...(Object.keys(emptyEnterpriseForm()) as (keyof EnterpriseIn)[]), 'uscc_exception'])
  for (const k of keys) {
    const a = clean(k, before[k])
    const b = clean(k, after[k])
    if (!same(a, b)) out[k] = b
  }
  if ('contact_phone' in out && typeof out.contact_phone === 'string' && out.contact_phone.includes('*')) delete out.contact_phone
  return out as Partial<EnterpriseIn>
}

// ---- 统一社会信用代码 (GB 32100-2015) ------------------------------------------------------------------

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** The check character of the first 17 characters (upper case, in the alphabet). */
export function usccCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i]!)
    if (v < 0) return null
    sum += v * USCC_WEIGHTS[i]!
  }
  const c = (31 - (sum % 31)) % 31
  return USCC_ALPHABET[c]!
}

/** A hint while typing (the server decides): what is wrong with a credit code, or null. */
export function usccProblem(input: string | null | undefined): string | null {
  const s = (input ?? '').trim().toUpperCase()
  if (!s) return null
  if (s.length !== 18) return `统一社会信用代码应为 18 位（当前 ${s.length} 位）`
  for (let i = 0; i < 18; i++) {
    const c = s[i]!
    if (!USCC_ALPHABET.includes(c)) {
      const hint = 'IOSVZ'.includes(c) ? '（代码中不使用字母 I、O、S、V、Z）' : ''
      return `第 ${i + 1} 位“${c}”不是合法字符${hint}`
    }
  }
  const check = usccCheckChar(s.slice(0, 17))
  if (check !== s[17]) return `第 18 位校验码应为“${check}”，填写的是“${s[17]}”`
  return null
}

/** The server refused a credit code that fails its check (an administrator may register an exception). */
export function isUsccInvalid(e: unknown): boolean {
  if (!(e instanceof ApiError)) return false
  return e.code === 'uscc_invalid' || e.code.endsWith('.uscc_invalid') || e.code === 'validation.uscc.check_digit'
}

// ---- import ---------------------------------------------------------------------------------------

export const IMPORT_KIND_NAMES: Record<ImportKind, string> = {
  enterprises: '企业名录',
  indicator_values: '指标数据',
}

export const IMPORT_STATUS: Record<ImportStatus, { label: string; type: 'info' | 'primary' | 'warning' | 'success' | 'danger' }> = {
  uploaded: { label: '已上传', type: 'info' },
  previewed: { label: '已校验', type: 'warning' },
  running: { label: '导入中', type: 'primary' },
  done: { label: '已完成', type: 'success' },
  failed: { label: '失败', type: 'danger' },
}

/** the extensions the import accepts */
export const IMPORT_ACCEPT = '.xlsx,.csv'

export function importFileProblem(name: string): string | null {
  return /\.(xlsx|csv)$/i.test(name) ? null : '只能导入 .xlsx 或 .csv 文件'
}

/** Required fields without a column of the file (unmapped, or mapped to a header the file does not have). */
export function missingRequired(fields: readonly ImportField[], mapping: ImportMapping, headers?: readonly string[]): ImportField[] {
  const have = headers ? new Set(headers) : null
  return fields.filter((f) => {
    if (!f.required) return false
    const h = mapping[f.key]
    return !h || (have !== null && !have.has(h))
  })
}

/** Headers chosen for more than one field: header → the labels of those fields. */
export function duplicateHeaders(fields: readonly ImportField[], mapping: ImportMapping): Map<string, string[]> {
  const by = new Map<string, string[]>()
  for (const f of fields) {
    const h = mapping[f.key]
    if (!h) continue
    by.set(h, [...(by.get(h) ?? []), f.label])
  }
  return new Map([...by].filter(([, labels]) => labels.length > 1))
}

/** The mapping to send: every field of the job, unmapped ones as null. */
export function mappingBody(fields: readonly ImportField[], mapping: ImportMapping): ImportMapping {
  const out: ImportMapping = {}
  for (const f of fields) out[f.key] = mapping[f.key] || null
  return out
}

export interface ErrorSummary {
  /** how many rows have at least one error */
  rows: number
  /** errors per column, most first */
  byColumn: { column: string; count: number }[]
}

/** Errors grouped: the rows concerned and the count per column (`—` for errors of a whole row). */
export function groupErrors(errors: readonly ImportRowError[]): ErrorSummary {
  const rows = new Set<number>()
  const cols = new Map<string, number>()
  for (const e of sortErrors(errors)) {
    rows.add(e.row)
    const c = e.column || '—'
    cols.set(c, (cols.get(c) ?? 0) + 1)
  }
  const byColumn = [...cols]
    .map(([column, count]) => ({ column, count }))
    // most first; ties in the order they appear in the file
    .sort((a, b) => b.count - a.count)
  return { rows: rows.size, byColumn }
}

/** Errors in row order (the server's order within a row), for the table. */
export function sortErrors(errors: readonly ImportRowError[]): ImportRowError[] {
  return [...errors].sort((a, b) => a.row - b.row)
}

/** One page of a list (1-based). */
export function pageOf<T>(list: readonly T[], page: number, size: number): T[] {
  const start = (Math.max(1, page) - 1) * size
  return list.slice(start, start + size)
}

/** Progress of a running job, 0–100. */
export function importPercent(job: Pick<ImportOut, 'processed' | 'total_rows' | 'status'>): number {
  if (job.status === 'done') return 100
  if (!job.total_rows) return 0
  return Math.min(100, Math.floor((job.processed / job.total_rows) * 100))
}

/** `新增 N 家、更新 M 家` (enterprises) or `新增 N 条、更新 M 条` (indicator values). */
export function importResultText(kind: ImportKind, inserted: number, updated: number): string {
  const unit = kind === 'enterprises' ? '家' : '条'
  return `新增 ${inserted} ${unit}、更新 ${updated} ${unit}`
}

export function isFinished(status: ImportStatus): boolean {
  return status === 'done' || status === 'failed'
}

// ---- operating indicators (运行指标) ---------------------------------------------------------------

/** A value as shown: up to 2 decimals, grouped. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—'
  return v.toLocaleString('zh-CN', { maximumFractionDigits: 2 })
}

export interface SeriesRow {
  period: string
  value: number | null
  valueText: string
  source: string | null
  sourceText: string
  recorded_at: string | null
  reason: string | null
  /** the value replaced earlier ones */
  corrected: boolean
  /** the superseded values, newest first: `120（导入）、118（企业填报）` */
  historyText: string
  history: IndicatorPointOut['history']
}

/** The points of an indicator, oldest period first, with what the chart and the table show. */
export function seriesData(points: readonly IndicatorPointOut[]): SeriesRow[] {
  return [...points]
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0))
    .map((p) => {
      const history = [...(p.history ?? [])].sort((a, b) => (a.recorded_at < b.recorded_at ? 1 : -1))
      return {
        period: p.period,
        value: p.value,
        valueText: formatValue(p.value),
        source: p.source,
        sourceText: sourceName(p.source),
        recorded_at: p.recorded_at,
        reason: p.reason,
        corrected: history.length > 0,
        historyText: history.map((h) => `${formatValue(h.value)}（${sourceName(h.source)}）`).join('、'),
        history,
      }
    })
}

/** the colour of the corrected points of an indicator chart */
export const CORRECTED_COLOR = '#e6a23c'

export type SeriesChartOption = ComposeOption<LineSeriesOption | GridComponentOption | TooltipComponentOption>

/**
 * The chart of one indicator over its last periods (for EChart.vue): a line with its points, the
 * corrected points in orange; the tooltip tells the value, its source and what it replaced.
 */
export function seriesChartOption(
  indicator: Pick<EnterpriseIndicator, 'name' | 'unit' | 'points'>,
  rows: readonly SeriesRow[] = seriesData(indicator.points),
): SeriesChartOption {
  const unit = indicator.unit
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 14, bottom: 4, containLabel: true },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params: unknown) => {
        const p = (Array.isArray(params) ? params[0] : params) as { dataIndex: number } | undefined
        const r = p ? rows[p.dataIndex] : undefined
        if (!r) return ''
        const lines = [`<b>${r.period}</b>`]
        lines.push(r.value == null ? `无数值${r.reason ? `：${r.reason}` : ''}` : `${r.valueText}${unit ? ` ${unit}` : ''}（${r.sourceText}）`)
        if (r.corrected) lines.push(`<span style="color:${CORRECTED_COLOR}">已更正，原值 ${r.historyText}</span>`)
        return lines.join('<br/>')
      },
    },
    xAxis: {
      type: 'category',
      data: rows.map((r) => r.period),
      boundaryGap: false,
      axisLabel: { fontSize: 11, color: '#909399', hideOverlap: true },
      axisLine: { lineStyle: { color: '#dcdfe6' } },
    },
    yAxis: {
      type: 'value',
      scale: true,
      splitNumber: 3,
      axisLabel: { fontSize: 11, color: '#909399' },
      splitLine: { lineStyle: { color: '#f0f2f5' } },
    },
    series: [
      {
        type: 'line',
        name: indicator.name,
        showSymbol: true,
        symbolSize: 6,
        connectNulls: false,
        lineStyle: { width: 2, color: '#409eff' },
        itemStyle: { color: '#409eff' },
        data: rows.map((r) =>
          r.corrected ? { value: r.value, symbolSize: 9, itemStyle: { color: CORRECTED_COLOR } } : { value: r.value },
        ) as LineSeriesOption['data'],
      },
    ],
  }
}

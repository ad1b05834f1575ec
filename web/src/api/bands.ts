// 运行指标, 五色图 and 研判预警: the API of docs/ENTERPRISES.md used by the band pages.
// Self-contained (own types) so that it does not depend on the registry types being written
// alongside it in ./types.ts.

import { ApiError, buildUrl, http, request } from './client'

const enc = encodeURIComponent

// ---- bands ----------------------------------------------------------------------------------------

/** One of the five colour bands (绿 蓝 黄 橙 红 by default). */
export interface BandDef {
  code: string
  name: string
  color: string
}

/**
 * A band in the rules: the lowest score that still falls in it. The server ignores it for the last
 * band (everything below); `null` only while being edited (sent as 0).
 */
export interface BandRuleBand extends BandDef {
  min_score: number | null
}

export type BandComponent =
  | { kind: 'indicator'; code: string; weight: number; zero: number; full: number }
  | { kind: 'overdue_cases'; weight: number; zero: number; full: number; code?: string | null }

export interface BandRules {
  bands: BandRuleBand[]
  components: BandComponent[]
  /** 1–24 */
  silent_periods: number
  /** the category of the visit task a warning opens; kept as loaded */
  visit_category?: string
  /** anything else the server keeps in the rules is sent back unchanged */
  [extra: string]: unknown
}

export interface BandCount extends BandDef {
  count: number
}

export interface BandSummary {
  bands: BandCount[]
  unrated: number
  by_street: { street_id: string | null; street_name: string | null; counts: Record<string, number> }[]
  /** last 90 days, oldest first */
  trend: { day: string; counts: Record<string, number> }[]
}

/** A band as the server may send it inside another object: a code, or the band itself. */
export type BandRef = string | { code: string; name?: string; color?: string; score?: number | null; since?: string | null } | null | undefined

export interface BandPoint {
  id: string
  name: string
  lon: number | null
  lat: number | null
  band: BandRef
  street_name: string | null
}

export interface RecomputeResult {
  computed: number
  changed: number
  warnings: number
  millis: number
  /** sent by the server besides the contract: how many have a band, and the count per band */
  rated?: number
  counts?: Record<string, number>
}

export const bandApi = {
  summary: () => http.get<BandSummary>('/bands/summary'),
  points: (q: { band?: string; street_id?: string } = {}) => http.get<BandPoint[]>('/bands/points', q),
  rules: () => http.get<BandRules>('/bands/rules'),
  putRules: (rules: BandRules) => http.put<BandRules>('/bands/rules', rules),
  recompute: () => http.post<RecomputeResult>('/bands/recompute'),
}

// ---- the zone's map -------------------------------------------------------------------------------

export interface GeoFeature {
  type: 'Feature'
  properties: { id: string; code: string; name: string; kind: 'street' | 'grid' | string; street_code?: string | null }
  geometry: { type: string; coordinates: unknown }
}

export interface GeoCollection {
  type: 'FeatureCollection'
  features: GeoFeature[]
}

export const geoApi = {
  zone: () => http.get<GeoCollection>('/geo'),
}

// ---- indicators -----------------------------------------------------------------------------------

export type IndicatorPeriod = 'day' | 'week' | 'month'
export type IndicatorKind = 'reported' | 'computed'

export interface Indicator {
  id: string
  code: string
  name: string
  unit: string
  period: IndicatorPeriod
  kind: IndicatorKind
  formula: string | null
  /** the codes (or names) of the reported indicators the formula reads */
  inputs: string[] | null
  active: boolean
}

export interface IndicatorBody {
  code: string
  name: string
  unit: string
  period: IndicatorPeriod
  kind: IndicatorKind
  formula: string | null
  active: boolean
}

export interface IndicatorValueIn {
  uscc: string
  indicator: string
  period: string
  value: number
}

/** an error of one submitted value: `index` into the submitted list, the field at fault */
export type IndicatorValueError =
  | string
  | { index?: number; uscc?: string; indicator?: string; period?: string; field?: string; message?: string }

export interface IndicatorValuesResult {
  accepted: number
  corrected: number
  /** values equal to the current ones */
  unchanged?: number
  errors: IndicatorValueError[]
}

function isValuesResult(x: unknown): x is IndicatorValuesResult {
  return typeof x === 'object' && x !== null && Array.isArray((x as { errors?: unknown }).errors)
}

/**
 * `POST /indicators/values`. All or nothing: when any value is bad the server answers 422 with the
 * usual result body (`accepted: 0` and the errors by index), which is returned like a success.
 */
async function postValues(values: IndicatorValueIn[]): Promise<IndicatorValuesResult> {
  let res: Response
  try {
    res = await fetch(buildUrl('/indicators/values'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ values }),
    })
  } catch {
    throw new ApiError(0, 'network.error', '无法连接服务器，请检查网络后重试')
  }
  const body: unknown = await res.json().catch(() => null)
  if (res.ok || (res.status === 422 && isValuesResult(body))) {
    if (isValuesResult(body)) return body
    throw new ApiError(res.status, 'response.invalid_json', '服务器返回了无法解析的数据')
  }
  // the session ended: let the shared client take the user to the login page
  if (res.status === 401) await request('GET', '/auth/me')
  const b = (body ?? {}) as { code?: unknown; message?: unknown; field?: unknown }
  throw new ApiError(
    res.status,
    typeof b.code === 'string' ? b.code : `http.${res.status}`,
    typeof b.message === 'string' && b.message ? b.message : `提交失败（HTTP ${res.status}）`,
    typeof b.field === 'string' ? b.field : undefined,
    res.headers.get('x-request-id') ?? undefined,
  )
}

export interface SeriesPoint {
  /** the first day of the period, `YYYY-MM-DD` */
  period: string
  value: number | null
  source: string | null
  recorded_at: string | null
  /** why a computed value is absent */
  reason: string | null
  history: { value: number; source: string; recorded_at: string }[]
}

export interface IndicatorSeries {
  code: string
  name: string
  unit: string
  period: IndicatorPeriod
  kind: IndicatorKind
  points: SeriesPoint[]
}

export const indicatorApi = {
  list: () => http.get<Indicator[]>('/indicators'),
  create: (body: IndicatorBody) => http.post<Indicator>('/indicators', body),
  update: (code: string, body: IndicatorBody) => http.put<Indicator>(`/indicators/${enc(code)}`, body),
  submitValues: postValues,
  series: (enterpriseId: string) => http.get<IndicatorSeries[]>(`/enterprises/${enc(enterpriseId)}/indicators`),
}

// ---- warnings -------------------------------------------------------------------------------------

export type WarningKind = 'drop' | 'red' | 'silent'

export interface WarningOut {
  id: string
  enterprise_id: string
  enterprise_name: string
  kind: WarningKind
  /** 连降两级 …, sent by the server besides the contract */
  kind_name?: string
  /** `{code, name, color, score, since}` (or a code) */
  from_band: BandRef
  to_band: BandRef
  message: string
  case_id: string | null
  case_no: string | null
  case_state: string | null
  street_name: string | null
  created_at: string
  handled: boolean
}

export const warningApi = {
  list: (q: { open?: boolean } = {}) => http.get<WarningOut[]>('/warnings', { open: q.open ? 'true' : undefined }),
}

// ---- the few enterprise fields these pages read -----------------------------------------------------

export interface BandedEnterprise {
  id: string
  name: string
  uscc: string
  street_name: string | null
  band: { code: string; name: string; color: string; score: number | null; since?: string | null } | null
}

export const bandEnterpriseApi = {
  /** `band=none`: enterprises without a band */
  list: (q: { band?: string; page?: number; page_size?: number }) =>
    http.get<{ items: BandedEnterprise[]; total: number }>('/enterprises', q),
  get: (id: string) => http.get<BandedEnterprise>(`/enterprises/${enc(id)}`),
}

// 指挥大屏: GET /dashboard (docs/ASSESSMENT.md, "Command dashboard") and the zone's map GET /geo.
// Self-contained types, as the server sends them.

import { http } from './client'

/** cases received and closed in a period */
export interface DashboardCounts {
  received: number
  closed: number
}

export interface DashboardTrendDay {
  /** YYYY-MM-DD */
  day: string
  received: number
  closed: number
}

export interface DashboardCategory {
  code: string
  name: string
  /** cases received this year */
  received: number
}

export type AreaKind = 'street' | 'grid'

/** A street or grid: this year's intake, open and overdue now. `code` matches the map's `properties.code`. */
export interface DashboardArea {
  unit_id: string
  code: string
  name: string
  kind: AreaKind
  parent_id: string | null
  received: number
  open: number
  overdue: number
}

/** How a unit moved since the previous snapshot of the same kind. */
export type RankMovement = { kind: 'up'; by: number } | { kind: 'down'; by: number } | { kind: 'new' } | { kind: 'same' }

export interface DashboardRankingRow {
  unit_name: string
  /** the ranking group: `street`, `department` (`community` is not sent to the dashboard) */
  group: string
  /** null: the unit has no score this period (listed last) */
  rank: number | null
  of: number
  score: number | null
  movement: RankMovement | null
}

export interface DashboardRanking {
  snapshot_id: string
  /** e.g. "2026年11月16日至11月22日（第47周）" */
  label: string
  rows: DashboardRankingRow[]
}

export interface DashboardUrgentCase {
  id: string
  case_no: string
  title: string
  state: string
  state_label: string
  created_at: string
  area_name: string | null
}

export interface Dashboard {
  /** RFC 3339, +08:00 */
  as_of: string
  today: DashboardCounts
  week: DashboardCounts
  year: DashboardCounts
  open: number
  overdue: number
  /** the last 30 days, oldest first */
  trend: DashboardTrendDay[]
  /** this year, by count descending */
  categories: DashboardCategory[]
  areas: DashboardArea[]
  /** the latest weekly snapshot (streets and departments); null before the first one */
  ranking: DashboardRanking | null
  /** the 10 latest urgent open cases */
  urgent: DashboardUrgentCase[]
}

// ---- the zone's map -------------------------------------------------------------------------------

export interface ZoneFeatureProps {
  /** the org unit code (matches `DashboardArea.code`) */
  code: string
  name: string
  kind: AreaKind | string
  /** the code of the street a grid lies in (a street's own code for a street) */
  street_code?: string | null
}

export interface ZoneFeature {
  type: 'Feature'
  properties: ZoneFeatureProps
  geometry: { type: string; coordinates: unknown } | null
}

export interface ZoneGeo {
  type: 'FeatureCollection'
  features: ZoneFeature[]
}

export const dashboardApi = {
  get: (signal?: AbortSignal) => http.get<Dashboard>('/dashboard', undefined, { signal }),
  geo: () => http.get<ZoneGeo>('/geo'),
}

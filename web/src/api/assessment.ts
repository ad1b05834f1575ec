// 考核评价、排名通报与督办函: the API of docs/ASSESSMENT.md ("The service: snapshots, letters,
// reports, dashboard"). Self-contained (own types besides the shared client).

import { buildUrl, download, http } from './client'

const enc = encodeURIComponent

// ---- settings ---------------------------------------------------------------------------------------

/** Weights of the composite score (each 0–100, not all 0) and the 基本满意 factor (0–1). */
export interface AssessmentWeights {
  signed_on_time: number
  resolved_on_time: number
  resolved: number
  satisfied: number
  returned: number
  reworked: number
  basic_satisfied: number
}

/** When letters are issued; a threshold left `null` switches that trigger off. */
export interface LetterRules {
  reminder_after: number | null
  warning_after: number | null
  supervision_after: number | null
  /** how many places at the bottom count as 末位 */
  bottom: number
  /** 满意率 line, a fraction (0.8 = 80 %) */
  satisfaction_below: number | null
  satisfaction_min_rated: number
  /** working days a 督办函 gives for rectification */
  rectify_days: number
}

export interface AssessmentSchedule {
  /** 1 = Monday … 7 = Sunday */
  weekday: number
  /** 0–23, Beijing time */
  hour: number
}

export interface AssessmentSettings {
  weights: AssessmentWeights
  letter_rules: LetterRules
  /** working days a unit has to answer a 提醒函/预警函 */
  answer_days: number
  /** 发文机关代字 of the 文号 (经开督) */
  doc_prefix: string
  issuer: string
  schedule: AssessmentSchedule
}

// ---- snapshots --------------------------------------------------------------------------------------

export type SnapshotKind = 'week' | 'month' | 'quarter' | 'custom'
export type SnapshotTrigger = 'scheduled' | 'manual' | 'correction'
export type LetterTier = 'reminder' | 'warning' | 'supervision'
export type LetterStatus = 'sent' | 'acknowledged' | 'answered'
/** the ranking group of a unit (villages are ranked with communities) */
export type RankGroup = 'department' | 'street' | 'community' | 'grid'

export interface SnapshotSummary {
  id: string
  kind: SnapshotKind
  label: string
  /** YYYY-MM-DD */
  from: string
  /** YYYY-MM-DD, the last day (inclusive) */
  to: string
  as_of: string
  trigger: SnapshotTrigger
  /** the snapshot this one corrects */
  corrects: string | null
  correction_reason: string | null
  /** the newer snapshot that corrects this one */
  corrected_by: string | null
  created_at: string
  created_by_name: string
  units: number
  letters: number
}

export interface Ratio {
  numerator: number
  denominator: number
  /** null when the denominator is 0 */
  rate: number | null
}

export interface SatisfactionRatio extends Ratio {
  satisfied: number
  basic: number
  unsatisfied: number
  basic_weight: number
}

export interface HandlingTime {
  cases: number
  total_minutes: number
  average_hours: number | null
}

export interface RankingMetrics {
  received: number
  received_as_assist: number
  signed_on_time: Ratio
  resolved_on_time: Ratio
  resolved: Ratio
  satisfied: SatisfactionRatio
  returned: Ratio
  reworked: Ratio
  overdue_now: number
  handling: HandlingTime
  composite: number | null
  exempted: number
  merged: number
}

export type Movement = { kind: 'up'; by: number } | { kind: 'down'; by: number } | { kind: 'same' } | { kind: 'new' }

export interface LetterRef {
  id: string
  tier: LetterTier
  doc_no: string
}

export interface RankingRow {
  unit_id: string
  unit_name: string
  unit_kind: string
  group: RankGroup
  group_label: string
  /** null for a unit without a score (无考核数据) */
  rank: number | null
  of: number | null
  score: number | null
  previous_rank: number | null
  movement: Movement | null
  tied: boolean
  letter: LetterRef | null
  metrics: RankingMetrics
}

export interface SnapshotDetail extends SnapshotSummary {
  weights: AssessmentWeights
  rows: RankingRow[]
}

export interface NewSnapshotBody {
  kind: SnapshotKind
  /** YYYY-MM-DD; both or neither (custom needs both) */
  from?: string
  to?: string
}

/** the figures behind which a drill-down lists the cases */
export type DrillMetric =
  | 'received'
  | 'signed_on_time'
  | 'resolved_on_time'
  | 'resolved'
  | 'satisfied'
  | 'returned'
  | 'reworked'
  | 'overdue_now'
  | 'handling_time'

export type DrillPart = 'numerator' | 'denominator'

export interface DrillCase {
  case_id: string
  case_no: string
  title: string
  state: string
  state_label: string
  role: 'lead' | 'assist'
  /** whether the row is in the numerator of the metric; null when that does not apply */
  counted: boolean | null
  satisfaction: 'satisfied' | 'basic' | 'unsatisfied' | null
  handling_minutes: number | null
  overdue_now: boolean
}

export interface ExemptedLine {
  case_id: string
  case_no: string
  title: string
  reason: string
}

export interface MergedLine {
  case_id: string
  case_no: string
  title: string
  merged_into_no: string
}

export interface DrillDown {
  metric: DrillMetric
  metric_label: string
  part: DrillPart
  cases: DrillCase[]
  exempted: ExemptedLine[]
  merged: MergedLine[]
}

// ---- letters ----------------------------------------------------------------------------------------

export interface Letter {
  id: string
  doc_no: string
  tier: LetterTier
  tier_label: string
  unit_id: string
  unit_name: string
  snapshot_id: string
  period_label: string
  reason: string
  title: string
  body: string[]
  issued_at: string
  /** YYYY-MM-DD, 督办函 only */
  rectify_by: string | null
  answer_due: string
  status: LetterStatus
  /** 待签收 / 已签收 / 已答复 (sent by the server besides the contract) */
  status_label?: string
  overdue: boolean
  escalated_at: string | null
  acknowledged_at: string | null
  acknowledged_by_name: string | null
  answer: string | null
  answered_at: string | null
  answered_by_name: string | null
  /** whether the caller may acknowledge and answer: a user of the addressed unit, not yet answered (besides the contract) */
  can_answer?: boolean
}

/** the list's status filter: a state, or `overdue` (unanswered past the answer deadline) */
export type LetterStatusFilter = LetterStatus | 'overdue'

export interface LetterQuery {
  status?: LetterStatusFilter | ''
  tier?: LetterTier | ''
  unit_id?: string
}

// ---- the client -------------------------------------------------------------------------------------

export const assessmentApi = {
  settings: () => http.get<AssessmentSettings>('/assessment/settings'),
  putSettings: (s: AssessmentSettings) => http.put<AssessmentSettings>('/assessment/settings', s),

  snapshots: (kind: SnapshotKind, limit = 20) => http.get<SnapshotSummary[]>('/assessment/snapshots', { kind, limit }),
  snapshot: (id: string) => http.get<SnapshotDetail>(`/assessment/snapshots/${enc(id)}`),
  latest: (kind: SnapshotKind) => http.get<SnapshotDetail>('/assessment/snapshots/latest', { kind }),
  takeSnapshot: (body: NewSnapshotBody) => http.post<SnapshotDetail>('/assessment/snapshots', body),
  correct: (id: string, reason: string) => http.post<SnapshotDetail>(`/assessment/snapshots/${enc(id)}/corrections`, { reason }),
  drill: (id: string, q: { unit_id: string; metric: DrillMetric; part: DrillPart }) =>
    http.get<DrillDown>(`/assessment/snapshots/${enc(id)}/cases`, { ...q }),
  issueLetters: (id: string) => http.post<{ issued: Letter[] }>(`/assessment/snapshots/${enc(id)}/letters`),
  /** 周报/月报 (.xlsx) of a snapshot */
  report: (id: string, fallbackName: string) => download(`/assessment/snapshots/${enc(id)}/report.xlsx`, undefined, fallbackName),

  /** 免于考核 of a case (takes effect in the snapshots taken afterwards) */
  exempt: (caseId: string, reason: string) => http.post<void>(`/cases/${enc(caseId)}/exemption`, { reason }),
  unexempt: (caseId: string) => http.del(`/cases/${enc(caseId)}/exemption`),
}

export const letterApi = {
  list: (q: LetterQuery = {}) => http.get<Letter[]>('/letters', { ...q }),
  get: (id: string) => http.get<Letter>(`/letters/${enc(id)}`),
  /** the URL of the PDF (inline, for the preview) */
  pdfUrl: (id: string) => buildUrl(`/letters/${enc(id)}/pdf`),
  pdf: (id: string, fallbackName: string) => download(`/letters/${enc(id)}/pdf`, undefined, fallbackName),
  docx: (id: string, fallbackName: string) => download(`/letters/${enc(id)}/docx`, undefined, fallbackName),
  acknowledge: (id: string) => http.post<Letter>(`/letters/${enc(id)}/acknowledge`),
  answer: (id: string, measures: string) => http.post<Letter>(`/letters/${enc(id)}/answer`, { measures }),
}

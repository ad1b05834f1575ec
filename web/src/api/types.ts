// Types of the jiban HTTP API (/api/v1). Keep in sync with docs/API.md.

export type Role =
  | 'enterprise'
  | 'intake'
  | 'dispatcher'
  | 'handler'
  | 'dept_head'
  | 'supervisor'
  | 'leader'
  | 'grid_worker'
  | 'admin'

export type UnitKind = 'zone' | 'department' | 'street' | 'community' | 'village' | 'grid'

export type Permission =
  | 'org.read'
  | 'org.write'
  | 'user.read'
  | 'user.write'
  | 'enterprise.read'
  | 'enterprise.write'
  | 'audit.read'
  | 'calendar.write'
  | 'token.self'
  | 'case.read'
  | 'sla.write'
  | 'routing.write'
  | 'indicator.write'
  | 'policy.write'
  | 'assessment.read'
  | 'assessment.write'

export interface Me {
  id: string
  username: string
  display_name: string
  role: Role
  role_name: string
  org_unit: { id: string; name: string; kind: UnitKind }
  zone: { id: string; name: string }
  enterprise_id: string | null
  permissions: string[]
  must_change_password: boolean
}

export interface OrgUnit {
  id: string
  zone_id: string
  parent_id: string | null
  kind: UnitKind
  name: string
  code: string
  active: boolean
  sort_order: number
  created_at: string
  /** extra fields the server may send */
  kind_name?: string
  street_id?: string | null
}

export interface UserItem {
  id: string
  username: string
  display_name: string
  role: Role
  role_name: string
  org_unit_id: string
  org_unit_name: string
  enterprise_id: string | null
  enterprise_name: string | null
  /** masked, e.g. 138****5678 */
  phone: string | null
  active: boolean
  locked_until: string | null
  last_login_at: string | null
  created_at: string
}

export type SizeClass = 'large' | 'medium' | 'small' | 'micro'

export interface Enterprise {
  id: string
  uscc: string
  name: string
  legal_rep: string
  industry_code: string
  industry_name: string
  size_class: SizeClass
  size_name: string
  street_id: string | null
  street_name: string | null
  grid_id: string | null
  grid_name: string | null
  address: string
  /** the server sends null when unknown */
  employees: number | null
  tags: string[]
  founded_on: string | null
  // extra fields sent by the server beyond the brief's contract
  former_names?: string[]
  registered_capital_wan?: number | null
  revenue_wan?: number | null
  assets_wan?: number | null
  contact_name?: string
  /** masked unless the caller may see contact numbers */
  contact_phone?: string
  /** present in search results (`q`): what matched */
  match?: SearchMatch | null
  // ---- the registry (docs/ENTERPRISES.md) ----
  /** the reason an administrator gave for keeping a credit code that fails the GB 32100 check */
  uscc_exception?: string | null
  /** how the size class was derived, e.g. `工业：从业人员 320 人（≥300）且营业收入 2500 万元（≥2000）→ 中型` */
  size_basis?: string | null
  /** 门类 letter (`C`) and name (`制造业`) */
  industry_section?: string | null
  industry_section_name?: string | null
  service_staff_id?: string | null
  service_staff_name?: string | null
  lon?: number | null
  lat?: number | null
  /** the current colour band (null: not rated) */
  band?: EnterpriseBand | null
}

/** An enterprise's current colour band (五色图). */
export interface EnterpriseBand {
  code: string
  name: string
  color: string
  score: number | null
  since: string | null
}

/** `POST /enterprises`, `PATCH /enterprises/{id}` (any subset). */
export interface EnterpriseIn {
  uscc: string
  name: string
  former_names: string[]
  legal_rep: string
  registered_capital_wan: number | null
  /** YYYY-MM-DD */
  founded_on: string | null
  address: string
  grid_id: string | null
  industry_code: string
  employees: number | null
  revenue_wan: number | null
  assets_wan: number | null
  tags: string[]
  contact_name: string
  contact_phone: string
  lon: number | null
  lat: number | null
  service_staff_id: string | null
  /** administrator only: keep a credit code that fails its check (a reason of at least 4 characters) */
  uscc_exception?: string | null
}

/** `GET /enterprise-tags`: the zone's tag vocabulary with the number of enterprises carrying each tag. */
export interface EnterpriseTag {
  name: string
  count: number
  /** false: carried by enterprises but not (or no longer) in the vocabulary */
  in_vocabulary: boolean
}

export type EnterpriseEventKind = 'created' | 'changed' | 'case' | 'indicator' | 'band' | 'warning'

/** One entry of `GET /enterprises/{id}/timeline` (newest first). */
export interface EnterpriseEvent {
  at: string
  kind: EnterpriseEventKind | string
  title: string
  /** for `changed`: `字段：旧值 → 新值` per field */
  detail: string | null
  /** the case (kind `case`, `warning`) or other record the entry is about */
  ref_id: string | null
}

export type IndicatorSource = 'import' | 'portal' | 'api' | 'manual'

/** One period of an enterprise's indicator (`GET /enterprises/{id}/indicators`). */
export interface IndicatorPointOut {
  period: string
  /** null: a computed value that could not be computed (see `reason`) */
  value: number | null
  source: IndicatorSource | string | null
  recorded_at: string | null
  reason: string | null
  /** superseded values, when the current one is a correction */
  history: { value: number; source: IndicatorSource | string; recorded_at: string }[]
}

export interface EnterpriseIndicator {
  code: string
  name: string
  unit: string
  period: 'day' | 'week' | 'month'
  kind: 'reported' | 'computed'
  /** the last 24 periods */
  points: IndicatorPointOut[]
}

// ---- 批量导入 (imports) -------------------------------------------------------------------------

export type ImportKind = 'enterprises' | 'indicator_values'
export type ImportStatus = 'uploaded' | 'previewed' | 'running' | 'done' | 'failed'

export interface ImportField {
  key: string
  label: string
  required: boolean
}

export interface ImportRowError {
  /** the spreadsheet row (the header is row 1) */
  row: number
  /** the file's column (header) */
  column: string | null
  field: string | null
  message: string
}

/** field key → the file's header, or null (not imported) */
export type ImportMapping = Record<string, string | null>

export interface ImportOut {
  id: string
  kind: ImportKind
  file_name: string
  status: ImportStatus
  headers: string[]
  /** the first 10 data rows */
  sample: string[][]
  total_rows: number
  fields: ImportField[]
  mapping: ImportMapping
  errors: ImportRowError[]
  error_count: number
  to_insert: number
  to_update: number
  processed: number
  inserted: number
  updated: number
  message: string | null
  created_at: string
  finished_at: string | null
  created_by_name: string | null
}

export interface AuditEvent {
  id: string
  at: string
  actor_id: string | null
  actor_name: string | null
  action: string
  target_type: string
  target_id: string | null
  detail: unknown
  ip: string | null
  request_id?: string | null
}

export interface ApiToken {
  id: string
  name: string
  prefix: string
  created_at: string
  last_used_at: string | null
  expires_at: string | null
}

export interface CreatedToken extends ApiToken {
  token: string
}

export interface Overview {
  enterprises: number
  streets: number
  communities: number
  grids: number
  users: number
  /** street_id is null for enterprises not assigned to a street */
  by_street: { street_id: string | null; street_name: string; enterprises: number }[]
  by_size: { size_class: string; size_name: string; count: number }[]
}

export interface RoleInfo {
  code: Role
  name: string
  permissions: string[]
}

export interface Category {
  code: string
  parent: string | null
  name: string
  scope: string
  active?: boolean
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
  /** the total stopped counting at a cap (show it as “N+”) */
  total_capped?: boolean
}

/** Why a row matched a full-text search: the matched terms and a window of text around the first one. */
export interface SearchMatch {
  terms: string[]
  /** a window of the description (cases) or of former names / address (enterprises) */
  snippet: string
}

export interface ErrorBody {
  code: string
  message: string
  field?: string
}

// ---- 诉求办理 (cases) ----------------------------------------------------------------------

export type Channel = 'portal' | 'hotline' | 'grid' | 'leader' | 'superior' | 'visit' | 'inspection'
export type Urgency = 'urgent' | 'normal'
export type CaseState =
  | 'submitted'
  | 'pending_dispatch'
  | 'dispatched'
  | 'handling'
  | 'paused'
  | 'parked'
  | 'replied'
  | 'pending_rating'
  | 'supervisor_review'
  | 'closed'
  | 'rejected'
  | 'withdrawn'
  | 'merged'
export type Satisfaction = 'satisfied' | 'basic' | 'unsatisfied'

/** A case as shown in lists and on its page (server `CaseOut`). */
export interface CaseOut {
  id: string
  /** e.g. JB20251009-0123 */
  case_no: string
  channel: Channel
  channel_name: string
  state: CaseState
  state_name: string
  title: string
  description: string
  category_code: string
  category_name: string | null
  urgency: Urgency
  urgency_name: string
  enterprise_id: string | null
  enterprise_name: string | null
  person_name: string | null
  /** masked unless the caller handles intake or dispatch */
  person_phone: string | null
  address: string | null
  grid_id: string | null
  grid_name: string | null
  street_name: string | null
  lon: number | null
  lat: number | null
  expected_outcome: string | null
  filed_by_name: string | null
  reject_reason: string | null
  lead_unit_id: string | null
  lead_unit_name: string | null
  sign_by: string | null
  due_at: string | null
  /** open, the clock runs and the handling deadline has passed */
  overdue: boolean
  bounces: number
  reworks: number
  rating: Satisfaction | null
  rating_comment: string | null
  merged_into: string | null
  review_on: string | null
  created_at: string
  closed_at: string | null
  /** present in search results (`q`): what matched */
  match?: SearchMatch | null
}

export interface AssignmentOut {
  id: string
  unit_id: string
  unit_name: string | null
  role: 'lead' | 'assist'
  role_name: string
  state: 'pending' | 'signed' | 'replied' | 'returned' | 'cancelled'
  state_name: string
  note: string | null
  sign_by: string
  due_at: string
  signed_at: string | null
  replied_at: string | null
  reply: string | null
}

export interface CaseEventOut {
  seq: number
  at: string
  actor_name: string
  action: string
  from_state: string | null
  to_state: string
  to_state_name: string
  detail: Record<string, unknown> | null
  hash: string
}

export interface CaseRequestOut {
  id: string
  kind: 'extension' | 'pause' | 'park'
  reason: string
  days: number | null
  review_on: string | null
  state: 'pending' | 'approved' | 'refused'
  requested_at: string
  decision_note: string | null
}

export type SupervisionLevel = 'general' | 'key' | 'listed'

/** 督办单: a supervisor's or leader's order to the lead unit, with a deadline to acknowledge. */
export interface SupervisionOrderOut {
  id: string
  unit_name: string | null
  level: SupervisionLevel
  level_name: string
  note: string
  deadline: string
  issued_by_name: string | null
  issued_at: string
  acknowledged_at: string | null
  escalated_at: string | null
}

export interface CaseDetail {
  case: CaseOut
  assignments: AssignmentOut[]
  events: CaseEventOut[]
  requests: CaseRequestOut[]
  /** 督办单 (absent on servers without supervision) */
  supervision_orders?: SupervisionOrderOut[]
  allowed_actions: string[]
  /** working hours left to the handling deadline (negative when overdue) */
  working_hours_left: number | null
}

export interface CaseStats {
  by_state: { state: CaseState; state_name: string; count: number }[]
  overdue: number
  due_soon: number
}

export interface NewCaseBody {
  channel: Channel
  title: string
  description: string
  category_code: string
  urgency?: Urgency
  enterprise_uscc?: string
  enterprise_id?: string
  person_name?: string
  person_phone?: string
  address?: string
  grid_id?: string
  lon?: number
  lat?: number
  expected_outcome?: string
  idempotency_key?: string
}

export interface DispatchBody {
  lead_unit_id: string
  assist_unit_ids: string[]
  note?: string
  category_code?: string
  urgency?: Urgency
  /** required for 改派 */
  reason?: string
}

export interface NotificationItem {
  id: string
  kind: string
  title: string
  body: string
  case_id: string | null
  to_unit?: boolean
  created_at: string
  read_at: string | null
}

export interface SlaRule {
  /** a category code, or * for every category without its own rule */
  category_code: string
  urgency: Urgency
  sign_hours: number
  handle_days: number
}

export interface DeadlineOut {
  from: string
  workdays: number
  deadline: string
}

/** A file attached to a case (`GET /cases/{id}/attachments`). */
export interface AttachmentOut {
  id: string
  file_name: string
  content_type: string
  size: number
  sha256: string
  has_thumb: boolean
  note: string | null
  uploaded_by_name: string | null
  created_at: string
  /** `/api/v1/attachments/{id}/download` */
  url: string
  /** `/api/v1/attachments/{id}/thumbnail`, or null for files that are not images */
  thumb_url: string | null
}

// ---- 智能派单 and 重复件 (routing and duplicates) ---------------------------------------------------

export interface RoutingCandidate {
  /** a leaf category code, e.g. CS01 */
  category: string
  category_name: string
  /** 0..1 */
  confidence: number
}

export interface RoutingLeadUnit {
  id: string
  name: string
  kind: 'department' | 'street' | 'community' | 'village'
  /** `category`: the category's functional department; `territorial`: the street/community where it happened */
  rule: 'category' | 'territorial'
}

/** `POST /routing/suggest` */
export interface RoutingSuggestion {
  model_version: string
  /** up to 3, best first */
  candidates: RoutingCandidate[]
  lead_unit: RoutingLeadUnit | null
  /** the words that weighed most */
  words: string[]
  /** one Chinese sentence */
  reason: string
}

export interface RoutingSuggestBody {
  text: string
  enterprise_id?: string
  grid_id?: string
}

export interface DuplicateCheckBody extends RoutingSuggestBody {
  /** the case itself (when checking an existing case) */
  exclude_id?: string
}

/** An open case that is probably the same demand (`POST /cases/duplicates/check`, `GET /cases/{id}/duplicates`). */
export interface DuplicateCandidate {
  case_id: string
  case_no: string
  title: string
  state: CaseState
  state_name: string
  created_at: string
  /** 0..1 */
  score: number
  /** e.g. 同一企业；相隔 2 天；文本相似度 0.62（停电、锦绣路） */
  reason: string
  same_enterprise: boolean
  same_grid: boolean
}

export interface DuplicateCaseRef {
  id: string
  case_no: string
  title: string
  state: CaseState
  state_name: string
  created_at: string
}

/** A likely duplicate pair found by the nightly sweep (`GET /duplicates`). */
export interface DuplicatePair {
  id: string
  /** 0..1 */
  score: number
  reason: string
  found_at: string
  /** the newer case (the one to merge) */
  case: DuplicateCaseRef
  /** the older case (the master candidate) */
  other: DuplicateCaseRef
}

/** The dispatch rule of a leaf category (`GET /routing/rules`). */
export interface RoutingRule {
  category_code: string
  category_name: string
  lead_unit_id: string | null
  lead_unit_name: string | null
  /** 属地优先: suggest the street/community where the demand arose before the department */
  territorial: boolean
}

export interface RoutingRuleBody {
  lead_unit_id: string | null
  territorial: boolean
}

/** The routing model (`GET /routing/model`, `POST /routing/train`). */
export interface RoutingModelInfo {
  version: string
  /** null for the built-in model (never retrained in this zone) */
  trained_at: string | null
  /** training documents, of which `zone_documents` are the zone's own cases */
  documents: number
  zone_documents: number
  vocabulary: number
  /** held-out evaluation; top1 / top3 are rates 0..1 */
  heldout: { total: number; top1: number; top3: number }
  /** how often dispatchers kept the suggestion over the last `days` days; rates 0..1 */
  feedback: { days: number; dispatches: number; category_accepted: number; unit_accepted: number }
}

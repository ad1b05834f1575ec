// 惠企政策: the policy library, the matching and the applications of docs/POLICIES.md.
// Self-contained (own types besides the shared client) so that it does not depend on the
// registry types being written alongside it in ./types.ts.
//
// The names exported here are used by several pages (政策库, 政策匹配, 申报审核): do not rename them.

import { buildUrl, download, http, upload, type Query } from './client'

const enc = encodeURIComponent

// ---- the rule language (jiban_policy::Rule) ---------------------------------------------------------

export type SizeClassCode = 'large' | 'medium' | 'small' | 'micro'

/** A range leaf: absent bounds are open. Growth and R&D intensity are fractions (0.1 = 10 %). */
export interface RangeBounds {
  min: number | null
  max: number | null
}

export type GroupRule = { kind: 'all'; rules: Rule[] } | { kind: 'any'; rules: Rule[] }
export type NotRule = { kind: 'not'; rule: Rule }

export type LeafRule =
  | { kind: 'industry'; prefixes: string[] }
  | { kind: 'size'; classes: SizeClassCode[] }
  | { kind: 'street'; streets: string[] }
  | { kind: 'tags_all'; tags: string[] }
  | { kind: 'tags_any'; tags: string[] }
  | { kind: 'tags_none'; tags: string[] }
  | ({ kind: 'founded_years' } & RangeBounds)
  | ({ kind: 'employees' } & RangeBounds)
  | ({ kind: 'revenue' } & RangeBounds)
  | ({ kind: 'revenue_growth' } & RangeBounds)
  | ({ kind: 'rd_intensity' } & RangeBounds)
  | ({ kind: 'indicator'; code: string } & RangeBounds)
  | { kind: 'band'; bands: string[] }
  | { kind: 'no_serious_hazard' }

/** `{"kind":"all","rules":[{"kind":"size","classes":["small","micro"]}, …]}` */
export type Rule = GroupRule | NotRule | LeafRule

export type RuleKind = Rule['kind']
export type LeafKind = LeafRule['kind']
export type RangeKind = 'founded_years' | 'employees' | 'revenue' | 'revenue_growth' | 'rd_intensity' | 'indicator'

// ---- amounts (jiban_policy::Amount) -----------------------------------------------------------------

/** `{"kind":"none"}`, `{"kind":"fixed","wan":20}`, `{"kind":"formula","formula":"研发费用 * 5%","cap_wan":100,"floor_wan":null}` */
export type Amount =
  | { kind: 'none' }
  | { kind: 'fixed'; wan: number }
  | { kind: 'formula'; formula: string; cap_wan: number | null; floor_wan: number | null }

export type AmountKind = Amount['kind']

// ---- catalog and rule check -------------------------------------------------------------------------

export type BenefitType = 'subsidy' | 'reduction' | 'right' | 'qualification'
export type PolicyStatus = 'draft' | 'published' | 'archived'

export interface CodeName {
  code: string
  name: string
}

export interface PolicyCatalog {
  tags: string[]
  streets: CodeName[]
  indicators: { code: string; name: string; unit: string }[]
  bands: CodeName[]
  size_classes: CodeName[]
  benefit_types: CodeName[]
  departments: { id: string; name: string }[]
  amount_names: string[]
}

export interface RuleCheckBody {
  rule: Rule
  amount?: Amount
}

export interface RuleCheckResult {
  qualified: number
  total: number
  sample: { id: string; name: string }[]
}

// ---- policies ---------------------------------------------------------------------------------------

export interface FileOut {
  id: string
  file_name: string
  content_type: string
  size: number
  /** `/api/v1/policy-files/{id}/download` */
  url: string
  /** for an application's files: the material it belongs to */
  material?: string | null
  created_at?: string
}

export interface PolicySummary {
  id: string
  title: string
  issuer: string
  doc_no: string
  issued_on: string
  effective_on: string
  expires_on: string | null
  apply_from: string | null
  apply_to: string | null
  status: PolicyStatus
  item_count: number
  benefit_types: BenefitType[]
  /** enterprises qualifying for any of its items */
  qualified_count: number
  /** full-text search: sent by the server besides the contract when it has them */
  rank?: number
  snippet?: string | null
}

export interface ItemInput {
  /** keep an existing item */
  id?: string
  title: string
  summary: string
  benefit_type: BenefitType
  amount: Amount
  rule: Rule
  materials: string[]
  dept_id: string | null
  auto_grant: boolean
  review_days?: number | null
}

export interface PolicyInput {
  title: string
  issuer: string
  doc_no: string
  /** YYYY-MM-DD */
  issued_on: string
  effective_on: string
  expires_on?: string | null
  apply_from?: string | null
  apply_to?: string | null
  body: string
  status: PolicyStatus
  items: ItemInput[]
}

export interface PolicyItem extends ItemInput {
  id: string
  seq: number
  dept_name: string | null
  qualified_count: number
  applied_count: number
  paid_count: number
  paid_wan: number
  review_days: number
  /** sent by the server besides the contract */
  policy_id?: string
}

export interface Policy extends Omit<PolicyInput, 'items'> {
  id: string
  created_at: string
  updated_at: string
  created_by_name: string | null
  files: FileOut[]
  items: PolicyItem[]
  expires_on: string | null
  apply_from: string | null
  apply_to: string | null
}

export interface PolicyListQuery {
  q?: string
  status?: PolicyStatus | ''
  benefit_type?: BenefitType | ''
  dept_id?: string
  page?: number
  per_page?: number
}

export interface PolicyList {
  items: PolicySummary[]
  total: number
}

// ---- matching ---------------------------------------------------------------------------------------

/** A line of an explanation (jiban_policy::Condition). */
export interface Condition {
  label: string
  pass: boolean
  actual?: string | null
  needed?: string | null
  missing?: boolean
  depth?: number
  group?: boolean
}

export type ApplicationStatus = 'submitted' | 'returned' | 'refused' | 'approved' | 'paid'

export interface Match {
  item: {
    id: string
    title: string
    summary: string
    benefit_type: BenefitType
    auto_grant: boolean
    materials: string[]
    dept_name: string | null
  }
  policy: {
    id: string
    title: string
    doc_no: string
    issuer: string
    apply_from: string | null
    apply_to: string | null
  }
  amount_wan?: number | null
  amount_note?: string | null
  conditions: Condition[]
  application?: { id: string; status: ApplicationStatus; status_name?: string } | null
  push?: { id: string; pushed_at: string; read_at: string | null } | null
  /** how many conditions fail (0 for the qualified), sent by the server besides the contract */
  failing?: number
}

export interface EnterprisePolicies {
  as_of: string
  qualified: Match[]
  /** items with one or two failing conditions */
  almost: Match[]
}

export type ItemEnterpriseStatus = 'qualified' | 'applied' | 'not_applied'

export interface ItemEnterprise {
  enterprise_id: string
  name: string
  uscc: string
  street_name: string | null
  size_class: SizeClassCode | string | null
  /** 小型 …, sent by the server besides the contract */
  size_name?: string | null
  qualified?: boolean
  amount_wan: number | null
  amount_note: string | null
  application?: { id: string; status: ApplicationStatus } | null
  pushed_at?: string | null
  read_at?: string | null
}

export interface ItemEnterprisesQuery {
  status?: ItemEnterpriseStatus
  q?: string
  page?: number
  per_page?: number
}

export interface ItemEnterprises {
  items: ItemEnterprise[]
  total: number
  counts: { qualified: number; applied: number; not_applied: number }
}

export interface PushBody {
  enterprise_ids?: string[]
  note?: string
}

/** A push as the enterprise user sees it (`GET /portal/policy-pushes`). */
export interface PolicyPush {
  id: string
  pushed_at: string
  read_at: string | null
  note?: string | null
  item?: { id: string; title: string; benefit_type?: BenefitType; summary?: string } | null
  policy?: { id: string; title: string; doc_no?: string } | null
  pushed_by_name?: string | null
  /** flat fields, in case the server sends them instead of the nested objects */
  item_id?: string
  item_title?: string
  policy_id?: string
  policy_title?: string
  doc_no?: string
}

// ---- applications -----------------------------------------------------------------------------------

export interface MaterialIn {
  name: string
  text: string
}

export interface CreateApplicationBody {
  item_id: string
  materials: MaterialIn[]
  note?: string
}

export interface ResubmitBody {
  materials: MaterialIn[]
  note?: string
}

export type ReviewDecision = 'pass' | 'return' | 'refuse'

export interface ReviewBody {
  decision: ReviewDecision
  /** required for return and refuse */
  reason?: string
}

export interface PayoutBody {
  amount_wan: number
  /** YYYY-MM-DD */
  paid_on: string
}

export interface AutoPayoutBody {
  enterprise_ids: string[]
  /** defaults to the computed amount */
  amount_wan?: number | null
  paid_on: string
}

export interface ApplicationEvent {
  at: string
  action: string
  /** 提交申报 …, sent by the server besides the contract */
  action_name?: string
  actor_name: string | null
  note: string | null
}

/**
 * The fields the server sends flat (`item_title`, `enterprise_name` …) besides (or instead of)
 * the nested objects of the contract. The calls below fill both, so either may be read.
 */
export interface ApplicationFlat {
  item_id?: string
  item_title?: string
  benefit_type?: BenefitType
  benefit_name?: string
  dept_id?: string
  dept_name?: string | null
  policy_id?: string
  policy_title?: string
  doc_no?: string
  enterprise_id?: string
  enterprise_name?: string
  uscc?: string
  status_name?: string
  /** the materials the item asks for */
  required_materials?: string[]
  review_overdue?: boolean
  reviewed_by_name?: string | null
  /** `auto` for a 免申即享 payout */
  source?: string
}

export interface Application extends ApplicationFlat {
  id: string
  item: { id: string; title: string; benefit_type: BenefitType; materials: string[] }
  policy: { id: string; title: string; doc_no: string }
  enterprise: { id: string; name: string; uscc: string }
  status: ApplicationStatus
  materials: MaterialIn[]
  files: FileOut[]
  note: string | null
  expected_amount_wan: number | null
  submitted_at: string
  /** YYYY-MM-DD */
  review_due: string | null
  reviewed_at: string | null
  review_on_time: boolean | null
  review_reason: string | null
  paid_amount_wan: number | null
  paid_on: string | null
  events: ApplicationEvent[]
}

/** A row of `GET /policy-applications` (the fields of [`Application`] without the details). */
export interface ApplicationSummary extends ApplicationFlat {
  id: string
  item: { id: string; title: string; benefit_type: BenefitType }
  policy: { id: string; title: string; doc_no: string }
  enterprise: { id: string; name: string; uscc: string }
  status: ApplicationStatus
  expected_amount_wan: number | null
  submitted_at: string
  review_due: string | null
  reviewed_at: string | null
  review_on_time: boolean | null
  paid_amount_wan: number | null
  paid_on: string | null
  /** sent by the server besides the contract (the list rows are whole applications) */
  materials?: MaterialIn[]
  note?: string | null
  review_reason?: string | null
}

export interface ApplicationListQuery {
  status?: ApplicationStatus | ''
  item_id?: string
  enterprise_id?: string
  q?: string
  page?: number
  per_page?: number
}

export interface ApplicationList {
  items: ApplicationSummary[]
  total: number
  /** per status, sent by the server besides the contract */
  counts?: Partial<Record<ApplicationStatus, number>> & Record<string, number>
}

// ---- normalising what the server sends ----------------------------------------------------------------

type Loose = Record<string, unknown>
const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v))
const obj = (v: unknown): Loose | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Loose) : null)

/** Fills both the nested objects of the contract and the flat fields the server sends. */
export function normalizeApplication<T extends ApplicationSummary | Application>(raw: T): T {
  const r = raw as unknown as Loose
  const item = obj(r.item)
  const policy = obj(r.policy)
  const ent = obj(r.enterprise)
  const required = Array.isArray(r.required_materials)
    ? (r.required_materials as string[])
    : Array.isArray(item?.materials)
      ? (item!.materials as string[])
      : []
  const out: Loose = {
    ...r,
    item: {
      ...(item ?? {}),
      id: str(item?.id ?? r.item_id),
      title: str(item?.title ?? r.item_title),
      benefit_type: (item?.benefit_type ?? r.benefit_type ?? '') as BenefitType,
      materials: Array.isArray(item?.materials) ? item!.materials : required,
    },
    policy: {
      ...(policy ?? {}),
      id: str(policy?.id ?? r.policy_id),
      title: str(policy?.title ?? r.policy_title),
      doc_no: str(policy?.doc_no ?? r.doc_no),
    },
    enterprise: {
      ...(ent ?? {}),
      id: str(ent?.id ?? r.enterprise_id),
      name: str(ent?.name ?? r.enterprise_name),
      uscc: str(ent?.uscc ?? r.uscc),
    },
  }
  const o = out as { item: Loose; policy: Loose; enterprise: Loose }
  out.item_id ??= o.item.id
  out.item_title ??= o.item.title
  out.benefit_type ??= o.item.benefit_type
  out.policy_id ??= o.policy.id
  out.policy_title ??= o.policy.title
  out.doc_no ??= o.policy.doc_no
  out.enterprise_id ??= o.enterprise.id
  out.enterprise_name ??= o.enterprise.name
  out.uscc ??= o.enterprise.uscc
  out.required_materials ??= required
  if ('events' in r || 'files' in r || 'materials' in r) {
    out.materials ??= []
    out.files ??= []
    out.events ??= []
  }
  return out as unknown as T
}

/** Fills the nested `item` / `policy` of a push from the flat fields the server sends (and back). */
export function normalizePush(raw: PolicyPush): PolicyPush {
  const p: PolicyPush = { ...raw }
  if (!p.item && p.item_id) p.item = { id: p.item_id, title: p.item_title ?? '' }
  if (!p.policy && p.policy_id) p.policy = { id: p.policy_id, title: p.policy_title ?? '', doc_no: p.doc_no }
  p.item_id ??= p.item?.id
  p.item_title ??= p.item?.title
  p.policy_id ??= p.policy?.id
  p.policy_title ??= p.policy?.title
  p.doc_no ??= p.policy?.doc_no
  return p
}

// ---- calls ------------------------------------------------------------------------------------------

function q(x: object): Query {
  return x as Query
}

/** `GET /policy-catalog` */
export const policyCatalog = () => http.get<PolicyCatalog>('/policy-catalog')

/** `POST /policy-rules/check`: how many enterprises of the zone qualify now (422 as on save). */
export const checkRule = (body: RuleCheckBody, signal?: AbortSignal) =>
  http.post<RuleCheckResult>('/policy-rules/check', body, { signal })

export const listPolicies = (query: PolicyListQuery = {}) => http.get<PolicyList>('/policies', q(query))
export const getPolicy = (id: string) => http.get<Policy>(`/policies/${enc(id)}`)

/** One item (with its counts and `policy_id`). */
export const getPolicyItem = (id: string) => http.get<PolicyItem & { policy_id: string }>(`/policy-items/${enc(id)}`)
export const createPolicy = (body: PolicyInput) => http.post<Policy>('/policies', body)
export const updatePolicy = (id: string, body: PolicyInput) => http.put<Policy>(`/policies/${enc(id)}`, body)

export function uploadPolicyFile(policyId: string, file: File | Blob, fileName?: string): Promise<FileOut> {
  const form = new FormData()
  if (fileName !== undefined) form.append('file', file, fileName)
  else form.append('file', file)
  return upload<FileOut>(`/policies/${enc(policyId)}/files`, form)
}
export const deletePolicyFile = (fileId: string) => http.del(`/policy-files/${enc(fileId)}`)
/** The download URL of a policy's attachment (the `url` of a [`FileOut`] is the same). */
export const policyFileUrl = (fileId: string) => buildUrl(`/policy-files/${enc(fileId)}/download`)

/** The enterprises of one item: qualified / applied / not applied. */
export const itemEnterprises = (itemId: string, query: ItemEnterprisesQuery = {}) =>
  http.get<ItemEnterprises>(`/policy-items/${enc(itemId)}/enterprises`, q(query))

/** The xlsx export URL (免申即享清单). */
export const itemEnterprisesExportUrl = (itemId: string, status?: ItemEnterpriseStatus) =>
  buildUrl(`/policy-items/${enc(itemId)}/enterprises/export`, { status })

/** Downloads the xlsx export; errors follow the JSON convention. */
export const exportItemEnterprises = (itemId: string, status?: ItemEnterpriseStatus) =>
  download(`/policy-items/${enc(itemId)}/enterprises/export`, { status }, '免申即享清单.xlsx')

/** 送政策: to the given enterprises, or (none given) to every qualifying one not applied nor pushed. */
export const pushItem = (itemId: string, body: PushBody = {}) =>
  http.post<{ pushed: number }>(`/policy-items/${enc(itemId)}/push`, body)

/** `GET /enterprises/{id}/policies`: what the enterprise qualifies for, and almost does. */
export const enterprisePolicies = (enterpriseId: string) =>
  http.get<EnterprisePolicies>(`/enterprises/${enc(enterpriseId)}/policies`)

/** The enterprise user's pushes, newest first. */
export async function portalPushes(): Promise<PolicyPush[]> {
  const res = await http.get<PolicyPush[] | { items: PolicyPush[] }>('/portal/policy-pushes')
  return (Array.isArray(res) ? res : (res?.items ?? [])).map(normalizePush)
}

export const markPushRead = (pushId: string) => http.post<void>(`/policy-pushes/${enc(pushId)}/read`)

const app = (p: Promise<Application>) => p.then((a) => (a ? normalizeApplication(a) : a))

export const createApplication = (body: CreateApplicationBody) => app(http.post<Application>('/policy-applications', body))

export async function listApplications(query: ApplicationListQuery = {}): Promise<ApplicationList> {
  const res = await http.get<ApplicationList>('/policy-applications', q(query))
  return { ...res, items: (res?.items ?? []).map((a) => normalizeApplication(a)), total: res?.total ?? 0 }
}

export const getApplication = (id: string) => app(http.get<Application>(`/policy-applications/${enc(id)}`))

export const reviewApplication = (id: string, body: ReviewBody) =>
  app(http.post<Application>(`/policy-applications/${enc(id)}/review`, body))

export const resubmitApplication = (id: string, body: ResubmitBody) =>
  app(http.post<Application>(`/policy-applications/${enc(id)}/resubmit`, body))

export const payoutApplication = (id: string, body: PayoutBody) =>
  app(http.post<Application>(`/policy-applications/${enc(id)}/payout`, body))

export function uploadApplicationFile(applicationId: string, file: File | Blob, material: string, fileName?: string): Promise<FileOut> {
  const form = new FormData()
  form.append('material', material)
  if (fileName !== undefined) form.append('file', file, fileName)
  else form.append('file', file)
  return upload<FileOut>(`/policy-applications/${enc(applicationId)}/files`, form)
}

/** 免申即享: records the payout for qualifying enterprises directly. */
export const autoPayout = (itemId: string, body: AutoPayoutBody) =>
  http.post<{ paid?: number; [extra: string]: unknown } | undefined>(`/policy-items/${enc(itemId)}/payouts`, body)

/** All the calls as one object, for pages that prefer `policyApi.x()`. */
export const policyApi = {
  catalog: policyCatalog,
  checkRule,
  list: listPolicies,
  get: getPolicy,
  create: createPolicy,
  update: updatePolicy,
  uploadFile: uploadPolicyFile,
  deleteFile: deletePolicyFile,
  fileUrl: policyFileUrl,
  itemEnterprises,
  itemEnterprisesExportUrl,
  exportItemEnterprises,
  pushItem,
  enterprisePolicies,
  portalPushes,
  markPushRead,
  createApplication,
  listApplications,
  getApplication,
  reviewApplication,
  resubmitApplication,
  payoutApplication,
  uploadApplicationFile,
  autoPayout,
}

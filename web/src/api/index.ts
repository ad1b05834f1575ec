import { buildUrl, download, http, upload, type Query } from './client'
import type {
  ApiToken,
  AttachmentOut,
  AuditEvent,
  CaseDetail,
  CaseOut,
  CaseStats,
  Category,
  DeadlineOut,
  DispatchBody,
  DuplicateCandidate,
  DuplicateCheckBody,
  DuplicatePair,
  RoutingModelInfo,
  RoutingRule,
  RoutingRuleBody,
  RoutingSuggestBody,
  RoutingSuggestion,
  NewCaseBody,
  NotificationItem,
  SlaRule,
  CreatedToken,
  Enterprise,
  EnterpriseEvent,
  EnterpriseIn,
  EnterpriseIndicator,
  EnterpriseTag,
  ImportKind,
  ImportMapping,
  ImportOut,
  Me,
  OrgUnit,
  Overview,
  Page,
  Role,
  RoleInfo,
  SizeClass,
  UnitKind,
  UserItem,
} from './types'

export * from './types'
export { ApiError, setUnauthorizedHandler, saveBlob } from './client'

const enc = encodeURIComponent

export const authApi = {
  login: (username: string, password: string) =>
    http.post<Me>('/auth/login', { username, password }, { skipAuthRedirect: true }),
  logout: () => http.post<void>('/auth/logout', undefined, { skipAuthRedirect: true }),
  me: () => http.get<Me>('/auth/me', undefined, { skipAuthRedirect: true }),
  changePassword: (old_password: string, new_password: string) =>
    http.post<void>('/auth/password', { old_password, new_password }),
  listTokens: () => http.get<ApiToken[]>('/auth/tokens'),
  createToken: (name: string, expires_in_days?: number) =>
    http.post<CreatedToken>('/auth/tokens', expires_in_days ? { name, expires_in_days } : { name }),
  deleteToken: (id: string) => http.del(`/auth/tokens/${enc(id)}`),
}

export const metaApi = {
  roles: () => http.get<RoleInfo[]>('/roles'),
  categories: () => http.get<Category[]>('/categories'),
  overview: () => http.get<Overview>('/overview'),
}

export interface CreateUnitBody {
  parent_id: string
  kind: UnitKind
  name: string
  code?: string
}
export interface PatchUnitBody {
  name?: string
  parent_id?: string
  active?: boolean
  sort_order?: number
}

export const orgApi = {
  list: () => http.get<OrgUnit[]>('/org/units'),
  create: (body: CreateUnitBody) => http.post<OrgUnit>('/org/units', body),
  patch: (id: string, body: PatchUnitBody) => http.patch<OrgUnit>(`/org/units/${enc(id)}`, body),
  history: (id: string) => http.get<AuditEvent[]>(`/org/units/${enc(id)}/history`),
}

export interface UserQuery {
  q?: string
  role?: Role | ''
  org_unit_id?: string
  page?: number
  page_size?: number
}
export interface CreateUserBody {
  username: string
  display_name: string
  password: string
  role: Role
  org_unit_id: string
  phone?: string
  enterprise_id?: string
}
export interface PatchUserBody {
  display_name?: string
  role?: Role
  org_unit_id?: string
  phone?: string
  active?: boolean
}

export const userApi = {
  list: (q: UserQuery) => http.get<Page<UserItem>>('/users', { ...q }),
  create: (body: CreateUserBody) => http.post<UserItem>('/users', body),
  patch: (id: string, body: PatchUserBody) => http.patch<UserItem>(`/users/${enc(id)}`, body),
  resetPassword: (id: string, new_password: string) =>
    http.post<void>(`/users/${enc(id)}/reset-password`, { new_password }),
}

/** Filters of the enterprise list (and of the Excel export). */
export interface EnterpriseQuery {
  q?: string
  street_id?: string
  grid_id?: string
  /** a band code, or `none` for enterprises without a band */
  band?: string
  tag?: string
  size_class?: SizeClass | ''
  /** a prefix of the industry code (`C`, `C39`) */
  industry?: string
  page?: number
  page_size?: number
}

export const enterpriseApi = {
  list: (q: EnterpriseQuery) => http.get<Page<Enterprise>>('/enterprises', { ...q }),
  get: (id: string) => http.get<Enterprise>(`/enterprises/${enc(id)}`),
  /** the URL of the Excel export of the filtered list (a plain link: the browser downloads it) */
  exportUrl: (q: EnterpriseQuery) => buildUrl('/enterprises/export', { ...q, page: undefined, page_size: undefined } as Query),
  create: (body: EnterpriseIn) => http.post<Enterprise>('/enterprises', body),
  patch: (id: string, body: Partial<EnterpriseIn>) => http.patch<Enterprise>(`/enterprises/${enc(id)}`, body),
  tags: () => http.get<EnterpriseTag[]>('/enterprise-tags'),
  putTags: (tags: string[]) => http.put<EnterpriseTag[]>('/enterprise-tags', { tags }),
  timeline: (id: string) => http.get<EnterpriseEvent[]>(`/enterprises/${enc(id)}/timeline`),
  indicators: (id: string) => http.get<EnterpriseIndicator[]>(`/enterprises/${enc(id)}/indicators`),
  /** the zone's colour bands (codes, names, colours), for the band filter */
  bands: () => http.get<{ bands: { code: string; name: string; color: string }[] }>('/bands/rules'),
}

/** The recent jobs may come as a list or as a page. */
function importList(r: ImportOut[] | Page<ImportOut> | null | undefined): ImportOut[] {
  if (Array.isArray(r)) return r
  return r?.items ?? []
}

export const importApi = {
  /** multipart: `kind` and `file` (.xlsx or .csv) */
  upload: (kind: ImportKind, file: File) => {
    const form = new FormData()
    form.append('kind', kind)
    form.append('file', file, file.name)
    return upload<ImportOut>('/imports', form)
  },
  preview: (id: string, mapping: ImportMapping) => http.post<ImportOut>(`/imports/${enc(id)}/preview`, { mapping }),
  confirm: (id: string) => http.post<ImportOut>(`/imports/${enc(id)}/confirm`),
  get: (id: string) => http.get<ImportOut>(`/imports/${enc(id)}`),
  list: () => http.get<ImportOut[] | Page<ImportOut>>('/imports').then(importList),
}

export interface AuditQuery {
  action?: string
  actor_id?: string
  page?: number
  page_size?: number
}

export const auditApi = {
  list: (q: AuditQuery) => http.get<Page<AuditEvent>>('/audit', { ...q }),
}

/** Filters of the case list (and of the Excel export). */
export interface CaseQuery {
  /** comma-separated states */
  state?: string
  category?: string
  unit_id?: string
  street_id?: string
  channel?: string
  urgency?: string
  overdue?: boolean
  /** YYYY-MM-DD */
  from?: string
  to?: string
  q?: string
  enterprise_id?: string
  /** `relevance` only with `q` (full-text search) */
  sort?: 'relevance' | 'newest' | 'deadline'
  queue?: 'mine'
  page?: number
  page_size?: number
}

/**
 * The steps of the loop: POST /cases/{id}/<step>. The key is the step's URL segment.
 * (`remind` is 催办, no change of state.)
 */
export type CaseStep =
  | 'accept'
  | 'reject'
  | 'withdraw'
  | 'dispatch'
  | 'reassign'
  | 'sign'
  | 'return'
  | 'reply'
  | 'verify'
  | 'rate'
  | 'extensions'
  | 'pauses'
  | 'decide'
  | 'resume'
  | 'merge'
  | 'supervisor-decision'
  | 'remind'
  | 'supervise'
  | 'supervise/acknowledge'

export const caseApi = {
  list: (q: CaseQuery) => http.get<Page<CaseOut>>('/cases', { ...q } as Query),
  stats: () => http.get<CaseStats>('/cases/stats'),
  get: (id: string) => http.get<CaseDetail>(`/cases/${enc(id)}`),
  file: (body: NewCaseBody) => http.post<CaseDetail>('/cases', body),
  step: (id: string, step: CaseStep, body: object = {}) => http.post<CaseDetail>(`/cases/${enc(id)}/${step}`, body),
  dispatch: (id: string, body: DispatchBody) => http.post<CaseDetail>(`/cases/${enc(id)}/dispatch`, body),
  remind: (id: string, note?: string) => http.post<CaseDetail>(`/cases/${enc(id)}/remind`, note ? { note } : {}),
  /** 并单: `id` duplicates `masterId` */
  merge: (id: string, masterId: string) => http.post<CaseDetail>(`/cases/${enc(id)}/merge`, { master_id: masterId }),
  export: (q: CaseQuery) => download('/cases/export', { ...q, page: undefined, page_size: undefined } as Query, '诉求列表.xlsx'),
}

export const attachmentApi = {
  list: (caseId: string) => http.get<AttachmentOut[]>(`/cases/${enc(caseId)}/attachments`),
  /** one file (multipart part `file`) and an optional note (part `note`) */
  upload: (caseId: string, file: File, note?: string) => {
    const form = new FormData()
    form.append('file', file, file.name)
    if (note?.trim()) form.append('note', note.trim())
    return upload<AttachmentOut>(`/cases/${enc(caseId)}/attachments`, form)
  },
}

export const notificationApi = {
  list: (q: { unread?: boolean; page?: number; page_size?: number }) =>
    http.get<Page<NotificationItem>>('/notifications', { ...q, unread: q.unread || undefined }),
  unreadCount: () => http.get<{ count: number }>('/notifications/unread-count'),
  markRead: (id: string) => http.post<void>(`/notifications/${enc(id)}/read`),
}

export const slaApi = {
  list: () => http.get<SlaRule[]>('/sla-rules'),
  put: (rule: SlaRule) => http.put<SlaRule>('/sla-rules', rule),
}

export const calendarApi = {
  deadline: (from: string, workdays: number) => http.get<DeadlineOut>('/calendar/deadline', { from, workdays }),
}

export const routingApi = {
  suggest: (body: RoutingSuggestBody, signal?: AbortSignal) =>
    http.post<RoutingSuggestion>('/routing/suggest', body, { signal }),
  rules: () => http.get<RoutingRule[]>('/routing/rules'),
  putRule: (code: string, body: RoutingRuleBody) => http.put<RoutingRule>(`/routing/rules/${enc(code)}`, body),
  model: () => http.get<RoutingModelInfo>('/routing/model'),
  train: () => http.post<RoutingModelInfo>('/routing/train'),
}

export const duplicateApi = {
  /** open cases that are probably the same demand as a text being entered */
  check: (body: DuplicateCheckBody, signal?: AbortSignal) =>
    http.post<{ items: DuplicateCandidate[] }>('/cases/duplicates/check', body, { signal }),
  /** the same, for an existing case */
  forCase: (id: string) => http.get<{ items: DuplicateCandidate[] }>(`/cases/${enc(id)}/duplicates`),
  /** pairs found by the nightly sweep */
  list: (q: { page?: number; page_size?: number }) => http.get<Page<DuplicatePair>>('/duplicates', { ...q }),
  /** 不是重复件 */
  dismiss: (id: string) => http.post<void>(`/duplicates/${enc(id)}/dismiss`),
}

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
}

export interface ErrorBody {
  code: string
  message: string
  field?: string
}

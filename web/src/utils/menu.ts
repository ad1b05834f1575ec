import type { Component } from 'vue'
import {
  Collection,
  CopyDocument,
  DataLine,
  DocumentChecked,
  Present,
  Histogram,
  Medal,
  Monitor,
  Operation,
  Stamp,
  Trophy,
  MapLocation,
  Warning,
  Document,
  DocumentAdd,
  EditPen,
  Guide,
  House,
  List,
  OfficeBuilding,
  Setting,
  Share,
  Tickets,
  Timer,
  User,
} from '@element-plus/icons-vue'
import type { Role } from '@/api/types'
import { DUPLICATE_ROLES } from './routing'

export interface MenuItem {
  /** route name; the side menu item gets data-test="menu-<name>" */
  name: string
  title: string
  path?: string
  icon?: Component
  perm?: string
  /** only for these roles */
  roles?: readonly Role[]
  /** not for these roles */
  exceptRoles?: readonly Role[]
  children?: MenuItem[]
}

/** Roles that file cases through some channel (see utils/cases.ts CHANNEL_ROLES), the portal aside. */
export const FILING_ROLES: readonly Role[] = ['intake', 'dispatcher', 'grid_worker', 'leader', 'handler', 'dept_head', 'supervisor']

/** Every role but the enterprise user. */
export const STAFF_ROLES: readonly Role[] = ['intake', 'dispatcher', 'handler', 'dept_head', 'supervisor', 'leader', 'grid_worker', 'admin']

/** Who may open 督办函件: the readers of the assessment, and the users of an addressed unit. */
export const LETTER_ROLES: readonly Role[] = ['dispatcher', 'handler', 'dept_head', 'supervisor', 'leader', 'admin']

export const MENU: MenuItem[] = [
  { name: 'workbench', title: '工作台', path: '/', icon: House },
  { name: 'portal-new', title: '提交诉求', path: '/portal/new', icon: EditPen, perm: 'case.read', roles: ['enterprise'] },
  { name: 'portal-cases', title: '我的诉求', path: '/portal/cases', icon: Tickets, perm: 'case.read', roles: ['enterprise'] },
  {
    name: 'casework',
    title: '诉求办理',
    icon: Tickets,
    exceptRoles: ['enterprise'],
    children: [
      { name: 'cases-new', title: '诉求受理', path: '/cases/new', icon: DocumentAdd, perm: 'case.read', roles: FILING_ROLES },
      { name: 'cases', title: '案件列表', path: '/cases', icon: List, perm: 'case.read' },
      { name: 'duplicates', title: '重复件', path: '/duplicates', icon: CopyDocument, perm: 'case.read', roles: DUPLICATE_ROLES },
    ],
  },
  { name: 'enterprises', title: '企业档案', path: '/enterprises', icon: OfficeBuilding, perm: 'enterprise.read' },
  { name: 'portal-indicators', title: '指标填报', path: '/portal/indicators', icon: DataLine, perm: 'enterprise.read', roles: ['enterprise'] },
  { name: 'bands', title: '五色图', path: '/bands', icon: MapLocation, perm: 'enterprise.read', exceptRoles: ['enterprise'] },
  { name: 'warnings', title: '预警处置', path: '/warnings', icon: Warning, perm: 'enterprise.read', exceptRoles: ['enterprise'] },
  { name: 'portal-policies', title: '政策匹配', path: '/portal/policies', icon: Present, perm: 'enterprise.read', roles: ['enterprise'] },
  {
    name: 'policy',
    title: '惠企政策',
    icon: Present,
    exceptRoles: ['enterprise'],
    children: [
      { name: 'policies', title: '政策库', path: '/policies', icon: Collection, perm: 'enterprise.read' },
      { name: 'policy-applications', title: '申报审核', path: '/policy-applications', icon: DocumentChecked, perm: 'policy.write' },
    ],
  },
  {
    name: 'assessment',
    title: '考核督办',
    icon: Medal,
    exceptRoles: ['enterprise'],
    children: [
      { name: 'dashboard', title: '指挥大屏', path: '/dashboard', icon: Monitor, perm: 'assessment.read' },
      { name: 'ranking', title: '考核排名', path: '/assessment/ranking', icon: Trophy, perm: 'assessment.read' },
      { name: 'letters', title: '督办函件', path: '/letters', icon: Stamp, roles: LETTER_ROLES },
      { name: 'assessment-settings', title: '考核设置', path: '/assessment/settings', icon: Operation, perm: 'assessment.write' },
    ],
  },
  {
    name: 'admin',
    title: '系统管理',
    icon: Setting,
    children: [
      { name: 'admin-org', title: '组织机构', path: '/admin/org', icon: Share, perm: 'org.read' },
      { name: 'admin-users', title: '用户管理', path: '/admin/users', icon: User, perm: 'user.read' },
      { name: 'admin-sla', title: '办理时限', path: '/admin/sla', icon: Timer, perm: 'sla.write' },
      { name: 'admin-indicators', title: '运行指标', path: '/admin/indicators', icon: DataLine, perm: 'indicator.write' },
      { name: 'admin-bands', title: '色标规则', path: '/admin/bands', icon: Histogram, perm: 'indicator.write' },
      { name: 'admin-routing', title: '派单规则', path: '/admin/routing', icon: Guide, perm: 'routing.write' },
      { name: 'admin-audit', title: '审计日志', path: '/admin/audit', icon: Document, perm: 'audit.read' },
    ],
  },
]

/** Role-specific labels for menu entries. */
const ROLE_TITLES: Partial<Record<Role, Record<string, string>>> = {
  enterprise: { enterprises: '我的企业' },
}

export function menuTitle(name: string, fallback: string, role: Role | null | undefined): string {
  return (role && ROLE_TITLES[role]?.[name]) || fallback
}

/**
 * Keeps only the entries the user has permission for (an entry without `perm` is open to
 * everyone signed in) and that are meant for the role; a group left with no children is dropped. Titles are adapted to the role.
 */
export function filterMenu(items: readonly MenuItem[], permissions: readonly string[], role?: Role | null): MenuItem[] {
  const perms = new Set(permissions)
  const out: MenuItem[] = []
  for (const item of items) {
    if (item.perm && !perms.has(item.perm)) continue
    if (item.roles && (!role || !item.roles.includes(role))) continue
    if (item.exceptRoles && role && item.exceptRoles.includes(role)) continue
    const title = menuTitle(item.name, item.title, role)
    if (item.children) {
      const children = filterMenu(item.children, permissions, role)
      if (children.length === 0) continue
      out.push({ ...item, title, children })
    } else {
      out.push({ ...item, title })
    }
  }
  return out
}

import type { Component } from 'vue'
import { House, OfficeBuilding, Setting, Share, User, Document } from '@element-plus/icons-vue'
import type { Role } from '@/api/types'

export interface MenuItem {
  /** route name; the side menu item gets data-test="menu-<name>" */
  name: string
  title: string
  path?: string
  icon?: Component
  perm?: string
  children?: MenuItem[]
}

export const MENU: MenuItem[] = [
  { name: 'workbench', title: '工作台', path: '/', icon: House },
  { name: 'enterprises', title: '企业档案', path: '/enterprises', icon: OfficeBuilding, perm: 'enterprise.read' },
  {
    name: 'admin',
    title: '系统管理',
    icon: Setting,
    children: [
      { name: 'admin-org', title: '组织机构', path: '/admin/org', icon: Share, perm: 'org.read' },
      { name: 'admin-users', title: '用户管理', path: '/admin/users', icon: User, perm: 'user.read' },
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
 * everyone signed in); a group left with no children is dropped. Titles are adapted to the role.
 */
export function filterMenu(items: readonly MenuItem[], permissions: readonly string[], role?: Role | null): MenuItem[] {
  const perms = new Set(permissions)
  const out: MenuItem[] = []
  for (const item of items) {
    if (item.perm && !perms.has(item.perm)) continue
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

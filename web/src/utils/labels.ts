import type { Role, UnitKind } from '@/api/types'

export const ROLE_NAMES: Record<Role, string> = {
  enterprise: '企业用户',
  intake: '受理员',
  dispatcher: '派单员',
  handler: '承办人',
  dept_head: '部门负责人',
  supervisor: '督查员',
  leader: '领导',
  grid_worker: '网格员',
  admin: '系统管理员',
}

export const ROLE_ORDER: Role[] = [
  'admin',
  'leader',
  'supervisor',
  'dispatcher',
  'intake',
  'dept_head',
  'handler',
  'grid_worker',
  'enterprise',
]

export const KIND_NAMES: Record<UnitKind, string> = {
  zone: '管委会',
  department: '部门',
  street: '街道/镇',
  community: '社区',
  village: '村',
  grid: '网格',
}

/** Element Plus tag type used for each unit kind. */
export const KIND_TAG: Record<UnitKind, 'primary' | 'success' | 'warning' | 'info' | 'danger'> = {
  zone: 'danger',
  department: 'primary',
  street: 'warning',
  community: 'success',
  village: 'success',
  grid: 'info',
}

/** Which kinds of unit may be created under a unit of the given kind. */
export const CHILD_KINDS: Record<UnitKind, UnitKind[]> = {
  zone: ['department', 'street'],
  department: [],
  street: ['community', 'village'],
  community: ['grid'],
  village: ['grid'],
  grid: [],
}

export function canBeParent(parent: UnitKind, child: UnitKind): boolean {
  return CHILD_KINDS[parent].includes(child)
}

export const SIZE_NAMES: Record<string, string> = {
  large: '大型',
  medium: '中型',
  small: '小型',
  micro: '微型',
}

/** Known audit actions → Chinese label (unknown actions are shown verbatim). */
export const ACTION_NAMES: Record<string, string> = {
  'auth.login': '登录',
  'auth.login_failed': '登录失败',
  'auth.login_refused_locked': '锁定期间尝试登录',
  'auth.locked': '账号锁定',
  'auth.logout': '退出登录',
  'auth.password_changed': '修改密码',
  'token.create': '创建 API 令牌',
  'token.revoke': '吊销 API 令牌',
  'org.create': '新建机构',
  'org.update': '修改机构',
  'org.move': '移动机构',
  'org.deactivate': '停用机构',
  'org.activate': '启用机构',
  'user.create': '新建用户',
  'user.update': '修改用户',
  'user.permission_change': '变更角色/单位',
  'user.reset_password': '重置密码',
  'demo.load': '载入演示数据',
}

export function actionName(action: string): string {
  return ACTION_NAMES[action] ?? action
}

import type { CaseState, Channel, Role, Satisfaction, UnitKind, Urgency } from '@/api/types'

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

// ---- 诉求办理 ---------------------------------------------------------------------------------
// Lists and the case page use the server's names (state_name, channel_name, urgency_name,
// role_name); these tables serve the forms and filters, which need the names before any data.

export const CHANNEL_NAMES: Record<Channel, string> = {
  portal: '企业端',
  hotline: '热线',
  grid: '网格上报',
  leader: '领导交办',
  superior: '上级转办',
  visit: '走访',
  inspection: '巡查发现',
}

export const URGENCY_NAMES: Record<Urgency, string> = { normal: '一般', urgent: '紧急' }

export const CASE_STATE_NAMES: Record<CaseState, string> = {
  submitted: '待受理',
  pending_dispatch: '待派单',
  dispatched: '待签收',
  handling: '办理中',
  paused: '已挂起',
  parked: '已挂账',
  replied: '待核查',
  pending_rating: '待评价',
  supervisor_review: '待督查裁定',
  closed: '已办结',
  rejected: '不予受理',
  withdrawn: '已撤回',
  merged: '已并单',
}

/** The states in the order of the loop (filters, workbench cards). */
export const CASE_STATE_ORDER: CaseState[] = [
  'submitted',
  'pending_dispatch',
  'dispatched',
  'handling',
  'paused',
  'parked',
  'replied',
  'pending_rating',
  'supervisor_review',
  'closed',
  'rejected',
  'withdrawn',
  'merged',
]

export const OPEN_STATES: CaseState[] = CASE_STATE_ORDER.filter(
  (s) => !['closed', 'rejected', 'withdrawn', 'merged'].includes(s),
)

type TagType = 'primary' | 'success' | 'warning' | 'info' | 'danger'

/** Tag colour of each state: waiting on someone (warning), in the works (primary), done (success). */
export const CASE_STATE_TAG: Record<CaseState, TagType> = {
  submitted: 'warning',
  pending_dispatch: 'warning',
  dispatched: 'primary',
  handling: 'primary',
  paused: 'info',
  parked: 'info',
  replied: 'warning',
  pending_rating: 'warning',
  supervisor_review: 'danger',
  closed: 'success',
  rejected: 'info',
  withdrawn: 'info',
  merged: 'info',
}

export function caseStateTag(state: string): TagType {
  return CASE_STATE_TAG[state as CaseState] ?? 'info'
}

export const SATISFACTION_NAMES: Record<Satisfaction, string> = {
  satisfied: '满意',
  basic: '基本满意',
  unsatisfied: '不满意',
}

export const REQUEST_KIND_NAMES: Record<string, string> = { extension: '延期', pause: '挂起', park: '挂账' }
export const REQUEST_STATE_NAMES: Record<string, string> = { pending: '待审批', approved: '已批准', refused: '已驳回' }

/** Event actions of the case timeline → Chinese. */
export const EVENT_ACTION_NAMES: Record<string, string> = {
  file: '登记',
  accept: '受理',
  reject: '不予受理',
  withdraw: '撤回',
  dispatch: '派单',
  reassign: '改派',
  sign: '签收',
  return: '退回',
  reply: '答复',
  verify: '核查',
  rate: '评价',
  request_extension: '申请延期',
  request_pause: '申请挂起/挂账',
  decide_extension: '审批',
  approve_pause: '批准挂起/挂账',
  resume: '恢复办理',
  merge: '并单',
  supervisor_close: '督查裁定办结',
  supervisor_redispatch: '督查裁定重派',
  remind: '催办',
  supervise: '督办',
  acknowledge_supervision: '签收督办',
  attach: '上传附件',
  // the deadline sweep (系统（期限巡查）)
  sign_overdue: '签收超时提醒',
  due_soon: '临期提醒',
  overdue: '超期催办',
  escalate: '超期上报',
  supervision_overdue: '督办超期上报',
}


/** The label of one timeline event; a few actions read better with their outcome. */
export function eventActionName(action: string, detail?: Record<string, unknown> | null): string {
  const d = detail ?? {}
  if (action === 'verify' && typeof d.pass === 'boolean') return d.pass ? '核查通过' : '核查不通过'
  if (action === 'decide_extension' && d.approved === false) return '驳回申请'
  if (action === 'decide_extension' && d.approved === true) return '批准延期'
  if (action === 'approve_pause' && d.kind === 'park') return '批准挂账'
  if (action === 'approve_pause' && d.kind === 'pause') return '批准挂起'
  if (action === 'request_pause' && d.kind === 'park') return '申请挂账'
  if (action === 'request_pause' && d.kind === 'pause') return '申请挂起'
  return EVENT_ACTION_NAMES[action] ?? action
}

/** Notification kinds → a short Chinese category. */
export const NOTIFICATION_KIND_NAMES: Record<string, string> = {
  'case.dispatched': '派单',
  'case.reminder': '催办',
  'case.rework': '重办',
  'case.answered': '待评价',
  'case.assist_replied': '协办答复',
  'case.verify_failed': '核查退回',
  'case.rejected': '不予受理',
  'case.merged': '并单',
  'case.closed': '办结',
  'case.supervision': '督办',
  'case.escalation': '超期上报',
}

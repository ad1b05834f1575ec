import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router'
import type { Role } from '@/api/types'
import { FILING_ROLES, LETTER_ROLES, STAFF_ROLES } from '@/utils/menu'
import { DUPLICATE_ROLES } from '@/utils/routing'
import { useAuthStore } from '@/stores/auth'
import MainLayout from '@/layouts/MainLayout.vue'
import ForbiddenView from '@/views/ForbiddenView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    /** breadcrumb group above the page */
    group?: string
    /** permission needed to see the page; without it the 403 page is shown */
    perm?: string
    /** reachable without signing in */
    public?: boolean
    /** only these roles may open the page (others get the 403 page in place) */
    roles?: readonly Role[]
    /** the side-menu entry to highlight (detail pages) */
    activeMenu?: string
    /** portal mode of a shared view (the enterprise user's pages) */
    portal?: boolean
  }
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/LoginView.vue'),
    meta: { title: '登录', public: true },
  },
  {
    // full screen, outside the layout (its permission is checked by the guard below)
    path: '/dashboard',
    name: 'dashboard',
    component: () => import('@/views/DashboardView.vue'),
    meta: { title: '指挥大屏', perm: 'assessment.read' },
  },
  {
    path: '/',
    component: MainLayout,
    children: [
      { path: '', name: 'workbench', component: () => import('@/views/WorkbenchView.vue'), meta: { title: '工作台' } },
      {
        path: 'cases',
        name: 'cases',
        component: () => import('@/views/CasesView.vue'),
        meta: { title: '案件列表', group: '诉求办理', perm: 'case.read' },
      },
      {
        path: 'cases/new',
        name: 'cases-new',
        component: () => import('@/views/CaseNewView.vue'),
        meta: { title: '诉求受理', group: '诉求办理', perm: 'case.read', roles: FILING_ROLES },
      },
      {
        path: 'duplicates',
        name: 'duplicates',
        component: () => import('@/views/DuplicatesView.vue'),
        meta: { title: '重复件', group: '诉求办理', perm: 'case.read', roles: DUPLICATE_ROLES },
      },
      {
        path: 'cases/:id',
        name: 'case-detail',
        component: () => import('@/views/CaseDetailView.vue'),
        meta: { title: '案件详情', group: '诉求办理', perm: 'case.read', activeMenu: '/cases' },
      },
      {
        path: 'portal/new',
        name: 'portal-new',
        component: () => import('@/views/CaseNewView.vue'),
        meta: { title: '提交诉求', perm: 'case.read', roles: ['enterprise'], portal: true },
      },
      {
        path: 'portal/cases',
        name: 'portal-cases',
        component: () => import('@/views/PortalCasesView.vue'),
        meta: { title: '我的诉求', perm: 'case.read', roles: ['enterprise'], portal: true },
      },
      {
        path: 'portal/cases/:id',
        name: 'portal-case',
        component: () => import('@/views/CaseDetailView.vue'),
        meta: { title: '诉求详情', group: '我的诉求', perm: 'case.read', activeMenu: '/portal/cases', portal: true },
      },
      {
        path: 'notifications',
        name: 'notifications',
        component: () => import('@/views/NotificationsView.vue'),
        meta: { title: '消息通知' },
      },
      {
        path: 'admin/sla',
        name: 'admin-sla',
        component: () => import('@/views/SlaRulesView.vue'),
        meta: { title: '办理时限', group: '系统管理', perm: 'sla.write' },
      },
      {
        path: 'admin/routing',
        name: 'admin-routing',
        component: () => import('@/views/RoutingRulesView.vue'),
        meta: { title: '派单规则', group: '系统管理', perm: 'routing.write' },
      },
      {
        path: 'enterprises',
        name: 'enterprises',
        component: () => import('@/views/EnterprisesView.vue'),
        meta: { title: '企业档案', perm: 'enterprise.read' },
      },
      {
        path: 'enterprises/import',
        name: 'enterprise-import',
        component: () => import('@/views/ImportView.vue'),
        meta: { title: '批量导入', group: '企业档案', perm: 'enterprise.write', activeMenu: '/enterprises' },
      },
      {
        path: 'enterprises/:id',
        name: 'enterprise-detail',
        component: () => import('@/views/EnterpriseDetailView.vue'),
        meta: { title: '企业详情', group: '企业档案', perm: 'enterprise.read', activeMenu: '/enterprises' },
      },
      {
        path: 'bands',
        name: 'bands',
        component: () => import('@/views/BandMapView.vue'),
        meta: { title: '五色图', group: '企业服务', perm: 'enterprise.read' },
      },
      {
        path: 'warnings',
        name: 'warnings',
        component: () => import('@/views/WarningsView.vue'),
        meta: { title: '预警处置', group: '企业服务', perm: 'enterprise.read' },
      },
      {
        path: 'portal/indicators',
        name: 'portal-indicators',
        component: () => import('@/views/PortalIndicatorsView.vue'),
        meta: { title: '指标填报', perm: 'enterprise.read', roles: ['enterprise'], portal: true },
      },
      {
        path: 'admin/indicators',
        name: 'admin-indicators',
        component: () => import('@/views/IndicatorsView.vue'),
        meta: { title: '运行指标', group: '系统管理', perm: 'indicator.write' },
      },
      {
        path: 'admin/bands',
        name: 'admin-bands',
        component: () => import('@/views/BandRulesView.vue'),
        meta: { title: '色标规则', group: '系统管理', perm: 'indicator.write' },
      },
      {
        path: 'policies',
        name: 'policies',
        component: () => import('@/views/PoliciesView.vue'),
        meta: { title: '政策库', group: '惠企政策', perm: 'enterprise.read' },
      },
      {
        path: 'policies/new',
        name: 'policy-new',
        component: () => import('@/views/PolicyEditView.vue'),
        meta: { title: '录入政策', group: '惠企政策', perm: 'policy.write', activeMenu: '/policies' },
      },
      {
        path: 'policies/:id',
        name: 'policy-detail',
        component: () => import('@/views/PolicyDetailView.vue'),
        meta: { title: '政策详情', group: '惠企政策', perm: 'enterprise.read', activeMenu: '/policies' },
      },
      {
        path: 'policies/:id/edit',
        name: 'policy-edit',
        component: () => import('@/views/PolicyEditView.vue'),
        meta: { title: '编辑政策', group: '惠企政策', perm: 'policy.write', activeMenu: '/policies' },
      },
      {
        path: 'policy-items/:id',
        name: 'policy-item',
        component: () => import('@/views/PolicyItemView.vue'),
        meta: { title: '政策条款', group: '惠企政策', perm: 'enterprise.read', roles: STAFF_ROLES, activeMenu: '/policies' },
      },
      {
        path: 'policy-applications',
        name: 'policy-applications',
        component: () => import('@/views/PolicyApplicationsView.vue'),
        meta: { title: '申报审核', group: '惠企政策', perm: 'policy.write' },
      },
      {
        path: 'portal/policies',
        name: 'portal-policies',
        component: () => import('@/views/PortalPoliciesView.vue'),
        meta: { title: '政策匹配', perm: 'enterprise.read', roles: ['enterprise'], portal: true },
      },
      {
        path: 'assessment/ranking',
        name: 'ranking',
        component: () => import('@/views/RankingView.vue'),
        meta: { title: '考核排名', group: '考核督办', perm: 'assessment.read' },
      },
      {
        path: 'assessment/settings',
        name: 'assessment-settings',
        component: () => import('@/views/AssessmentSettingsView.vue'),
        meta: { title: '考核设置', group: '考核督办', perm: 'assessment.write' },
      },
      {
        path: 'letters',
        name: 'letters',
        component: () => import('@/views/LettersView.vue'),
        meta: { title: '督办函件', group: '考核督办', roles: LETTER_ROLES },
      },
      {
        path: 'letters/:id',
        name: 'letter-detail',
        component: () => import('@/views/LetterDetailView.vue'),
        meta: { title: '函件详情', group: '考核督办', roles: LETTER_ROLES, activeMenu: '/letters' },
      },
      {
        path: 'admin/org',
        name: 'admin-org',
        component: () => import('@/views/OrgView.vue'),
        meta: { title: '组织机构', group: '系统管理', perm: 'org.read' },
      },
      {
        path: 'admin/users',
        name: 'admin-users',
        component: () => import('@/views/UsersView.vue'),
        meta: { title: '用户管理', group: '系统管理', perm: 'user.read' },
      },
      {
        path: 'admin/audit',
        name: 'admin-audit',
        component: () => import('@/views/AuditView.vue'),
        meta: { title: '审计日志', group: '系统管理', perm: 'audit.read' },
      },
      {
        path: 'account/tokens',
        name: 'account-tokens',
        component: () => import('@/views/TokensView.vue'),
        meta: { title: 'API 令牌', group: '个人中心', perm: 'token.self' },
      },
      { path: '403', name: 'forbidden', component: ForbiddenView, meta: { title: '无权访问' } },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/views/NotFoundView.vue'),
        meta: { title: '页面不存在' },
      },
    ],
  },
]

export function installGuards(router: Router): void {
  router.beforeEach(async (to) => {
    const auth = useAuthStore()
    if (!auth.probed) {
      try {
        await auth.fetchMe()
      } catch {
        // server unreachable: treat as signed out; the login page will show the error on submit
        auth.clear()
      }
    }
    if (to.meta.public) {
      if (to.name === 'login' && auth.me) {
        const r = typeof to.query.redirect === 'string' ? to.query.redirect : '/'
        return safeRedirect(r)
      }
      return true
    }
    if (!auth.me) {
      return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    }
    // permission is checked by the layout, which shows the 403 page in place (URL kept); a full-screen
    // page outside the layout (指挥大屏) is checked here and sends the user to the 403 page
    if (to.matched[0] && to.matched[0].components?.default !== MainLayout) {
      const { perm, roles } = to.meta
      if ((perm && !auth.can(perm)) || (roles && !roles.includes(auth.me.role))) return { name: 'forbidden' }
    }
    return true
  })
  router.afterEach((to) => {
    const t = to.meta.title
    document.title = t ? `${t} - 即办` : '即办'
  })
}

/** Only same-site absolute paths are honoured as ?redirect= targets. */
export function safeRedirect(r: string | null | undefined): string {
  if (!r || !r.startsWith('/') || r.startsWith('//') || r.startsWith('/login')) return '/'
  return r
}

export function createAppRouter(): Router {
  const router = createRouter({ history: createWebHistory('/'), routes })
  installGuards(router)
  return router
}

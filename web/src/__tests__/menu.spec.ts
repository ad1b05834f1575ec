import { describe, expect, it } from 'vitest'
import { filterMenu, MENU, type MenuItem } from '@/utils/menu'

const names = (items: MenuItem[]): string[] => items.flatMap((i) => [i.name, ...(i.children ? names(i.children) : [])])

const ADMIN = ['org.read', 'org.write', 'user.read', 'user.write', 'enterprise.read', 'enterprise.write', 'audit.read', 'calendar.write', 'token.self']

describe('filterMenu', () => {
  it('shows everything to an admin', () => {
    const m = filterMenu(MENU, ADMIN, 'admin')
    expect(names(m)).toEqual(['workbench', 'enterprises', 'bands', 'warnings', 'policy', 'policies', 'assessment', 'letters', 'admin', 'admin-org', 'admin-users', 'admin-audit'])
    expect(m.find((x) => x.name === 'admin')!.title).toBe('系统管理')
  })

  it('drops the 系统管理 group when none of its pages are allowed', () => {
    const m = filterMenu(MENU, ['enterprise.read', 'token.self'], 'handler')
    expect(names(m)).toEqual(['workbench', 'enterprises', 'bands', 'warnings', 'policy', 'policies', 'assessment', 'letters'])
  })

  it('keeps only the allowed children of a group', () => {
    const m = filterMenu(MENU, ['org.read', 'audit.read'], 'supervisor')
    expect(names(m)).toEqual(['workbench', 'assessment', 'letters', 'admin', 'admin-org', 'admin-audit'])
  })

  it('labels the enterprise page 我的企业 for an enterprise user', () => {
    const m = filterMenu(MENU, ['enterprise.read', 'token.self'], 'enterprise')
    expect(m.find((x) => x.name === 'enterprises')!.title).toBe('我的企业')
    const other = filterMenu(MENU, ['enterprise.read'], 'leader')
    expect(other.find((x) => x.name === 'enterprises')!.title).toBe('企业档案')
  })

  it('shows only the workbench without permissions and does not mutate the definition', () => {
    const before = JSON.stringify(MENU.map((m) => [m.name, m.title]))
    expect(names(filterMenu(MENU, [], 'enterprise'))).toEqual(['workbench'])
    filterMenu(MENU, ['enterprise.read'], 'enterprise')
    expect(JSON.stringify(MENU.map((m) => [m.name, m.title]))).toBe(before)
  })

  it('shows the casework pages by role', () => {
    const staff = ['case.read', 'org.read', 'enterprise.read', 'token.self']
    expect(names(filterMenu(MENU, staff, 'dispatcher'))).toEqual(['workbench', 'casework', 'cases-new', 'cases', 'duplicates', 'enterprises', 'bands', 'warnings', 'policy', 'policies', 'assessment', 'letters', 'admin', 'admin-org'])
    // the admin files through no channel: no 诉求受理, but the list and 办理时限
    const admin = filterMenu(MENU, [...ADMIN, 'case.read', 'sla.write'], 'admin')
    expect(names(admin)).toContain('cases')
    expect(names(admin)).not.toContain('cases-new')
    expect(names(admin)).toContain('admin-sla')
    // the enterprise gets the portal instead of 诉求办理
    const ent = names(filterMenu(MENU, ['case.read', 'enterprise.read', 'token.self'], 'enterprise'))
    expect(ent).toEqual(['workbench', 'portal-new', 'portal-cases', 'enterprises', 'portal-indicators', 'portal-policies'])
    // staff never see the portal entries
    expect(names(filterMenu(MENU, staff, 'intake'))).not.toContain('portal-new')
  })

  it('shows 重复件 to the desk roles that work duplicates, next to the case list', () => {
    const staff = ['case.read', 'org.read', 'enterprise.read', 'token.self']
    for (const role of ['dispatcher', 'supervisor'] as const) {
      const n = names(filterMenu(MENU, staff, role))
      expect(n).toContain('duplicates')
      expect(n.indexOf('duplicates')).toBe(n.indexOf('cases') + 1)
    }
    expect(names(filterMenu(MENU, [...ADMIN, 'case.read'], 'admin'))).toContain('duplicates')
    for (const role of ['intake', 'handler', 'leader', 'grid_worker', 'dept_head', 'enterprise'] as const) {
      expect(names(filterMenu(MENU, staff, role))).not.toContain('duplicates')
    }
    // without case.read, not even for a dispatcher
    expect(names(filterMenu(MENU, ['org.read'], 'dispatcher'))).not.toContain('duplicates')
    const dup = filterMenu(MENU, staff, 'dispatcher')
      .find((m) => m.name === 'casework')!
      .children!.find((m) => m.name === 'duplicates')!
    expect(dup.title).toBe('重复件')
    expect(dup.path).toBe('/duplicates')
  })

  it('shows 派单规则 to whoever may write the routing rules, after 办理时限', () => {
    const admin = filterMenu(MENU, [...ADMIN, 'case.read', 'sla.write', 'routing.write'], 'admin')
    const group = admin.find((m) => m.name === 'admin')!
    const children = group.children!.map((m) => m.name)
    expect(children.indexOf('admin-routing')).toBe(children.indexOf('admin-sla') + 1)
    expect(group.children!.find((m) => m.name === 'admin-routing')!.title).toBe('派单规则')
    // no routing.write: no entry
    expect(names(filterMenu(MENU, [...ADMIN, 'sla.write'], 'admin'))).not.toContain('admin-routing')
    expect(names(filterMenu(MENU, ['case.read', 'org.read'], 'dispatcher'))).not.toContain('admin-routing')
  })

  it('shows 惠企政策 to staff, 申报审核 to policy.write, and 政策匹配 to the enterprise user', () => {
    const officer = filterMenu(MENU, ['enterprise.read', 'case.read', 'policy.write', 'token.self'], 'handler')
    const group = officer.find((m) => m.name === 'policy')!
    expect(group.title).toBe('惠企政策')
    expect(group.children!.map((m) => [m.name, m.title, m.path])).toEqual([
      ['policies', '政策库', '/policies'],
      ['policy-applications', '申报审核', '/policy-applications'],
    ])
    expect(names(officer)).not.toContain('portal-policies')
    // a street's staff: the library, no review queue
    const street = names(filterMenu(MENU, ['enterprise.read', 'case.read'], 'handler'))
    expect(street).toContain('policies')
    expect(street).not.toContain('policy-applications')
    // the enterprise user: only 政策匹配, at the top level
    const ent = filterMenu(MENU, ['enterprise.read', 'case.read', 'policy.write'], 'enterprise')
    expect(names(ent)).toContain('portal-policies')
    expect(names(ent)).not.toContain('policy')
    expect(ent.find((m) => m.name === 'portal-policies')!.path).toBe('/portal/policies')
  })

  it('shows 考核督办: 指挥大屏 and 考核排名 to assessment.read, 考核设置 to assessment.write, 督办函件 to the staff who get or read letters', () => {
    const group = (perms: string[], role: Parameters<typeof filterMenu>[2]) =>
      filterMenu(MENU, perms, role).find((m) => m.name === 'assessment')?.children?.map((m) => m.name) ?? []
    // the supervisor: everything, in this order
    const sup = filterMenu(MENU, ['case.read', 'assessment.read', 'assessment.write'], 'supervisor').find((m) => m.name === 'assessment')!
    expect(sup.title).toBe('考核督办')
    expect(sup.children!.map((m) => [m.name, m.title, m.path])).toEqual([
      ['dashboard', '指挥大屏', '/dashboard'],
      ['ranking', '考核排名', '/assessment/ranking'],
      ['letters', '督办函件', '/letters'],
      ['assessment-settings', '考核设置', '/assessment/settings'],
    ])
    // the leader reads, does not set
    expect(group(['case.read', 'assessment.read'], 'leader')).toEqual(['dashboard', 'ranking', 'letters'])
    // a street's handler: only the letters of its unit
    expect(group(['case.read'], 'handler')).toEqual(['letters'])
    // no letters for the intake desk, the grid worker or the enterprise
    for (const role of ['intake', 'grid_worker', 'enterprise'] as const) expect(group(['case.read'], role)).toEqual([])
    expect(names(filterMenu(MENU, ['case.read'], 'intake'))).not.toContain('assessment')
    // even with the permission, never for an enterprise user
    expect(group(['assessment.read'], 'enterprise')).toEqual([])
  })
})

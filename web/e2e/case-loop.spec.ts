import { expect, test, type Browser, type Page } from '@playwright/test'
import { login, openMenu, shot, tableLoaded } from './helpers'

// One demand walks the whole closed loop, each step by the account whose job it is, each account
// in its own browser context:
//   qiye files (portal) → intake accepts → dispatcher dispatches (lead 人社局, assist 向阳街道)
//   → handler_xy signs and replies (assist), handler_rsj signs and replies (lead)
//   → dispatcher verifies → qiye rates 不满意 → 重办 → handler_rsj replies again
//   → dispatcher verifies → qiye rates 满意 → 已办结, the timeline lists every step.

test.describe.configure({ mode: 'serial' })

const TITLE = '招聘普工 20 名，希望协助对接用工'
let caseId = ''
let caseNo = ''

async function as(browser: Browser, username: string): Promise<Page> {
  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  await login(page, username)
  return page
}

/** The case page of the loop's case, loaded. */
async function openCase(page: Page, portal = false): Promise<void> {
  await page.goto(portal ? `/portal/cases/${caseId}` : `/cases/${caseId}`)
  await expect(page.locator('[data-test="case-no"]')).toHaveText(caseNo)
}

const stateTag = (page: Page) => page.locator('[data-test="case-header"] [data-test="state-tag"]')
const dialog = (page: Page) => page.locator('.el-dialog[data-test="action-dialog"]')

/** Clicks an action button, fills the dialog with `fill`, submits, and waits for the dialog to close. */
async function act(page: Page, code: string, fill?: (d: ReturnType<typeof dialog>) => Promise<void>, shotName?: string) {
  await page.locator(`[data-test="act-${code}"]`).click()
  const d = dialog(page)
  await expect(d).toBeVisible()
  if (fill) await fill(d)
  if (shotName) await shot(page, shotName, { fullPage: false })
  await d.locator('[data-test="action-submit"]').click()
  await expect(d).toBeHidden()
}

/** Picks a node of an el-tree-select by typing part of its name. */
async function pickUnit(page: Page, testId: string, popper: string, name: string) {
  const sel = page.locator(`.el-select[data-test="${testId}"]`)
  await sel.click()
  await sel.locator('input').first().fill(name)
  const node = page.locator(`.${popper} .el-tree-node__content`, { hasText: name }).first()
  await expect(node).toBeVisible()
  // multiple selection (协办) checks the node's box; single selection (主办) clicks the label
  const box = node.locator('.el-checkbox')
  if (await box.count()) await box.first().click()
  else await node.locator('.el-select-dropdown__item, span', { hasText: name }).first().click()
}

test('one case through the whole loop with five accounts', async ({ browser }) => {
  test.setTimeout(300_000)

  // ---- qiye (enterprise, 向阳街道) files through the portal -----------------------------------
  const qiye = await as(browser, 'qiye')
  const menu = qiye.locator('[data-test="side-menu"]')
  await expect(menu.locator('[data-test="menu-portal-new"]')).toContainText('提交诉求')
  await expect(menu.locator('[data-test="menu-casework"]')).toHaveCount(0)
  await openMenu(qiye, 'portal-new', /\/portal\/new$/)
  // live validation: leaving the title empty marks it
  await qiye.locator('[data-test="f-title"]').focus()
  await qiye.locator('[data-test="f-title"]').blur()
  await expect(qiye.locator('.el-form-item', { hasText: '标题' }).locator('.el-form-item__error')).toHaveText('请填写标题')
  await qiye.locator('[data-test="f-title"]').fill(TITLE)
  await expect(qiye.locator('.el-form-item', { hasText: '标题' }).locator('.el-form-item__error')).toHaveCount(0)
  await qiye.locator('[data-test="f-description"]').fill(
    '公司新增一条封装产线，下月需到岗普工 20 名，近一个月自行招聘效果不佳，希望人社部门协助发布岗位并组织专场招聘。',
  )
  const cat = qiye.locator('.el-form-item', { hasText: '诉求分类' }).locator('.el-cascader')
  await cat.click()
  await qiye.locator('.jb-category-popper .el-cascader-node', { hasText: '企业经营' }).hover()
  await qiye.locator('.jb-category-popper .el-cascader-node', { hasText: '用工招聘' }).click()
  await expect(cat.locator('input')).toHaveValue(/用工招聘/)
  await qiye.locator('[data-test="f-person-name"]').fill('崔燕明')
  await qiye.locator('[data-test="f-expected"]').fill('两周内举办一场专场招聘会')
  await shot(qiye, '20-portal-new')
  await qiye.locator('[data-test="file-submit"]').click()
  const filed = qiye.locator('[data-test="filed-case-no"]')
  await expect(filed).toHaveText(/^JB\d{8}-\d{4,}$/)
  caseNo = (await filed.textContent())!.trim()
  await expect(qiye.locator('[data-test="filed-result"]')).toContainText('待受理')
  await shot(qiye, '21-portal-filed')
  await qiye.locator('[data-test="open-filed"]').click()
  await expect(qiye).toHaveURL(/\/portal\/cases\/[0-9a-f-]{36}$/)
  caseId = qiye.url().split('/').pop()!
  await expect(stateTag(qiye)).toHaveText('待受理')
  await expect(qiye.locator('[data-test="act-withdraw"]')).toBeVisible()
  await expect(qiye.locator('[data-test="act-rate"]')).toHaveCount(0)
  await shot(qiye, '22-portal-case')

  // ---- intake accepts ----------------------------------------------------------------------------
  const intake = await as(browser, 'intake')
  await tableLoaded(intake, 'queue-table')
  const intakeRow = intake.locator('[data-test="queue-table"] .el-table__row', { hasText: caseNo })
  await expect(intakeRow).toBeVisible()
  await expect(intakeRow).toContainText('待受理')
  await shot(intake, '23-intake-workbench')
  await intakeRow.locator('[data-test="queue-case-no"]').click()
  await expect(intake.locator('[data-test="case-no"]')).toHaveText(caseNo)
  // 受理, 不予受理, and 并单 (the intake desk may merge a duplicate into an open case)
  await expect(intake.locator('[data-test="action-bar"] button[data-test^="act-"]')).toHaveText(['受理', '不予受理', '并单'])
  await act(intake, 'accept', async (d) => {
    await d.locator('[data-test="action-note"]').fill('诉求清楚，予以受理')
  }, '24-intake-accept-dialog')
  await expect(stateTag(intake)).toHaveText('待派单')

  // ---- dispatcher dispatches: lead 人社局, assisting 向阳街道 ---------------------------------------
  const disp = await as(browser, 'dispatcher')
  await openMenu(disp, 'cases', /\/cases$/)
  await tableLoaded(disp, 'case-table')
  await disp.goto('/cases?state=pending_dispatch')
  await tableLoaded(disp, 'case-table')
  const dispRow = disp.locator('[data-test="case-table"] .el-table__row', { hasText: caseNo })
  await expect(dispRow).toBeVisible()
  await shot(disp, '25-dispatcher-list')
  await dispRow.locator('[data-test="case-no-cell"]').click()
  await expect(disp.locator('[data-test="case-no"]')).toHaveText(caseNo)
  await act(disp, 'dispatch', async () => {
    await pickUnit(disp, 'dispatch-lead', 'jb-lead-popper', '人社局')
    await expect(disp.locator('.el-select[data-test="dispatch-lead"]')).toContainText('人社局')
    await pickUnit(disp, 'dispatch-assists', 'jb-assist-popper', '向阳街道')
    await dialog(disp).locator('.el-dialog__header').click()
    await expect(disp.locator('.el-select[data-test="dispatch-assists"]')).toContainText('向阳街道')
    await dialog(disp).locator('[data-test="action-note"]').fill('请人社局牵头组织专场招聘，向阳街道协助摸排用工需求')
    await expect(disp.locator('[data-test="dispatch-limits"]')).toContainText('5')
  }, '26-dispatch-dialog')
  await expect(stateTag(disp)).toHaveText('待签收')
  await expect(disp.locator('[data-test="assignments"]')).toContainText('人社局')
  await expect(disp.locator('[data-test="assignments"]')).toContainText('向阳街道')
  await expect(disp.locator('[data-test="hours-left"]')).toContainText(/剩余 [\d.]+ 工时/)
  await shot(disp, '27-dispatched')

  // ---- handler_xy (向阳街道, assisting) signs and answers the lead (even before the lead signs) ----
  const xy = await as(browser, 'handler_xy')
  await tableLoaded(xy, 'queue-table')
  await expect(xy.locator('[data-test="queue-table"] .el-table__row', { hasText: caseNo })).toBeVisible()
  await shot(xy, '28-xy-workbench')
  await openCase(xy)
  await act(xy, 'sign')
  await expect(stateTag(xy)).toHaveText('待签收')
  const xyRow = xy.locator('[data-test="assignments"] .el-table__row', {
    has: xy.locator('[data-test="assignment-unit"]', { hasText: '向阳街道' }),
  })
  await expect(xyRow).toContainText('办理中')
  await act(xy, 'reply', async (d) => {
    await expect(d).toContainText('协办单位')
    await d.locator('[data-test="action-text"]').fill('向阳街道已摸排辖区用工需求，可提供社区招聘点位 2 处。')
  })
  await expect(stateTag(xy)).toHaveText('待签收')
  await expect(xy.locator('[data-test="act-reply"]')).toHaveCount(0)

  // ---- handler_rsj (人社局, lead) opens it from the bell and signs ---------------------------------
  const rsj = await as(browser, 'handler_rsj')
  await expect(rsj.locator('[data-test="bell-count"] .el-badge__content')).toBeVisible()
  await rsj.locator('[data-test="bell"]').click()
  // the assisting unit's answer is in the inbox too; open the dispatch message
  await expect(rsj.locator('[data-test="bell-item"]', { hasText: caseNo }).first()).toContainText('协办单位已答复')
  const bellItem = rsj.locator('[data-test="bell-item"]', { hasText: caseNo }).filter({ hasText: '新派单（主办）' }).first()
  await expect(bellItem).toBeVisible()
  await shot(rsj, '29-rsj-bell', { fullPage: false })
  await bellItem.click()
  await expect(rsj.locator('[data-test="case-no"]')).toHaveText(caseNo)
  await act(rsj, 'sign', undefined, '30-rsj-sign-dialog')
  await expect(stateTag(rsj)).toHaveText('办理中')

  // ---- handler_rsj replies as the lead -------------------------------------------------------------
  await openCase(rsj)
  await act(rsj, 'reply', async (d) => {
    await expect(d).toContainText('向阳街道（协办）')
    await d.locator('[data-test="action-text"]').fill('已发布招聘岗位，定于本月 28 日在向阳社区举办专场招聘会。')
  }, '31-rsj-reply-dialog')
  await expect(stateTag(rsj)).toHaveText('待核查')

  // ---- dispatcher verifies (pass) ---------------------------------------------------------------------
  await openCase(disp)
  await act(disp, 'verify', async (d) => {
    await expect(d).toContainText('已发布招聘岗位')
  }, '32-verify-dialog')
  await expect(stateTag(disp)).toHaveText('待评价')

  // ---- qiye rates 不满意 → 重办 ------------------------------------------------------------------------
  await qiye.goto('/portal/cases')
  await tableLoaded(qiye, 'portal-table')
  const portalRow = qiye.locator('[data-test="portal-table"] .el-table__row', { hasText: caseNo })
  await expect(portalRow).toContainText('待评价')
  await shot(qiye, '33-portal-list')
  await portalRow.getByRole('button', { name: '去评价' }).click()
  await expect(qiye.locator('[data-test="case-no"]')).toHaveText(caseNo)
  await act(qiye, 'rate', async (d) => {
    await d.locator('[data-test="action-level"]').getByText('不满意', { exact: true }).click()
    await expect(d).toContainText('退回主办单位重新办理')
    await d.locator('[data-test="action-comment"]').fill('招聘会时间太晚，希望提前并增加线上渠道')
  }, '34-rate-unsatisfied')
  await expect(stateTag(qiye)).toHaveText('办理中')
  await expect(qiye.locator('[data-test="case-header"]')).toContainText('重办 1 次')

  // ---- handler_rsj replies again -------------------------------------------------------------------------
  await openCase(rsj)
  await act(rsj, 'reply', async (d) => {
    await d.locator('[data-test="action-text"]').fill('招聘会提前至本周五，并同步在“云岭就业”线上平台发布岗位。')
  })
  await expect(stateTag(rsj)).toHaveText('待核查')

  // ---- dispatcher verifies again -------------------------------------------------------------------------
  await openCase(disp)
  await act(disp, 'verify')
  await expect(stateTag(disp)).toHaveText('待评价')

  // ---- qiye rates 满意 → 已办结 ------------------------------------------------------------------------
  await openCase(qiye, true)
  await act(qiye, 'rate', async (d) => {
    await d.locator('[data-test="action-level"]').getByText('满意', { exact: true }).click()
    await d.locator('[data-test="action-comment"]').fill('问题已解决，感谢')
  })
  await expect(stateTag(qiye)).toHaveText('已办结')
  await expect(qiye.locator('[data-test="rating"]')).toHaveText('满意')
  await expect(qiye.locator('[data-test="action-bar"]')).toContainText('当前没有需要您处理的操作')

  const steps = await qiye.locator('[data-test="timeline-item"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))
  expect(steps).toEqual(['file', 'accept', 'dispatch', 'sign', 'reply', 'sign', 'reply', 'verify', 'rate', 'reply', 'verify', 'rate'])
  const timeline = qiye.locator('[data-test="timeline"]')
  for (const text of ['登记', '受理', '派单', '签收', '答复', '核查通过', '评价', '不满意', '转主办单位重办', '主办：人社局', '协办：向阳街道', '已办结']) {
    await expect(timeline).toContainText(text)
  }
  await shot(qiye, '35-closed-portal')
  await qiye.goto('/')
  await expect(qiye.locator('[data-test="queue-table"] .el-table__row', { hasText: caseNo })).toContainText('已办结')
  await shot(qiye, '37-portal-workbench')

  // the dispatcher's view of the closed case
  await openCase(disp)
  await expect(stateTag(disp)).toHaveText('已办结')
  await shot(disp, '36-closed-dispatcher')
})

test('a handler of another street cannot open the case; the dispatcher filters by state', async ({ browser }) => {
  expect(caseId, 'the loop test ran first').not.toBe('')

  const js = await as(browser, 'handler_js')
  await js.goto(`/cases/${caseId}`)
  await expect(js.locator('[data-test="case-not-found"]')).toBeVisible()
  await expect(js.locator('[data-test="case-not-found"]')).toContainText(/不存在|无权/)
  await expect(js.locator('[data-test="case-no"]')).toHaveCount(0)
  await shot(js, '40-js-not-found')
  // nor does it appear in their list
  await js.goto('/cases')
  await tableLoaded(js, 'case-table')
  await expect(js.locator('[data-test="case-table"]')).not.toContainText(caseNo)

  const disp = await as(browser, 'dispatcher')
  await disp.goto('/cases')
  await tableLoaded(disp, 'case-table')
  await expect(disp.locator('[data-test="case-table"] .el-table__row', { hasText: caseNo })).toBeVisible()
  // 已办结 only
  await disp.locator('[data-test="filter-state"]').click()
  await disp.locator('.jb-state-popper .el-select-dropdown__item', { hasText: '已办结' }).click()
  await disp.locator('.list-title').click()
  await expect(disp).toHaveURL(/state=closed/)
  await tableLoaded(disp, 'case-table')
  await expect(disp.locator('[data-test="case-table"] .el-table__row', { hasText: caseNo })).toBeVisible()
  const tags = await disp.locator('[data-test="case-table"] [data-test="state-tag"]').allTextContents()
  expect(tags.length).toBeGreaterThan(0)
  for (const t of tags) expect(t.trim()).toBe('已办结')
  await shot(disp, '41-dispatcher-filter-closed')
  // 待派单 only: the closed case is gone
  await disp.goto('/cases?state=pending_dispatch')
  await tableLoaded(disp, 'case-table')
  await expect(disp.locator('[data-test="case-table"]')).not.toContainText(caseNo)
  for (const t of await disp.locator('[data-test="case-table"] [data-test="state-tag"]').allTextContents()) expect(t.trim()).toBe('待派单')
})

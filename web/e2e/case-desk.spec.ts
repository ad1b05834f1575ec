import { expect, test, type Browser, type Page } from '@playwright/test'
import { login, openMenu, shot, tableLoaded } from './helpers'

// The desk work around the loop: the hotline intake form and its channel rules, bulk 派单 with a
// per-case failure report, bulk 催办, the Excel export, 督办 and its acknowledgement, the inbox,
// the time limits (admin), and the workbenches of the roles without a queue of their own.

test.describe.configure({ mode: 'serial' })

async function as(browser: Browser, username: string): Promise<Page> {
  const ctx = await browser.newContext({ acceptDownloads: true })
  const page = await ctx.newPage()
  await login(page, username)
  return page
}

const formError = (page: Page, label: string) =>
  page.locator('[data-test="case-form"] .el-form-item', { has: page.locator('.el-form-item__label', { hasText: label }) }).locator('.el-form-item__error')

async function pickCategory(page: Page, top: string, leaf: string) {
  await page.locator('[data-test="case-form"] .el-form-item', { hasText: '诉求分类' }).locator('.el-cascader').click()
  await page.locator('.jb-category-popper .el-cascader-node', { hasText: top }).hover()
  await page.locator('.jb-category-popper .el-cascader-node', { hasText: leaf }).click()
}

const filed: string[] = []

test('intake files hotline cases; the channel decides the required fields', async ({ browser }) => {
  const intake = await as(browser, 'intake')
  await openMenu(intake, 'cases-new', /\/cases\/new$/)
  // the intake operator's channels
  const channels = intake.locator('[data-test="channel"] .el-radio-button')
  await expect(channels).toHaveText(['热线', '领导交办', '上级转办', '走访'])
  await expect(intake.locator('[data-test="channel-hotline"]')).toHaveClass(/is-active/)

  for (const [title, urgent] of [
    ['商户占道经营影响通行', false],
    ['燃气管道异味，疑似泄漏', true],
  ] as const) {
    await intake.locator('[data-test="f-title"]').fill(title)
    await intake.locator('[data-test="f-description"]').fill(`来电反映：${title}，请尽快处理。`)
    await pickCategory(intake, urgent ? '安全与环境' : '城市管理与民生', urgent ? '安全生产' : '市容环卫')
    if (urgent) await intake.locator('[data-test="f-urgency"]').getByText('紧急').click()
    if (filed.length === 0) {
      // without the caller the hotline form is refused on the spot, field by field
      await intake.locator('[data-test="file-submit"]').click()
      await expect(formError(intake, '来电人姓名')).toHaveText('热线诉求须登记来电人姓名和电话')
      await expect(formError(intake, '联系电话')).toHaveText('热线诉求须登记来电人姓名和电话')
      await intake.locator('[data-test="f-person-name"]').fill('王先生')
      await intake.locator('[data-test="f-person-phone"]').fill('12345')
      await intake.locator('[data-test="f-person-phone"]').blur()
      await expect(formError(intake, '联系电话')).toContainText('格式不正确')
      await expect(formError(intake, '来电人姓名')).toHaveCount(0)
      await shot(intake, '50-intake-hotline-errors')
      // 走访 does not need the caller: the errors go away with the channel
      await intake.locator('[data-test="channel-visit"]').click()
      await expect(formError(intake, '诉求人姓名')).toHaveCount(0)
      await intake.locator('[data-test="channel-hotline"]').click()
      await intake.locator('[data-test="f-person-phone"]').fill('13905518888')
      await expect(formError(intake, '联系电话')).toHaveCount(0)
    } else {
      await intake.locator('[data-test="f-person-name"]').fill('李女士')
      await intake.locator('[data-test="f-person-phone"]').fill('0551-62345678')
    }
    await intake.locator('[data-test="f-address"]').fill('向阳路 18 号')
    await intake.locator('[data-test="file-submit"]').click()
    await expect(intake.locator('[data-test="filed-case-no"]')).toHaveText(/^JB\d{8}-\d{4,}$/)
    // a hotline call is accepted on filing
    await expect(intake.locator('[data-test="filed-result"]')).toContainText('待派单')
    filed.push((await intake.locator('[data-test="filed-case-no"]').textContent())!.trim())
    if (filed.length === 1) await shot(intake, '51-intake-filed')
    await intake.locator('[data-test="file-another"]').click()
    await expect(intake.locator('[data-test="f-title"]')).toHaveValue('')
  }
  expect(new Set(filed).size).toBe(2)
})

test('dispatcher bulk-dispatches (with a per-case report), bulk-reminds and exports', async ({ browser }) => {
  const disp = await as(browser, 'dispatcher')
  // hotline cases waiting for dispatch, dispatched or in hand only: the demo's 走访 tasks and
  // its handled history would push them off the first page
  await disp.goto('/cases?channel=hotline&state=pending_dispatch,dispatched,handling')
  await tableLoaded(disp, 'case-table')
  const rowOf = (text: string) => disp.locator('[data-test="case-table"] .el-table__row', { hasText: text })
  for (const no of filed) await rowOf(no).locator('.el-checkbox').click()
  // and one already being handled: it must fail, alone
  const handling = disp.locator('[data-test="case-table"] .el-table__row', { has: disp.locator('[data-test="state-tag"]', { hasText: '办理中' }) }).first()
  const handlingNo = (await handling.locator('[data-test="case-no-cell"]').textContent())!.trim()
  await handling.locator('.el-checkbox').click()
  await disp.locator('[data-test="bulk-dispatch"]').click()
  const dlg = disp.locator('.el-dialog[data-test="bulk-dispatch-dialog"]')
  await expect(dlg).toBeVisible()
  await expect(dlg).toContainText('其中 1 件不在“待派单”状态')
  const lead = dlg.locator('.el-select[data-test="dispatch-lead"]')
  await lead.click()
  await lead.locator('input').first().fill('综合执法')
  await disp.locator('.jb-lead-popper .el-tree-node__content', { hasText: '综合执法局' }).first().click()
  await expect(lead).toContainText('综合执法局')
  await dlg.locator('[data-test="action-note"]').fill('请综合执法局现场核查处置')
  await shot(disp, '52-bulk-dispatch-dialog', { fullPage: false })
  await dlg.locator('[data-test="bulk-dispatch-submit"]').click()
  const results = disp.locator('.el-dialog[data-test="bulk-results"]')
  await expect(results).toBeVisible()
  await expect(results).toContainText('成功 2 件，失败 1 件')
  await expect(results.locator('.el-table__row', { hasText: handlingNo })).toContainText('不能执行“派单”')
  for (const no of filed) await expect(results.locator('.el-table__row', { hasText: no })).toContainText('已派单')
  await shot(disp, '53-bulk-dispatch-results', { fullPage: false })
  await results.getByRole('button', { name: '知道了' }).click()
  for (const no of filed) await expect(rowOf(no).locator('[data-test="state-tag"]')).toHaveText('待签收')

  // 批量催办 the two just dispatched
  await disp.reload()
  await tableLoaded(disp, 'case-table')
  for (const no of filed) await rowOf(no).locator('.el-checkbox').click()
  await disp.locator('[data-test="bulk-remind"]').click()
  const box = disp.locator('.el-message-box')
  await expect(box).toContainText('批量催办')
  await box.locator('textarea').fill('请今日内签收')
  await box.getByRole('button', { name: '催办' }).click()
  await expect(disp.locator('.el-message--success')).toContainText('批量催办：2 件全部成功')

  // 导出 Excel with the current filters
  await disp.goto('/cases?channel=hotline')
  await tableLoaded(disp, 'case-table')
  const [download] = await Promise.all([disp.waitForEvent('download'), disp.locator('[data-test="export"]').click()])
  expect(download.suggestedFilename()).toMatch(/^诉求列表-\d{8}\.xlsx$/)
  await shot(disp, '54-dispatcher-hotline-list')
})

test('supervisor issues a 督办; the lead unit reads its inbox and acknowledges', async ({ browser }) => {
  const sup = await as(browser, 'supervisor')
  await shot(sup, '55-supervisor-workbench')
  await sup.goto(`/cases?q=${filed[1]}`)
  await tableLoaded(sup, 'case-table')
  await sup.locator('[data-test="case-table"] [data-test="case-no-cell"]', { hasText: filed[1]! }).click()
  await expect(sup.locator('[data-test="case-no"]')).toHaveText(filed[1]!)
  await sup.locator('[data-test="act-supervise"]').click()
  const d = sup.locator('.el-dialog[data-test="action-dialog"]')
  await d.locator('[data-test="action-sup-level"]').getByText('重点督办').click()
  await d.locator('[data-test="action-note"]').fill('燃气安全隐患，务必今日现场处置并反馈')
  await shot(sup, '56-supervise-dialog', { fullPage: false })
  await d.locator('[data-test="action-submit"]').click()
  await expect(d).toBeHidden()
  await expect(sup.locator('[data-test="supervision-orders"]')).toContainText('重点督办')
  await expect(sup.locator('[data-test="supervision-orders"]')).toContainText('未签收')

  const zf = await as(browser, 'handler_zhzf')
  await zf.goto('/notifications')
  await tableLoaded(zf, 'notification-table')
  const titles = zf.locator('[data-test="notification-table"] [data-test="notification-title"]')
  await expect(titles.filter({ hasText: `重点督办：${filed[1]}` })).toHaveCount(1)
  await expect(titles.filter({ hasText: `催办：${filed[1]}` })).toHaveCount(1)
  await expect(titles.filter({ hasText: `新派单（主办）：${filed[0]}` })).toHaveCount(1)
  await shot(zf, '57-handler-notifications')
  await titles.filter({ hasText: `重点督办：${filed[1]}` }).click()
  await expect(zf.locator('[data-test="case-no"]')).toHaveText(filed[1]!)
  await zf.locator('[data-test="act-acknowledge_supervision"]').click()
  const ad = zf.locator('.el-dialog[data-test="action-dialog"]')
  await expect(ad).toContainText('燃气安全隐患')
  await ad.locator('[data-test="action-submit"]').click()
  await expect(ad).toBeHidden()
  await expect(zf.locator('[data-test="supervision-orders"]')).not.toContainText('未签收')
  await expect(zf.locator('[data-test="act-acknowledge_supervision"]')).toHaveCount(0)
  await expect(zf.locator('[data-test="timeline"]')).toContainText('签收督办')
  await shot(zf, '58-handler-supervised-case')
})

test('admin edits a time limit; the leader watches deadlines; a grid worker reports in their grid', async ({ browser }) => {
  const admin = await as(browser, 'admin')
  await openMenu(admin, 'admin-sla', /\/admin\/sla$/)
  await tableLoaded(admin, 'sla-table')
  const row = admin.locator('[data-test="sla-table"] .el-table__row', { hasText: 'QY02' })
  await expect(row).toContainText('10 个工作日')
  await row.locator('[data-test="sla-edit"]').click()
  const dlg = admin.locator('.el-dialog[data-test="sla-dialog"]')
  await dlg.locator('.el-form-item', { hasText: '办理时限' }).locator('input').fill('12')
  await shot(admin, '59-admin-sla-edit', { fullPage: false })
  await dlg.locator('[data-test="sla-save"]').click()
  await expect(dlg).toBeHidden()
  await expect(row).toContainText('12 个工作日')
  await shot(admin, '60-admin-sla')

  const leader = await as(browser, 'leader')
  await expect(leader.locator('[data-test="queue"]')).toContainText('临近时限的在办案件')
  await expect(leader.locator('[data-test="case-stat-overdue"]')).toBeVisible()
  await shot(leader, '61-leader-workbench')

  const grid = await as(browser, 'grid_xy01')
  await openMenu(grid, 'cases-new', /\/cases\/new$/)
  await expect(grid.locator('[data-test="channel"] .el-radio-button')).toHaveText(['网格上报', '巡查发现'])
  await expect(grid.locator('[data-test="f-grid-own"]')).toContainText('网格')
  await grid.locator('[data-test="f-title"]').fill('人行道井盖缺失')
  await grid.locator('[data-test="f-description"]').fill('向阳路与朝阳街交叉口东侧人行道井盖缺失，已临时摆放警示桩。')
  await pickCategory(grid, '城市管理与民生', '市政设施')
  await grid.locator('[data-test="file-submit"]').click()
  await expect(formError(grid, '具体位置')).toHaveText('网格上报须填写位置')
  await shot(grid, '62-grid-report-errors')
  await grid.locator('[data-test="f-address"]').fill('向阳路与朝阳街交叉口东侧')
  await grid.locator('[data-test="file-submit"]').click()
  await expect(grid.locator('[data-test="filed-result"]')).toContainText('待受理')
})

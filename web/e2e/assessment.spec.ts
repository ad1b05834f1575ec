import { expect, test, type Browser, type Page } from '@playwright/test'
import { login, openMenu, shot, tableLoaded } from './helpers'

// 考核排名, 督办函件 and 考核设置 against the demo zone, whose weekly snapshots are taken and whose
// letters are issued at start. The leader reads the ranking and drills into a number; the
// supervisor takes a snapshot, corrects it and issues letters; the head of the addressed unit
// acknowledges a letter and answers it.

test.describe.configure({ mode: 'serial' })

interface SnapshotJson {
  id: string
  kind: string
  trigger: string
  corrects: string | null
  corrected_by: string | null
  correction_reason: string | null
}
interface LetterJson {
  id: string
  doc_no: string
  unit_name: string
  status: string
  tier: string
}

async function as(browser: Browser, username: string): Promise<Page> {
  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  await login(page, username)
  return page
}

/** the ranking table, once a snapshot is shown */
async function rankingShown(page: Page) {
  await tableLoaded(page, 'ranking-table')
  await expect(page.locator('[data-test="ranking-table"] .el-table__row').first()).toBeVisible({ timeout: 20_000 })
}

/** The input inside (or being) an element marked with data-test. */
const inputOf = (page: Page, test: string) => page.locator(`[data-test="${test}"]`).locator('xpath=descendant-or-self::input').first()

/** the demo's accounts of the units letters go to (heads first, then handlers) */
const UNIT_ACCOUNTS: [string, string][] = [
  ['向阳街道', 'head_xy'],
  ['经济发展部', 'head_jjfz'],
  ['金山街道', 'handler_js'],
  ['临港街道', 'handler_lg'],
  ['泉湖镇', 'handler_qh'],
  ['综合执法局', 'handler_zhzf'],
  ['应急管理局', 'handler_yjgl'],
  ['人社局', 'handler_rsj'],
]

/** the letter a user of the addressed unit answers: one to 向阳街道 (head_xy) if the demo has it */
let target: { letter: LetterJson; head: string } | null = null

test('leader: 考核排名 from the menu, the ranking of a group, and the cases behind a number', async ({ browser }) => {
  const page = await as(browser, 'leader')
  const menu = page.locator('[data-test="side-menu"]')
  await expect(menu.locator('[data-test="menu-assessment"]')).toContainText('考核督办')
  await expect(menu.locator('[data-test="menu-dashboard"]')).toContainText('指挥大屏')
  await expect(menu.locator('[data-test="menu-letters"]')).toContainText('督办函件')
  // reading is not setting
  await expect(menu.locator('[data-test="menu-assessment-settings"]')).toHaveCount(0)

  await openMenu(page, 'ranking', /\/assessment\/ranking/)
  await rankingShown(page)

  // the weekly snapshot: its period, when it was read, how it was taken
  await expect(page.locator('[data-test="snapshot-label"]')).toHaveText(/\d{4}年\d{1,2}月\d{1,2}日/)
  await expect(page.locator('[data-test="snapshot-as-of"]')).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/)
  await expect(page.locator('[data-test="snapshot-trigger"]')).toHaveText(/定时|手动|更正/)
  // read only: no buttons that change anything, but the report
  await expect(page.locator('[data-test="ranking-take"]')).toHaveCount(0)
  await expect(page.locator('[data-test="ranking-issue"]')).toHaveCount(0)
  await expect(page.locator('[data-test="ranking-report"]')).toContainText('下载周报')

  // groups 部门 / 街道 / 社区, the rows ranked 1, 2, … then the units without data
  const groups = page.locator('[data-test="ranking-groups"]')
  await expect(groups).toContainText('部门')
  await expect(groups).toContainText('街道')
  await page.locator('[data-test="ranking-group-street"]').click()
  await rankingShown(page)
  const ranks = (await page.locator('[data-test="ranking-table"] [data-test="ranking-rank"]').allTextContents()).map((t) => t.trim())
  const ranked = ranks.filter((r) => r !== '—').map(Number)
  expect(ranked.length).toBeGreaterThan(0)
  expect(ranked).toEqual(ranked.map((_, i) => i + 1))
  await expect(page.locator('[data-test="ranking-table"] [data-test="ranking-score"]').first()).toHaveText(/^\d{1,3}\.\d{2}$/)
  // every rate is a percentage or “—”
  for (const t of await page.locator('[data-test="ranking-table"] [data-test="metric-signed_on_time"] .v').allTextContents()) {
    expect(t.trim()).toMatch(/^(\d{1,3}(\.\d)?%|—)$/)
  }
  await expect(page.locator('[data-test="score-chart"] canvas').first()).toBeVisible()
  await shot(page, '97-ranking')

  // a number → the drawer with the cases behind it
  const cell = page.locator('[data-test="ranking-table"] button.num:not(.empty)[data-test="metric-received"]').first()
  await expect(cell).toBeVisible()
  const unit = (await cell.locator('xpath=ancestor::tr').locator('[data-test="ranking-unit"]').textContent())!.trim()
  const received = Number((await cell.locator('.v').textContent())!.trim())
  await cell.click()
  const drawer = page.locator('[data-test="drill-drawer"]')
  await expect(drawer).toBeVisible()
  await expect(drawer.locator('[data-test="drill-title"]')).toHaveText(`${unit} · 收件数`)
  await expect(drawer.locator('.el-loading-mask')).toHaveCount(0, { timeout: 15_000 })
  const lines = drawer.locator('[data-test="drill-table"] .el-table__body-wrapper .el-table__row')
  // the list is the computation: as many lines as the number
  await expect(lines).toHaveCount(received)
  await expect(drawer.locator('[data-test="drill-case-link"]').first()).toHaveAttribute('href', /^\/cases\/[0-9a-f-]{36}$/)
  await expect(drawer.locator('[data-test="drill-exempted"]')).toBeVisible()
  await expect(drawer.locator('[data-test="drill-merged"]')).toBeVisible()
  // the leader does not exempt
  await expect(drawer.locator('[data-test="drill-exempt"]')).toHaveCount(0)
  await shot(page, '98-ranking-drilldown', { fullPage: false })

  // a rate: the denominator with the hits marked, then the numerator only
  await drawer.locator('.el-drawer__close-btn').click()
  await expect(drawer).toBeHidden()
  const rate = page.locator('[data-test="ranking-table"] button.num:not(.empty)[data-test="metric-signed_on_time"]').first()
  const [num, den] = (await rate.locator('.sub').textContent())!.split('/').map((x) => Number(x.trim()))
  await rate.click()
  await expect(drawer.locator('[data-test="drill-title"]')).toContainText('签收及时率')
  await expect(drawer.locator('.el-loading-mask')).toHaveCount(0, { timeout: 15_000 })
  await expect(lines).toHaveCount(den!)
  await expect(drawer.locator('[data-test="drill-summary"]')).toContainText(`其中计入分子 ${num} 件`)
  await drawer.locator('[data-test="drill-part"]').getByText('达标（分子）').click()
  await expect(drawer.locator('.el-loading-mask')).toHaveCount(0, { timeout: 15_000 })
  await expect(lines).toHaveCount(num!)
  await page.context().close()
})

test('supervisor: 立即计算, 更正 with a reason — both listed, the original marked 已更正 — and 生成函件', async ({ browser }) => {
  const page = await as(browser, 'supervisor')
  await openMenu(page, 'ranking', /\/assessment\/ranking/)
  await rankingShown(page)

  // 立即计算: last week, by hand
  await page.locator('[data-test="ranking-take"]').click()
  const take = page.locator('[data-test="take-dialog"]')
  await expect(take).toBeVisible()
  await expect(take).toContainText('上一周')
  await take.locator('[data-test="take-submit"]').click()
  await expect(take).toBeHidden({ timeout: 30_000 })
  await expect(page.locator('[data-test="snapshot-trigger"]')).toHaveText('手动')
  await rankingShown(page)
  const manualId = new URL(page.url()).searchParams.get('snapshot')
  expect(manualId).toBeTruthy()

  // 更正: a reason is required
  await page.locator('[data-test="ranking-correct"]').click()
  const correct = page.locator('[data-test="correct-dialog"]')
  await expect(correct).toBeVisible()
  await correct.locator('[data-test="correct-submit"]').click()
  await expect(correct).toContainText('请填写更正原因')
  const reason = '两件案件经督查裁定免于考核，重新计算本期排名'
  await correct.locator('[data-test="correct-reason"]').locator('xpath=descendant-or-self::textarea').fill(reason)
  await correct.locator('[data-test="correct-submit"]').click()
  await expect(correct).toBeHidden({ timeout: 30_000 })
  await expect(page.locator('[data-test="snapshot-trigger"]')).toHaveText('更正')
  await expect(page.locator('[data-test="snapshot-correction-reason"]')).toContainText(reason)
  await rankingShown(page)
  const correctionId = new URL(page.url()).searchParams.get('snapshot')
  expect(correctionId).toBeTruthy()
  expect(correctionId).not.toBe(manualId)

  // the list holds both: the correction marked 更正, the original 已更正
  await page.locator('[data-test="snapshot-select"]').click()
  const options = page.locator('.snapshot-popper:visible .el-select-dropdown__item')
  await expect(options.first()).toBeVisible()
  await expect(options.filter({ has: page.locator('[data-test="snapshot-mark"]', { hasText: /^已更正$/ }) })).not.toHaveCount(0)
  await expect(options.filter({ has: page.locator('[data-test="snapshot-mark"]', { hasText: /^更正$/ }) })).not.toHaveCount(0)
  await page.keyboard.press('Escape')
  const res = await page.request.get('/api/v1/assessment/snapshots', { params: { kind: 'week', limit: 50 } })
  expect(res.ok()).toBe(true)
  const list = (await res.json()) as SnapshotJson[]
  const original = list.find((s) => s.id === manualId)!
  const correction = list.find((s) => s.id === correctionId)!
  expect(original.corrected_by).toBe(correctionId)
  expect(correction.corrects).toBe(manualId)
  expect(correction.trigger).toBe('correction')
  expect(correction.correction_reason).toBe(reason)
  // the original cannot be corrected twice: shown, its 更正 button off
  await page.goto(`/assessment/ranking?snapshot=${manualId}`)
  await rankingShown(page)
  await expect(page.locator('[data-test="snapshot-corrected"]')).toBeVisible()
  await expect(page.locator('[data-test="ranking-correct"]')).toBeDisabled()

  // 生成函件 on the correction (once)
  await page.goto(`/assessment/ranking?snapshot=${correctionId}`)
  await rankingShown(page)
  await page.locator('[data-test="ranking-issue"]').click()
  await page.locator('.el-message-box').getByRole('button', { name: '生成并送达' }).click()
  await expect(page.locator('[data-test="issued-result"]')).toBeVisible({ timeout: 30_000 })
  await expect(page.locator('[data-test="issued-result"]')).toContainText(/已生成 \d+ 份函件|未生成函件/)
  await page.context().close()
})

test('supervisor: 督办函件 lists the letters; a letter reads like a document', async ({ browser }) => {
  const page = await as(browser, 'supervisor')
  await openMenu(page, 'letters', /\/letters$/)
  await tableLoaded(page, 'letters-table')
  const rows = page.locator('[data-test="letters-table"] .el-table__body-wrapper .el-table__row')
  await expect(rows.first()).toBeVisible({ timeout: 20_000 })
  await expect(rows.first().locator('[data-test="tier-tag"]')).toHaveText(/提醒函|预警函|督办函/)
  await expect(rows.first().locator('[data-test="letter-doc-no"]')).toHaveText(/〔\d{4}〕\d+号$/)
  await shot(page, '99-letters')

  // the letter the unit's head will answer
  const res = await page.request.get('/api/v1/letters')
  expect(res.ok()).toBe(true)
  const letters = (await res.json()) as LetterJson[]
  const open = letters.filter((l) => l.status !== 'answered')
  // 向阳街道 first (its head), else any unit the demo has an account of
  const pick = UNIT_ACCOUNTS.map(([unit, user]) => ({ letter: open.find((l) => l.unit_name === unit), head: user })).find((x) => x.letter)
  target = pick?.letter ? { letter: pick.letter, head: pick.head } : null
  expect(target, `no open letter to a unit with a demo account among ${letters.map((l) => l.unit_name).join('、')}`).not.toBeNull()

  // filter by tier: only that tier is left
  await page.locator('[data-test="letters-tier"]').click()
  const tierName = { reminder: '提醒函', warning: '预警函', supervision: '督办函' }[target!.letter.tier] ?? '提醒函'
  await page.locator('.el-select__popper:visible .el-select-dropdown__item', { hasText: tierName }).first().click()
  await tableLoaded(page, 'letters-table')
  await expect(rows.first()).toBeVisible()
  for (const t of await rows.locator('[data-test="tier-tag"]').allTextContents()) expect(t.trim()).toBe(tierName)

  await rows.filter({ hasText: target!.letter.doc_no }).first().click()
  await expect(page).toHaveURL(new RegExp(`/letters/${target!.letter.id}$`))
  const doc = page.locator('[data-test="letter-document"]')
  await expect(doc).toBeVisible()
  await expect(doc.locator('[data-test="letter-doc-no"]')).toHaveText(target!.letter.doc_no)
  await expect(doc.locator('[data-test="letter-title"]')).not.toBeEmpty()
  await expect(doc.locator('[data-test="letter-para"]').first()).not.toBeEmpty()
  await expect(page.locator('[data-test="letter-facts"]')).toContainText(target!.letter.unit_name)
  // the supervisor does not answer for the unit
  await expect(page.locator('[data-test="letter-acknowledge"]')).toHaveCount(0)
  await expect(page.locator('[data-test="letter-answer"]')).toHaveCount(0)
  // the PDF and the Word file are served
  const pdf = await page.request.get(`/api/v1/letters/${target!.letter.id}/pdf`)
  expect(pdf.ok()).toBe(true)
  expect(pdf.headers()['content-type']).toContain('application/pdf')
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-')
  const download = page.waitForEvent('download')
  await page.locator('[data-test="letter-docx"]').click()
  expect((await download).suggestedFilename()).toMatch(/\.docx$/)
  await page.evaluate(() => window.scrollTo(0, 0))
  await shot(page, '99-letter')
  await page.context().close()
})

test('a user of the addressed unit: 签收, then 答复整改措施 → 已答复', async ({ browser }) => {
  expect(target).not.toBeNull()
  const { letter, head } = target!
  const page = await as(browser, head)
  await openMenu(page, 'letters', /\/letters$/)
  await tableLoaded(page, 'letters-table')
  await expect(page.locator('[data-test="letters-mine"]')).toBeVisible({ timeout: 20_000 })
  const row = page.locator('[data-test="letters-table"] .el-table__body-wrapper .el-table__row').filter({ hasText: letter.doc_no }).first()
  await expect(row).toBeVisible()
  await row.locator('[data-test="letter-open"]').click()
  await expect(page).toHaveURL(new RegExp(`/letters/${letter.id}$`))
  await expect(page.locator('[data-test="letter-todo"]')).toBeVisible()

  if (letter.status === 'sent') {
    await page.locator('[data-test="letter-acknowledge"]').click()
    await expect(page.locator('[data-test="letter-status"]').first()).toHaveText('已签收')
    await expect(page.locator('[data-test="letter-acknowledged"]')).toBeVisible()
    await expect(page.locator('[data-test="letter-acknowledge"]')).toHaveCount(0)
  }

  await page.locator('[data-test="letter-answer"]').click()
  const dialog = page.locator('[data-test="answer-dialog"]')
  await expect(dialog).toBeVisible()
  const text = dialog.locator('[data-test="answer-measures"]').locator('xpath=descendant-or-self::textarea')
  await text.fill('太短')
  await dialog.locator('[data-test="answer-submit"]').click()
  await expect(dialog).toContainText('整改措施至少 10 个字')
  const measures =
    '一、原因分析：部分诉求签收不及时，个别案件办理超期。二、整改措施：落实每日两次签收巡查，超期案件由分管领导督办。三、责任人及时限：综合办主任负责，两周内完成。'
  await text.fill(measures)
  await dialog.locator('[data-test="answer-submit"]').click()
  await expect(dialog).toBeHidden({ timeout: 15_000 })
  await expect(page.locator('[data-test="letter-status"]').first()).toHaveText('已答复')
  await expect(page.locator('[data-test="letter-answer-text"]')).toHaveText(measures)
  await expect(page.locator('[data-test="letter-answer"]')).toHaveCount(0)
  await expect(page.locator('[data-test="letter-todo"]')).toHaveCount(0)
  await page.evaluate(() => window.scrollTo(0, 0))
  await shot(page, '99-letter-answered')

  // and so in the list
  await page.goto(`/letters?status=answered`)
  await tableLoaded(page, 'letters-table')
  await expect(
    page.locator('[data-test="letters-table"] .el-table__row').filter({ hasText: letter.doc_no }).locator('[data-test="letter-status"]'),
  ).toHaveText('已答复')
  await page.context().close()
})

test('a handler sees the 督办函件 only; 指挥大屏 and 考核排名 are not for them', async ({ browser }) => {
  // a handler of a unit the letter is not addressed to
  const page = await as(browser, target?.head === 'handler_js' ? 'handler_lg' : 'handler_js')
  const menu = page.locator('[data-test="side-menu"]')
  await expect(menu.locator('[data-test="menu-letters"]')).toBeVisible()
  await expect(menu.locator('[data-test="menu-ranking"]')).toHaveCount(0)
  await expect(menu.locator('[data-test="menu-dashboard"]')).toHaveCount(0)
  // a full-screen page outside the layout: the guard sends the user to the 403 page
  await page.goto('/dashboard')
  await expect(page).toHaveURL(/\/403$/)
  await expect(page.locator('[data-test="forbidden"]')).toBeVisible()
  await page.goto('/assessment/ranking')
  await expect(page.locator('[data-test="forbidden"]')).toBeVisible()
  await expect(page.locator('[data-test="ranking-table"]')).toHaveCount(0)
  // another unit's letter: no 签收 / 答复
  if (target) {
    await page.goto(`/letters/${target.letter.id}`)
    await expect(page.locator('[data-test="letter-acknowledge"]')).toHaveCount(0)
    await expect(page.locator('[data-test="letter-answer"]')).toHaveCount(0)
  }
  await page.context().close()
})

test('supervisor: 考核设置 shows problems on their field and saves', async ({ browser }) => {
  const page = await as(browser, 'supervisor')
  await openMenu(page, 'assessment-settings', /\/assessment\/settings/)
  const prefix = inputOf(page, 'settings-doc-prefix')
  await expect(prefix).toHaveValue(/.+/)
  const before = await prefix.inputValue()
  await expect(page.locator('[data-test="weight-total"]')).toHaveText(/^\d+(\.\d+)?$/)

  // a prefix ending in a digit: the server's 422 is shown under its field
  await prefix.fill('经开督9')
  await page.locator('[data-test="settings-save"]').click()
  const item = page.locator('.el-form-item', { has: page.locator('[data-test="settings-doc-prefix"]') })
  await expect(item.locator('.el-form-item__error')).toHaveText(/代字|前缀/)
  await prefix.fill(before)
  await expect(item.locator('.el-form-item__error')).toHaveCount(0)

  // a change is saved and read back
  const days = inputOf(page, 'answer-days')
  const old = await days.inputValue()
  const next = old === '6' ? '7' : '6'
  await days.fill(next)
  await days.blur()
  await expect(page.locator('[data-test="settings-dirty"]')).toBeVisible()
  await page.locator('[data-test="settings-save"]').click()
  await expect(page.locator('.el-message--success')).toBeVisible()
  await page.reload()
  await expect(inputOf(page, 'answer-days')).toHaveValue(next)
  await shot(page, '100-assessment-settings')
  // put it back
  await inputOf(page, 'answer-days').fill(old)
  await inputOf(page, 'answer-days').blur()
  await page.locator('[data-test="settings-save"]').click()
  await expect(page.locator('.el-message--success').first()).toBeVisible()
  await page.context().close()
})

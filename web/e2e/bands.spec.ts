import { expect, test, type Browser, type Page } from '@playwright/test'
import { login, shot, tableLoaded } from './helpers'

// 五色图, 预警处置 and 运行指标 against the demo zone: its 5,000 enterprises are banded, some of them
// have open warnings, and its indicators include computed ones. The pages are opened by URL.

test.describe.configure({ mode: 'serial' })

async function as(browser: Browser, username: string): Promise<Page> {
  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  await login(page, username)
  return page
}

test('leader: 五色图 — the band cards add up to the registry, the map and the charts are drawn', async ({ browser }) => {
  const page = await as(browser, 'leader')

  // the registry's total, with the leader's session
  const res = await page.request.get('/api/v1/enterprises', { params: { page_size: 1 } })
  expect(res.ok()).toBe(true)
  const total = ((await res.json()) as { total: number }).total
  expect(total).toBeGreaterThan(0)

  await page.goto('/bands')

  // five bands and 未评, once the summary is in
  const cards = page.locator('[data-test="band-cards"] [data-test="band-card"]')
  await expect(cards).toHaveCount(6, { timeout: 30_000 })
  await expect(cards.last()).toHaveAttribute('data-code', 'none')
  await expect(cards.last().locator('[data-test="band-name"]')).toHaveText('未评')
  const counts = cards.locator('[data-test="band-count"]')
  await expect(counts).toHaveText(Array.from({ length: 6 }, () => /^\d+$/))
  const values = (await counts.allTextContents()).map((t) => Number(t.trim()))
  expect(values.every((n) => Number.isInteger(n) && n >= 0)).toBe(true)
  expect(values.reduce((a, b) => a + b, 0)).toBe(total)
  // every card shows its share
  await expect(cards.locator('[data-test="band-share"]')).toHaveText(Array.from({ length: 6 }, () => /^\d+(\.\d)?%$/))

  // the map: the zone drawn on a canvas, the points loaded
  const map = page.locator('[data-test="band-map"]')
  await expect(map.locator('canvas').first()).toBeVisible({ timeout: 30_000 })
  await expect(map.locator('.el-loading-mask')).toHaveCount(0, { timeout: 30_000 })
  await expect(page.locator('[data-test="map-count"]')).toHaveText(/图上 [\d,]+ 家/)
  await expect(page.locator('[data-test="map-count"]')).not.toHaveText(/图上 0 家/)

  // 各街道分布 and the trend
  await expect(page.locator('[data-test="band-street-table"] .el-table__row').first()).toBeVisible()
  await expect(page.locator('[data-test="band-trend"]')).toBeVisible()
  await expect(page.locator('[data-test="band-trend"]').locator('canvas, .el-empty').first()).toBeVisible()

  // the enterprises of the worst band
  await tableLoaded(page, 'band-enterprise-table')

  await page.evaluate(() => window.scrollTo(0, 0))
  await shot(page, '83-band-map')
})

test('leader: 预警处置 lists the open warnings with their visit tasks', async ({ browser }) => {
  const page = await as(browser, 'leader')
  await page.goto('/warnings')
  await tableLoaded(page, 'warnings-table')
  const rows = page.locator('[data-test="warnings-table"] .el-table__row')
  await expect(rows.first()).toBeVisible({ timeout: 20_000 })
  expect(await rows.count()).toBeGreaterThan(0)
  const first = rows.first()
  await expect(first.locator('[data-test="warning-enterprise"]')).not.toBeEmpty()
  await expect(first.locator('[data-test="warning-kind-tag"]')).toHaveText(/连降两级|落入红色|未按期报送/)
  // the default filter is 未处置
  await expect(first).toContainText('未处置')
  await shot(page, '84-warnings')
})

test('admin: a formula naming an unknown indicator is refused under the formula field', async ({ browser }) => {
  const page = await as(browser, 'admin')
  await page.goto('/admin/indicators')
  await tableLoaded(page, 'indicator-table')
  const row = page
    .locator('[data-test="indicator-table"] .el-table__row')
    .filter({ has: page.locator('[data-test="indicator-kind-computed"]') })
    .first()
  await expect(row).toBeVisible({ timeout: 20_000 })
  await row.locator('[data-test="indicator-edit"]').click()

  const dlg = page.locator('.el-dialog[data-test="indicator-dialog"]')
  await expect(dlg).toBeVisible()
  await expect(dlg).toContainText('编辑指标')
  const formula = dlg.locator('textarea[data-test="indicator-formula"]')
  await expect(formula).toBeVisible()
  await expect(formula).not.toHaveValue('')
  await formula.fill('在岗人数 ÷ 不存在的指标')
  await dlg.locator('[data-test="indicator-save"]').click()

  // the server's 422 formula_invalid, under the field (and the dialog stays open)
  const error = dlg.locator('.el-form-item:has(textarea[data-test="indicator-formula"]) .el-form-item__error')
  await expect(error).toContainText('不存在的指标')
  await expect(dlg).toBeVisible()
  await shot(page, '85-indicator-formula-error', { fullPage: false })

  await dlg.locator('[data-test="indicator-cancel"]').click()
  await expect(dlg).toBeHidden()
})

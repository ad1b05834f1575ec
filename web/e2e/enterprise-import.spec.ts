import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test, type Page } from '@playwright/test'
import { login, openMenu, shot, tableLoaded } from './helpers'

// 批量导入 of the enterprise registry against the real server and its demo zone. The files are
// written by the real CLI: `jiban demo-file enterprises` lists the demo zone's 5,000 enterprises as
// a census-style xlsx (统一社会信用代码, 单位详细名称, 从业人员期末人数 …) with every employee count
// one more than the registry's; `--bad` also corrupts a few rows and prints `bad rows: N`.
// 1. The bad file: its errors are listed by row and column, nothing can be confirmed, nothing is written.
// 2. 重新选择文件 with the good file: 5,000 updates and no insert; after the job the registry has the
//    same number of enterprises and the new counts, and the enterprise's timeline shows the change.

test.describe.configure({ mode: 'serial' })

const here = path.dirname(fileURLToPath(import.meta.url))
const bin = process.env.JIBAN_BIN || path.resolve(here, '../../target/debug/jiban')
const tmp = process.env.JIBAN_E2E_TMP || fs.mkdtempSync(path.join(os.tmpdir(), 'jiban-e2e-'))
const badPath = path.join(tmp, '企业名录-有错误.xlsx')
const goodPath = path.join(tmp, '企业名录.xlsx')

/** the demo zone's enterprises, all of them in the file */
const DEMO_ENTERPRISES = 5000

let page: Page
let badRows = 0
/** the registry's total before any import */
let totalBefore = 0
/** an enterprise of the registry and its employee count before any import */
let sample: { id: string; name: string; employees: number }

async function registryTotal(p: Page): Promise<number> {
  const r = await p.request.get('/api/v1/enterprises?page_size=1')
  expect(r.ok()).toBe(true)
  return ((await r.json()) as { total: number }).total
}

async function employeesOf(p: Page, id: string): Promise<number | null> {
  const r = await p.request.get(`/api/v1/enterprises/${id}`)
  expect(r.ok()).toBe(true)
  return ((await r.json()) as { employees: number | null }).employees
}

/** Sets the file on the upload, goes to 列映射 and checks the suggested mapping covers the required fields. */
async function uploadAndMap(p: Page, file: string): Promise<void> {
  await expect(p.locator('[data-test="import-step-file"]')).toBeVisible()
  await p.locator('[data-test="import-kind-enterprises"]').click()
  await expect(p.locator('[data-test="import-kind-enterprises"]')).toHaveClass(/is-active/)
  await p.locator('[data-test="import-upload"] input[type="file"]').setInputFiles(file)
  await expect(p.locator('[data-test="import-upload"] .el-upload-list__item')).toContainText(path.basename(file))
  await p.locator('[data-test="import-next"]').click()

  const mapping = p.locator('[data-test="import-mapping"]')
  await expect(mapping).toBeVisible({ timeout: 60_000 })
  // every required field has a column of the file, by header name or synonym
  await expect(p.locator('[data-test="import-mapping-ok"]')).toBeVisible()
  await expect(p.locator('[data-test="import-mapping-missing"]')).toHaveCount(0)
  const required = mapping.locator('[data-test="mapping-field"][data-required="true"]')
  expect(await required.count()).toBeGreaterThanOrEqual(2)
  for (const key of await required.evaluateAll((els) => els.map((e) => e.getAttribute('data-key') ?? ''))) {
    // a chosen header shows as the select's label (the placeholder is transparent while empty)
    await expect(mapping.locator(`.el-select[data-test="mapping-${key}"] .el-select__placeholder:not(.is-transparent)`)).toHaveCount(1)
  }
  await expect(mapping.locator('.el-select[data-test="mapping-uscc"]')).toContainText('统一社会信用代码')
  await expect(mapping.locator('.el-select[data-test="mapping-name"]')).toContainText('单位详细名称')
  await expect(mapping.locator('.el-select[data-test="mapping-employees"]')).toContainText('从业人员期末人数')
  // the first rows of the file under the mapping
  await expect(p.locator('[data-test="import-sample"] .el-table__body tr').first()).toBeVisible()

  await p.locator('[data-test="import-next"]').click()
  await expect(p.locator('[data-test="import-preview-counts"]')).toBeVisible({ timeout: 60_000 })
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000)
  // the two files, written by the real CLI
  const out = execFileSync(bin, ['demo-file', 'enterprises', '--out', badPath, '--bad'], { encoding: 'utf8' })
  const m = /bad rows:\s*(\d+)/.exec(out)
  expect(m, `"bad rows: N" in the output of demo-file --bad: ${out}`).not.toBeNull()
  badRows = Number(m![1])
  expect(badRows).toBeGreaterThan(0)
  execFileSync(bin, ['demo-file', 'enterprises', '--out', goodPath], { encoding: 'utf8' })
  expect(fs.statSync(badPath).size).toBeGreaterThan(0)
  expect(fs.statSync(goodPath).size).toBeGreaterThan(0)

  const ctx = await browser.newContext()
  page = await ctx.newPage()
  await login(page, 'admin')
})

test.afterAll(async () => {
  await page?.context().close()
})

test('a file with bad rows lists its errors by row and column and writes nothing', async () => {
  test.setTimeout(180_000)
  totalBefore = await registryTotal(page)
  expect(totalBefore).toBeGreaterThanOrEqual(DEMO_ENTERPRISES)
  // an enterprise with a small staff (its count shows without a thousands separator)
  const r = await page.request.get('/api/v1/enterprises?page_size=100')
  expect(r.ok()).toBe(true)
  const items = ((await r.json()) as { items: { id: string; name: string; employees: number | null }[] }).items
  const found = items.find((e) => e.employees != null && e.employees > 0 && e.employees < 998)
  expect(found, 'an enterprise with 1–997 employees on the first page').toBeTruthy()
  sample = { id: found!.id, name: found!.name, employees: found!.employees! }

  await openMenu(page, 'enterprises', /\/enterprises$/)
  await tableLoaded(page, 'enterprise-table')
  await page.locator('[data-test="enterprise-import"]').click()
  await expect(page).toHaveURL(/\/enterprises\/import$/)
  await expect(page.locator('[data-test="breadcrumb"]')).toContainText('批量导入')

  await uploadAndMap(page, badPath)

  // the errors: an alert, counts, and the table of 行 / 列 / 问题
  const alert = page.locator('[data-test="import-error-alert"]')
  await expect(alert).toBeVisible()
  await expect(alert).toContainText(/文件中有 \d+ 处错误，修正后重新上传；未写入任何数据/)
  const errorCount = Number((await page.locator('[data-test="count-errors"]').textContent())?.trim())
  expect(errorCount).toBeGreaterThanOrEqual(badRows)
  const errorRows = Number((await page.locator('[data-test="import-error-rows"]').textContent())?.trim())
  expect(errorRows).toBeGreaterThanOrEqual(badRows)

  const table = page.locator('[data-test="import-errors"]')
  await expect(table).toBeVisible()
  const head = table.locator('.el-table__header')
  await expect(head).toContainText('行')
  await expect(head).toContainText('列')
  await expect(head).toContainText('问题')
  const rows = table.locator('.el-table__body tr')
  expect(await rows.count()).toBeGreaterThanOrEqual(Math.min(badRows, 20))
  for (const row of (await rows.all()).slice(0, badRows)) {
    // a data row of the spreadsheet (the header is row 1), a column, a Chinese message
    expect(Number((await row.locator('[data-test="error-row"]').textContent())?.trim())).toBeGreaterThan(1)
    await expect(row.locator('[data-test="error-column"]')).not.toBeEmpty()
    await expect(row.locator('[data-test="error-message"]')).toHaveText(/[\u4e00-\u9fa5]/)
  }
  // the bad credit codes (wrong check character, repeated) are among the columns in error
  await expect(page.locator('[data-test="import-error-summary"]')).toContainText('统一社会信用代码')

  await expect(page.locator('[data-test="import-confirm"]')).toBeDisabled()
  await expect(page.locator('[data-test="import-restart"]')).toBeEnabled()
  await shot(page, '80-import-errors')

  // nothing was written
  expect(await registryTotal(page)).toBe(totalBefore)
  expect(await employeesOf(page, sample.id)).toBe(sample.employees)
})

test('the corrected file updates every enterprise once and duplicates none', async () => {
  test.setTimeout(180_000)
  expect(sample, 'the first test ran').toBeTruthy()

  await page.locator('[data-test="import-restart"]').click()
  await uploadAndMap(page, goodPath)

  await expect(page.locator('[data-test="count-errors"]')).toHaveText('0')
  await expect(page.locator('[data-test="count-update"]')).toHaveText(String(DEMO_ENTERPRISES))
  await expect(page.locator('[data-test="count-insert"]')).toHaveText('0')
  await expect(page.locator('[data-test="import-error-alert"]')).toHaveCount(0)
  await expect(page.locator('[data-test="import-ok-alert"]')).toBeVisible()

  const confirm = page.locator('[data-test="import-confirm"]')
  await expect(confirm).toBeEnabled()
  await confirm.click()
  // the progress bar shows while the job runs (it may finish before it can be seen)
  await expect(page.locator('[data-test="import-progress"], [data-test="import-done"]').first()).toBeVisible({ timeout: 30_000 })
  await expect(page.locator('[data-test="import-done"]')).toBeVisible({ timeout: 120_000 })
  await expect(page.locator('[data-test="import-result"]')).toHaveText(`新增 0 家、更新 ${DEMO_ENTERPRISES} 家`)
  // the job is listed among the recent imports
  await expect(page.locator('[data-test="import-recent"] .el-table__body tr', { hasText: path.basename(goodPath) }).first()).toContainText('已完成')
  await shot(page, '81-import-done')

  // the same enterprises, with the new counts
  expect(await registryTotal(page)).toBe(totalBefore)
  expect(await employeesOf(page, sample.id)).toBe(sample.employees + 1)

  // the enterprise's page: the change is on its timeline
  await page.goto(`/enterprises/${sample.id}`)
  await expect(page.locator('[data-test="enterprise-title"]')).toHaveText(sample.name)
  await expect(page.locator('[data-test="enterprise-employees"]')).toHaveText(`${sample.employees + 1} 人`)
  const change = page.locator('[data-test="enterprise-timeline"] [data-test="timeline-item"][data-kind="changed"]').first()
  await expect(change).toBeVisible()
  await expect(change).toContainText('从业人员')
  await expect(change).toContainText(new RegExp(`${sample.employees}\\s*→\\s*${sample.employees + 1}`))
  await shot(page, '82-enterprise-detail')

  // its operating indicators: one line chart per indicator
  await page.locator('.el-tabs__item', { hasText: '运行指标' }).click()
  await expect(page.locator('[data-test="indicator-card"]').first()).toBeVisible({ timeout: 30_000 })
  await expect(page.locator('[data-test="indicator-chart"] canvas').first()).toBeVisible()
  await shot(page, '86-enterprise-indicators')
})

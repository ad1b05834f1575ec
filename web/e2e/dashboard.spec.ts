import { expect, test, type Browser, type Locator, type Page } from '@playwright/test'
import { login, shot } from './helpers'

// 指挥大屏 against the demo zone, on a 1920×1080 screen: the figures, the charts, the map drawn
// from the zone's GeoJSON, the latest weekly ranking and the urgent cases; the map's and the
// list's click-through to the cases.

test.describe.configure({ mode: 'serial' })
test.use({ viewport: { width: 1920, height: 1080 } })

async function as(browser: Browser, username: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } })
  const page = await ctx.newPage()
  await login(page, username)
  return page
}

/** A point inside the top-left quarter of the drawn map (the map is centred and fills ~96% of the shorter side). */
async function pointInMap(canvas: Locator, dx = -0.2, dy = -0.2): Promise<{ x: number; y: number }> {
  const box = await canvas.boundingBox()
  if (!box) throw new Error('map canvas has no box')
  const s = Math.min(box.width, box.height)
  return { x: box.x + box.width / 2 + dx * s, y: box.y + box.height / 2 + dy * s }
}

/** The map's tooltip (the only place that says 点击查看案件). */
const tooltipOf = (page: Page) => page.locator('[data-test="dashboard-map"]').getByText('点击查看案件 ›')

const BIG_NUMBER = /^\d{1,3}(,\d{3})*(\.\d)?万?$/

test('leader: the command dashboard shows the zone at a glance', async ({ browser }) => {
  const page = await as(browser, 'leader')
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto('/dashboard')

  // full screen: no side menu, the title bar with the zone's name, the clock and the buttons
  await expect(page.locator('[data-test="dashboard"]')).toBeVisible()
  await expect(page.locator('[data-test="side-menu"]')).toHaveCount(0)
  await expect(page.locator('[data-test="dashboard-title"]')).toHaveText('云岭经济技术开发区 · 一屏观全域')
  await expect(page.locator('[data-test="dashboard-clock"]')).toContainText(/\d{2}:\d{2}:\d{2}/)
  await expect(page.locator('[data-test="dashboard-back"]')).toBeVisible()
  await expect(page.locator('[data-test="dashboard-fullscreen"]')).toBeVisible()

  // the figures: received and closed today, this week, this year; open and overdue
  for (const kpi of ['today', 'week', 'year']) {
    await expect(page.locator(`[data-test="dashboard-kpi-${kpi}"] [data-test="kpi-value"]`)).toHaveText([BIG_NUMBER, BIG_NUMBER], {
      timeout: 30_000,
    })
  }
  await expect(page.locator('[data-test="dashboard-kpi-open"] [data-test="kpi-value"]')).toHaveText(BIG_NUMBER)
  await expect(page.locator('[data-test="dashboard-kpi-overdue"] [data-test="kpi-value"]')).toHaveText(BIG_NUMBER)
  const yearReceived = Number((await page.locator('[data-test="dashboard-kpi-year"] [data-kpi="received"] [data-test="kpi-value"]').textContent())!.replace(/,/g, ''))
  expect(yearReceived).toBeGreaterThan(0)
  await expect(page.locator('[data-test="dashboard-updated"]')).toContainText(/更新时间 \d{2}:\d{2}:\d{2}/)

  // the charts and the map are drawn
  await expect(page.locator('[data-test="dashboard-trend"] canvas')).toBeVisible()
  await expect(page.locator('[data-test="dashboard-categories"] canvas')).toBeVisible()
  const mapCanvas = page.locator('[data-test="dashboard-map"] canvas').first()
  await expect(mapCanvas).toBeVisible()
  await expect(page.locator('[data-test="map-legend"]')).toContainText('本年受理')

  // the latest weekly ranking: streets, then departments, each with rank, unit, score, movement
  const ranking = page.locator('[data-test="dashboard-ranking"]')
  await expect(ranking.locator('[data-test="ranking-row"]').first()).toBeVisible()
  expect(await ranking.locator('[data-test="ranking-row"]').count()).toBeGreaterThan(4)
  await expect(ranking.locator('table[data-group="street"]')).toBeVisible()
  await expect(ranking.locator('table[data-group="department"]')).toBeVisible()
  await expect(ranking.locator('table[data-group="street"] [data-test="ranking-row"] td').nth(2)).toHaveText(/^\d+\.\d$|^—$/)
  await expect(ranking.getByText('暂无排名快照')).toHaveCount(0)

  // the urgent cases
  const urgent = page.locator('[data-test="dashboard-urgent"] [data-test="urgent-row"]')
  await expect(urgent.first()).toBeVisible()

  await shot(page, '96-dashboard', { fullPage: false })

  // grid level, shaded by the overdue cases
  await page.locator('[data-test="map-level"] button[data-value="grid"]').click()
  await page.locator('[data-test="map-metric"] button[data-value="overdue"]').click()
  await expect(page.locator('[data-test="dashboard-map"] [data-level="grid"][data-metric="overdue"]')).toBeVisible()
  await expect(page.locator('[data-test="map-legend"]')).toContainText('当前超期')
  const g = await pointInMap(mapCanvas, -0.05, -0.05)
  await page.mouse.move(g.x, g.y)
  await expect(tooltipOf(page)).toBeVisible()
  await expect(tooltipOf(page).locator('..')).toContainText(/网格.*本年受理/)
  await shot(page, '97-dashboard-grids', { fullPage: false })

  // a click on a grid opens its cases
  await page.mouse.click(g.x, g.y)
  await expect(page).toHaveURL(/\/cases\?grid_id=[0-9a-f-]{36}$/)
  await page.goBack()

  // back on the streets: a click on a street opens its cases
  await page.locator('[data-test="map-level"] button[data-value="street"]').click()
  await expect(page.locator('[data-test="dashboard-map"] [data-level="street"]')).toBeVisible()
  const s = await pointInMap(page.locator('[data-test="dashboard-map"] canvas').first())
  await page.mouse.move(s.x, s.y)
  await expect(tooltipOf(page)).toBeVisible()
  await expect(tooltipOf(page).locator('..')).toContainText(/(街道|镇).*本年受理/)
  await page.mouse.click(s.x, s.y)
  await expect(page).toHaveURL(/\/cases\?street_id=[0-9a-f-]{36}$/)
  // the cases list is in the main layout again
  await expect(page.locator('[data-test="side-menu"]')).toBeVisible()

  // an urgent case opens its page
  await page.goto('/dashboard')
  await urgent.first().click()
  await expect(page).toHaveURL(/\/cases\/[0-9a-f-]{36}$/)

  // and back to the workbench
  await page.goto('/dashboard')
  await page.locator('[data-test="dashboard-back"]').click()
  await expect(page).toHaveURL(/\/$/)
  expect(errors).toEqual([])
})

test('an enterprise user may not open the dashboard', async ({ browser }) => {
  const page = await as(browser, 'qiye')
  await page.goto('/dashboard')
  await expect(page.locator('[data-test="forbidden"]')).toBeVisible()
  await expect(page.locator('[data-test="dashboard-kpi-today"]')).toHaveCount(0)
})

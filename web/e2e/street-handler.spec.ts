import { expect, test } from '@playwright/test'
import { login, shot, tableLoaded } from './helpers'

test('a street handler sees only 向阳街道 enterprises and no 系统管理', async ({ page }) => {
  await login(page, 'handler_xy')

  const menu = page.locator('[data-test="side-menu"]')
  await expect(menu).not.toContainText('系统管理')
  await expect(menu.locator('[data-test="menu-admin"]')).toHaveCount(0)
  await expect(menu.locator('[data-test="menu-enterprises"]')).toBeVisible()
  await shot(page, '06-handler-workbench')

  await menu.locator('[data-test="menu-enterprises"]').click()
  await expect(page).toHaveURL(/\/enterprises$/)
  await tableLoaded(page, 'enterprise-table')

  const streets = page.locator('[data-test="enterprise-table"] [data-test="street"]')
  await expect(streets.first()).toBeVisible()
  const texts = await streets.allTextContents()
  expect(texts.length).toBeGreaterThan(0)
  for (const t of texts) expect(t.trim()).toBe('向阳街道')

  const total = Number((await page.locator('[data-test="enterprise-total"]').textContent())?.trim())
  expect(total).toBeGreaterThan(0)
  expect(total).toBeLessThan(5000)

  await shot(page, '08-handler-enterprises')
  // a row opens the enterprise's page (一企一档)
  await page.locator('[data-test="enterprise-name"]').first().click()
  await expect(page).toHaveURL(/\/enterprises\/[0-9a-f-]{36}$/)
  await expect(page.locator('[data-test="enterprise-profile"]')).toContainText('统一社会信用代码')
  await shot(page, '07-handler-enterprise-detail')
  await page.goBack()
  await tableLoaded(page, 'enterprise-table')

  // a page it has no permission for shows 403, in place
  await page.goto('/admin/users')
  await expect(page.locator('[data-test="forbidden"]')).toBeVisible()
  await expect(page.getByText('无权访问')).toBeVisible()
  await expect(page).toHaveURL(/\/admin\/users$/)
  await shot(page, '09-handler-403')
})

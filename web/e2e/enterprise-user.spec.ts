import { expect, test } from '@playwright/test'
import { login, shot, tableLoaded } from './helpers'

test('an enterprise user sees 我的企业 with exactly one row', async ({ page }) => {
  await login(page, 'qiye')

  const menu = page.locator('[data-test="side-menu"]')
  await expect(menu.locator('[data-test="menu-enterprises"]')).toContainText('我的企业')
  await expect(menu.locator('[data-test="menu-admin"]')).toHaveCount(0)

  await menu.locator('[data-test="menu-enterprises"]').click()
  await tableLoaded(page, 'enterprise-table')
  await expect(page.locator('[data-test="enterprise-table"] .el-table__body tr')).toHaveCount(1)
  await expect(page.locator('[data-test="enterprise-total"]')).toHaveText('1')
  await shot(page, '10-qiye-my-enterprise')
})

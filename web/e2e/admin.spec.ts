import { expect, test } from '@playwright/test'
import { login, shot, tableLoaded } from './helpers'

test('admin sees 系统管理, the org tree and the users list', async ({ page }) => {
  await login(page, 'admin')

  const menu = page.locator('[data-test="side-menu"]')
  await expect(menu.locator('[data-test="menu-admin"]')).toContainText('系统管理')
  await expect(menu.locator('[data-test="menu-admin-org"]')).toContainText('组织机构')
  await expect(menu.locator('[data-test="menu-admin-users"]')).toContainText('用户管理')
  await expect(menu.locator('[data-test="menu-admin-audit"]')).toContainText('审计日志')
  await expect(menu.locator('[data-test="menu-enterprises"]')).toContainText('企业档案')

  // workbench with overview numbers and charts
  await expect(page.locator('[data-test="greeting"]')).toBeVisible()
  await expect(page.locator('[data-test="stat-enterprises"]')).toContainText(/\d/)
  await expect(page.locator('canvas').first()).toBeVisible()
  await shot(page, '02-admin-workbench')

  // organisation tree
  await menu.locator('[data-test="menu-admin-org"]').click()
  await expect(page).toHaveURL(/\/admin\/org$/)
  const tree = page.locator('[data-test="org-tree"]')
  await expect(tree.getByText('向阳街道', { exact: true })).toBeVisible()
  await tree.getByText('向阳街道', { exact: true }).click()
  await expect(page.locator('.detail-title')).toContainText('向阳街道')
  await shot(page, '03-admin-org')

  // users
  await menu.locator('[data-test="menu-admin-users"]').click()
  await expect(page).toHaveURL(/\/admin\/users$/)
  await tableLoaded(page, 'user-table')
  await expect(page.locator('[data-test="username-cell"]', { hasText: /^handler_xy$/ })).toBeVisible()
  await shot(page, '04-admin-users')
  await page.locator('[data-test="user-search"]').fill('handler_xy')
  await page.locator('[data-test="user-search"]').press('Enter')
  await tableLoaded(page, 'user-table')
  await expect(page.locator('[data-test="username-cell"]')).toHaveText(['handler_xy'])

  // audit log
  await menu.locator('[data-test="menu-admin-audit"]').click()
  await expect(page).toHaveURL(/\/admin\/audit$/)
  await tableLoaded(page, 'audit-table')
  await shot(page, '05-admin-audit')
})

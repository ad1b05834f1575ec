import { expect, test } from '@playwright/test'
import { shot } from './helpers'

test('wrong password shows the Chinese error and stays on /login', async ({ page }) => {
  await page.goto('/')
  await expect(page).toHaveURL(/\/login/)
  await expect(page.getByText('即办 · 开发区政企服务与基层治理平台')).toBeVisible()

  await page.locator('[data-test="username"]').fill('admin')
  await page.locator('[data-test="password"]').fill('wrong-password-1')
  await page.locator('[data-test="password"]').press('Enter')

  const err = page.locator('[data-test="login-error"]')
  await expect(err).toBeVisible()
  await expect(err).toContainText(/[\u4e00-\u9fa5]/) // the server's Chinese message
  await expect(page).toHaveURL(/\/login/)
  await expect(page.locator('[data-test="side-menu"]')).toHaveCount(0)
  await shot(page, '01-login-error')
})

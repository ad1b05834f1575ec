import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, type Page } from '@playwright/test'

const here = path.dirname(fileURLToPath(import.meta.url))
/** <repo>/test-output/screenshots, computed relative to this file */
export const SCREENSHOT_DIR = path.resolve(here, '../../test-output/screenshots')

export const DEMO_PASSWORD = 'Jiban@2025'

export async function login(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login')
  await page.locator('[data-test="username"]').fill(username)
  await page.locator('[data-test="password"]').fill(password)
  await page.locator('[data-test="login-submit"]').click()
  await expect(page).not.toHaveURL(/\/login/)
  await expect(page.locator('[data-test="side-menu"]')).toBeVisible()
}

/** Saves a screenshot; full page by default (use fullPage: false with drawers/dialogs, whose mask is fixed). */
export async function shot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true })
  // let charts and transitions settle
  await page.waitForTimeout(600)
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: opts.fullPage ?? true })
}

/** Waits until the table's loading mask is gone. */
export async function tableLoaded(page: Page, testId: string): Promise<void> {
  const table = page.locator(`[data-test="${testId}"]`)
  await expect(table).toBeVisible()
  await expect(table.locator('.el-loading-mask')).toHaveCount(0)
}

/** Clicks a side-menu entry and waits for its page (retried: a menu group may still be unfolding after login). */
export async function openMenu(page: Page, name: string, url: RegExp): Promise<void> {
  const item = page.locator(`[data-test="side-menu"] [data-test="menu-${name}"]`)
  await expect(item).toBeVisible()
  await expect(async () => {
    await item.click()
    await expect(page).toHaveURL(url, { timeout: 2000 })
  }).toPass({ timeout: 15_000 })
}

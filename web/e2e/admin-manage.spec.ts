import { expect, test, type Page } from '@playwright/test'
import { login, shot, tableLoaded } from './helpers'

// Management flows against the real server: org unit, user, API token, forced password change.
// Uses names unique to this spec so that the other specs are not affected.

async function confirmBox(page: Page, button: string) {
  const box = page.locator('.el-message-box')
  await expect(box).toBeVisible()
  await box.getByRole('button', { name: button }).click()
  await expect(box).toBeHidden()
}

async function pickInTreeSelect(page: Page, trigger: ReturnType<Page['locator']>, label: string) {
  await trigger.click()
  await page.keyboard.type(label)
  const popper = page.locator('.el-select__popper:visible, .el-tree-select__popper:visible').last()
  await popper.getByText(label, { exact: true }).first().click()
}

test('admin maintains the org tree, users and API tokens; a new user must change the password', async ({ page }) => {
  await login(page, 'admin')

  // ---- org: add a community under 向阳街道, rename it, deactivate it
  await page.goto('/admin/org')
  const tree = page.locator('[data-test="org-tree"]')
  await tree.getByText('向阳街道', { exact: true }).click()
  await page.locator('[data-test="org-add-child"]').click()
  const dlg = page.locator('.el-dialog').filter({ hasText: '新建机构' })
  await expect(dlg).toBeVisible()
  await expect(dlg.getByText('社区', { exact: true })).toBeVisible()
  await expect(dlg.getByText('网格', { exact: true })).toHaveCount(0) // not a valid child of a street
  await dlg.locator('[data-test="org-new-name"]').fill('试点社区')
  await dlg.locator('[data-test="org-add-submit"]').click()
  await expect(dlg).toBeHidden()
  await expect(page.locator('.detail-title')).toContainText('试点社区')
  await expect(tree.getByText('试点社区', { exact: true })).toBeVisible()

  await page.locator('[data-test="org-name"]').fill('试点社区（更名）')
  await page.locator('[data-test="org-save"]').click()
  await expect(page.locator('.el-message--success', { hasText: '已保存' })).toBeVisible()
  await expect(tree.getByText('试点社区（更名）', { exact: true })).toBeVisible()

  await page.locator('[data-test="org-toggle-active"]').click()
  await confirmBox(page, '停用')
  await expect(page.locator('.detail-title')).toContainText('已停用')
  await expect(page.locator('.el-timeline-item').first()).toBeVisible()
  await shot(page, '11-admin-org-edited')

  // ---- users: create a handler in 向阳街道
  await page.goto('/admin/users')
  await tableLoaded(page, 'user-table')
  await page.locator('[data-test="user-create"]').click()
  const udlg = page.locator('.el-dialog').filter({ hasText: '新建用户' })
  await expect(udlg).toBeVisible()
  await udlg.locator('[data-test="user-form-username"]').fill('e2e_handler')
  await udlg.locator('[data-test="user-form-name"]').fill('测试承办人')
  // the client-side password rule
  await udlg.locator('[data-test="user-form-password"]').fill('short')
  await udlg.locator('[data-test="user-form-name"]').click()
  await expect(udlg).toContainText('密码至少 8 位')
  await udlg.locator('[data-test="user-form-password"]').fill('Temp2025abc')
  await udlg.locator('[data-test="user-form-role"]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: /^承办人$/ }).click()
  await pickInTreeSelect(page, udlg.locator('.el-form-item').filter({ hasText: '所属单位' }).locator('.el-select'), '向阳街道')
  await shot(page, '12-admin-user-create', { fullPage: false })
  await udlg.locator('[data-test="user-form-submit"]').click()
  await expect(udlg).toBeHidden()
  await page.locator('[data-test="user-search"]').fill('e2e_handler')
  await page.locator('[data-test="user-search"]').press('Enter')
  await tableLoaded(page, 'user-table')
  await expect(page.locator('[data-test="username-cell"]')).toHaveText(['e2e_handler'])

  // a duplicate username is refused by the server and shown on the field
  await page.locator('[data-test="user-create"]').click()
  await udlg.locator('[data-test="user-form-username"]').fill('e2e_handler')
  await udlg.locator('[data-test="user-form-name"]').fill('重复用户')
  await udlg.locator('[data-test="user-form-password"]').fill('Temp2025abc')
  await udlg.locator('[data-test="user-form-role"]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: /^承办人$/ }).click()
  await pickInTreeSelect(page, udlg.locator('.el-form-item').filter({ hasText: '所属单位' }).locator('.el-select'), '向阳街道')
  await udlg.locator('[data-test="user-form-submit"]').click()
  await expect(udlg.locator('.el-form-item.is-error')).toContainText(/[\u4e00-\u9fa5]/)
  await expect(udlg).toBeVisible()
  await udlg.getByRole('button', { name: '取消' }).click()

  // ---- API tokens of the admin
  await page.locator('[data-test="account-menu"]').click()
  await page.locator('[data-test="cmd-tokens"]').click()
  await expect(page).toHaveURL(/\/account\/tokens$/)
  await page.locator('[data-test="token-create"]').click()
  await page.locator('[data-test="token-name"]').fill('e2e 脚本')
  await page.locator('[data-test="token-submit"]').click()
  const plaintext = page.locator('input[data-test="token-plaintext"]')
  await expect(plaintext).toHaveValue(/^jb_/)
  await shot(page, '13-admin-token-created', { fullPage: false })
  await page.getByRole('button', { name: '我已保存，关闭' }).click()
  const tokenRow = page.locator('[data-test="token-table"] .el-table__body tr', { hasText: 'e2e 脚本' })
  await expect(tokenRow).toHaveCount(1)
  await tokenRow.getByRole('button', { name: '吊销' }).click()
  await confirmBox(page, '吊销')
  await expect(tokenRow).toHaveCount(0)

  // ---- audit log shows what was done
  await page.goto('/admin/audit')
  await tableLoaded(page, 'audit-table')
  await expect(page.locator('[data-test="audit-table"]')).toContainText('user.create')
  await page.locator('[data-test="audit-table"] .el-table__expand-icon').first().click()
  await expect(page.locator('[data-test="audit-detail"]').first()).toBeVisible()
  await shot(page, '14-admin-audit-expanded')

  // ---- the new user signs in; if the server requires it, the password dialog is forced
  await page.locator('[data-test="account-menu"]').click()
  await page.locator('[data-test="cmd-logout"]').click()
  await confirmBox(page, '退出')
  await expect(page).toHaveURL(/\/login/)
  await login(page, 'e2e_handler', 'Temp2025abc')
  const pwd = page.locator('.el-dialog').filter({ hasText: '修改密码' })
  if (!(await pwd.isVisible())) {
    await page.locator('[data-test="account-menu"]').click()
    await page.locator('[data-test="cmd-password"]').click()
  }
  await expect(pwd).toBeVisible()
  await pwd.locator('[data-test="old-password"]').fill('Temp2025abc')
  await pwd.locator('[data-test="new-password"]').fill('Changed2025xyz')
  await pwd.locator('[data-test="confirm-password"]').fill('Changed2025xyz')
  await pwd.locator('[data-test="password-submit"]').click()
  await expect(pwd).toBeHidden()
  await expect(page.locator('[data-test="side-menu"]')).toBeVisible()
  // still signed in on this session
  await page.reload()
  await expect(page.locator('[data-test="greeting"]')).toContainText('测试承办人')
})

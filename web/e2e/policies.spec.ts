import { expect, test, type Browser, type Locator, type Page } from '@playwright/test'
import { login, openMenu, shot, tableLoaded } from './helpers'

// 惠企政策, the whole loop:
//   1. handler_jjfz (经济发展部, policy.write) enters a policy with two items through the form:
//      item 1 qualifies qiye's enterprise, item 2 fails for it on exactly one condition
//      (从业人员 ≥ its employees + 5); publishes and saves.
//   2. qiye opens 政策匹配: item 1 among 可享受 with its reasons, item 2 among 差一点 with the failing
//      condition and what would pass; applies for item 1 with the materials.
//   3. handler_jjfz opens 申报审核, passes the application and records the payout → 已兑现.
//   4. qiye sees 已兑现 in 我的申报.
// The thresholds are derived from qiye's enterprise as the API reports it, not guessed.

test.describe.configure({ mode: 'serial' })

const RUN = Date.now().toString(36).slice(-5)
const POLICY_TITLE = `云岭经开区促进中小企业稳岗扩岗若干措施（E2E-${RUN}）`
const ITEM1 = `稳岗奖励（E2E-${RUN}）`
const ITEM2 = `扩岗奖励（E2E-${RUN}）`
const MATERIALS = ['政策申报表', '社保缴费人数证明']
const AMOUNT1 = 12.5
const PAID = 12

async function as(browser: Browser, username: string): Promise<Page> {
  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  await login(page, username)
  return page
}

/** The input of a wrapper or the input itself (where a component puts its data-test varies). */
const inputOf = (l: Locator) => l.locator('xpath=descendant-or-self::input').first()

async function fillNumber(l: Locator, v: number) {
  const input = inputOf(l)
  await input.fill(String(v))
  await input.press('Tab')
}

async function fillDate(l: Locator, v: string) {
  const input = inputOf(l)
  await input.click()
  await input.fill(v)
  await input.press('Enter')
  await expect(input).toHaveValue(v)
}

/** Opens an el-select (by its data-test, wherever it sits) and picks the option matching `text`. */
async function pick(page: Page, sel: Locator, text: string | RegExp, multiple = false) {
  const box = sel.locator('xpath=ancestor-or-self::*[contains(concat(" ", normalize-space(@class), " "), " el-select ")][1]')
  await box.click()
  const option = page.locator('.el-select__popper:visible .el-select-dropdown__item', { hasText: text }).first()
  await expect(option).toBeVisible()
  await option.click()
  if (multiple) await page.keyboard.press('Escape')
  await expect(page.locator('.el-select__popper:visible')).toHaveCount(0)
}

/** Today in Beijing time (the browser runs in Asia/Shanghai; the runner may not). */
const bjToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
/** Scrolls back to the top (a full-page shot of a scrolled page draws the fixed header mid-page). */
async function top(page: Page) {
  await page.evaluate(() => window.scrollTo(0, 0))
}

const ymd = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`

let officer: Page
let qiye: Page
let ent: { id: string; name: string; employees: number; size_class: string; size_name: string }

test('the officer enters and publishes a policy with two items', async ({ browser }) => {
  test.setTimeout(180_000)

  // ---- the facts of qiye's enterprise, as the API reports them --------------------------------
  qiye = await as(browser, 'qiye')
  const meRes = await qiye.request.get('/api/v1/auth/me')
  expect(meRes.ok()).toBeTruthy()
  const me = (await meRes.json()) as { enterprise_id: string | null }
  expect(me.enterprise_id).toBeTruthy()
  const entRes = await qiye.request.get(`/api/v1/enterprises/${me.enterprise_id}`)
  expect(entRes.ok()).toBeTruthy()
  const e = (await entRes.json()) as { id: string; name: string; employees: number | null; size_class: string; size_name: string }
  expect(typeof e.employees, 'qiye 的企业须有从业人员数').toBe('number')
  ent = { ...e, employees: e.employees as number }
  const sizeName = (ent.size_name || { large: '大型', medium: '中型', small: '小型', micro: '微型' }[ent.size_class] || '').replace(/企业$/, '')
  expect(sizeName).not.toBe('')
  const low = Math.floor(ent.employees / 2)
  const high = ent.employees + 5

  // ---- 惠企政策 → 政策库 → 录入政策 --------------------------------------------------------------
  officer = await as(browser, 'handler_jjfz')
  await openMenu(officer, 'policies', /\/policies$/)
  await tableLoaded(officer, 'policies-table')
  await officer.locator('[data-test="policy-new"]').click()
  await expect(officer).toHaveURL(/\/policies\/new$/)

  const f = officer
  await f.locator('[data-test="policy-title"]').fill(POLICY_TITLE)
  await f.locator('[data-test="policy-issuer"]').fill('云岭经济开发区管理委员会')
  await f.locator('[data-test="policy-doc-no"]').fill(`云经开发〔2025〕${90 + (Date.now() % 9)}号`)
  await fillDate(f.locator('[data-test="policy-issued-on"]'), '2025-03-01')
  await fillDate(f.locator('[data-test="policy-effective-on"]'), '2025-03-01')
  const until = new Date()
  until.setFullYear(until.getFullYear() + 1, 11, 31)
  await fillDate(f.locator('[data-test="policy-apply-to"]'), ymd(until))
  await f
    .locator('[data-test="policy-body"]')
    .fill('第一条 对稳定就业岗位的中小企业给予稳岗奖励。\n第二条 对从业人员较上年明显增加的企业给予扩岗奖励。\n第三条 本措施自发布之日起施行。')

  // two item cards
  const cards = f.locator('[data-test="item-card"]')
  for (let i = 0; i < 3 && (await cards.count()) < 2; i++) await f.locator('[data-test="policy-add-item"]').click()
  await expect(cards).toHaveCount(2)

  async function fillItem(card: Locator, o: { title: string; summary: string; wan: number; min: number }) {
    await card.locator('[data-test="item-title"]').fill(o.title)
    await card.locator('[data-test="item-summary"]').fill(o.summary)
    await pick(f, card.locator('[data-test="item-benefit-type"]'), /^奖补$/)
    await pick(f, card.locator('[data-test="item-dept"]'), /经济发展/)
    await card.locator('[data-test="item-materials"]').fill(MATERIALS.join('\n'))
    await card.locator('[data-test="amount-kind-fixed"]').click()
    await fillNumber(card.locator('[data-test="amount-wan"]'), o.wan)
    // rule: 规模为 <qiye's size> and 从业人员 ≥ min
    const leaves = card.locator('[data-test="rule-leaf"]')
    const before = await leaves.count()
    await card.locator('[data-test="rule-add-leaf"]').click()
    await expect(leaves).toHaveCount(before + 1)
    const size = leaves.nth(before)
    await pick(f, size.locator('[data-test="rule-kind"]'), /^企业规模$/)
    await pick(f, size.locator('[data-test="rule-values"]'), sizeName, true)
    await card.locator('[data-test="rule-add-leaf"]').click()
    await expect(leaves).toHaveCount(before + 2)
    const emp = leaves.nth(before + 1)
    await pick(f, emp.locator('[data-test="rule-kind"]'), /^从业人员$/)
    await fillNumber(emp.locator('[data-test="rule-min"]'), o.min)
  }
  await fillItem(cards.nth(0), { title: ITEM1, summary: '对稳定就业岗位的中小企业给予一次性稳岗奖励。', wan: AMOUNT1, min: low })
  await fillItem(cards.nth(1), { title: ITEM2, summary: '对从业人员达到规定规模的企业给予扩岗奖励。', wan: 20, min: high })

  await pick(f, f.locator('[data-test="policy-status"]'), /发布/)
  await expect(f.locator('[data-test="field-error"]:visible')).toHaveCount(0)
  await top(f)
  await shot(f, '90-policy-form')
  await f.locator('[data-test="policy-save"]').click()
  await expect(f).toHaveURL(/\/policies\/[0-9a-f-]{36}/, { timeout: 15_000 })
  await expect(f.locator('[data-test="field-error"]:visible')).toHaveCount(0)
  await expect(inputOf(f.locator('[data-test="policy-title"]'))).toHaveValue(POLICY_TITLE)

  // 送政策 from the item's page: to every qualifying enterprise not pushed yet (qiye's among them)
  const policyId = /\/policies\/([0-9a-f-]{36})/.exec(f.url())![1]!
  const pol = await (await f.request.get(`/api/v1/policies/${policyId}`)).json()
  expect(pol.status).toBe('published')
  const item1 = (pol.items as { id: string; title: string }[]).find((i) => i.title === ITEM1)
  expect(item1).toBeTruthy()
  await f.goto(`/policies/${policyId}`)
  await expect(f.getByText(ITEM1).first()).toBeVisible()
  await top(f)
  await shot(f, '94-policy-detail')
  await f.goto(`/policy-items/${item1!.id}`)
  await tableLoaded(f, 'item-enterprises')
  await expect(f.locator('[data-test="item-enterprises"]').getByText(ent.name)).toBeVisible()
  await f.locator('[data-test="item-push"]').click()
  await f.locator('[data-test="push-scope-all"]').click()
  await f.locator('[data-test="push-note"]').fill('贵企业符合稳岗奖励条件，请于申报截止日前在线申报。')
  await f.locator('[data-test="push-confirm"]').click()
  await expect(f.locator('[data-test="push-result"]')).toContainText('已推送')
  await tableLoaded(f, 'item-enterprises')
  await top(f)
  await shot(f, '95-policy-item')
  const pushes = await (await qiye.request.get('/api/v1/portal/policy-pushes')).json()
  expect((pushes as { item_id: string }[]).some((p) => p.item_id === item1!.id)).toBeTruthy()
})

test('qiye sees item 1 as 可享受 and item 2 as 差一点, and applies for item 1', async () => {
  test.setTimeout(120_000)
  await openMenu(qiye, 'portal-policies', /\/portal\/policies$/)

  // the push is unread; opening it marks it read
  await expect(qiye.locator('[data-test="summary-unread"]')).toHaveText(/^\s*1\s*条\s*$/)
  const push = qiye.locator('[data-test="push-item"]', { hasText: ITEM1 })
  await expect(push).toHaveAttribute('data-read', '0')
  await push.locator('.el-collapse-item__header').click()
  await expect(push).toContainText('请于申报截止日前在线申报')
  await expect(push).toHaveAttribute('data-read', '1')
  await expect(qiye.locator('[data-test="summary-unread"]')).toHaveText(/^\s*0\s*条\s*$/)

  // only this run's policy: the search narrows both lists
  await qiye.locator('[data-test="portal-policy-search"]').fill(`E2E-${RUN}`)
  const qualified = qiye.locator('[data-test="portal-qualified"]')
  const almost = qiye.locator('[data-test="portal-almost"]')
  const card1 = qualified.locator(`[data-test="match-card"][data-item-title="${ITEM1}"]`)
  const card2 = almost.locator(`[data-test="match-card"][data-item-title="${ITEM2}"]`)
  await expect(card1).toHaveCount(1)
  await expect(card2).toHaveCount(1)
  // exactly item 1 among 可享受, item 2 only among 差一点
  await expect(qualified.locator('[data-test="match-card"]')).toHaveCount(1)
  await expect(almost.locator('[data-test="match-card"]')).toHaveCount(1)

  // item 1: its reasons, each passing, with the enterprise's values
  await expect(card1).toContainText(POLICY_TITLE)
  await expect(card1).toContainText('奖补')
  await expect(card1).toContainText(`预计 ${AMOUNT1} 万元`)
  await expect(card1.locator('[data-test="condition-fail"]')).toHaveCount(0)
  await expect(card1.locator('[data-test="condition-pass"]')).toHaveCount(2)
  await expect(card1.locator('[data-test="condition-pass"]').filter({ hasText: '从业人员' })).toContainText(`${ent.employees} 人`)
  await expect(card1.locator('[data-test="match-apply"]')).toBeVisible()

  // item 2: the one failing condition and what would pass; the size condition passes
  const fail = card2.locator('[data-test="condition-fail"]')
  await expect(fail).toHaveCount(1)
  await expect(fail).toContainText(`从业人员 ≥ ${ent.employees + 5} 人`)
  await expect(fail).toContainText(`再增加 5 人（≥ ${ent.employees + 5} 人）`)
  await expect(card2.locator('[data-test="condition-pass"]')).toHaveCount(1)
  await expect(card2.locator('[data-test="match-apply"]')).toHaveCount(0)
  await top(qiye)
  await shot(qiye, '91-portal-policies')

  // apply for item 1
  await card1.locator('[data-test="match-apply"]').click()
  const dlg = qiye.locator('.el-dialog[data-test="apply-dialog"]')
  await expect(dlg).toBeVisible()
  const texts = dlg.locator('[data-test="apply-material"]')
  await expect(texts).toHaveCount(MATERIALS.length)
  // a required material left empty is refused before sending
  await dlg.locator('[data-test="apply-submit"]').click()
  await expect(dlg.locator('.el-form-item__error').first()).toContainText(MATERIALS[0]!)
  await texts.nth(0).fill('已按要求填写《政策申报表》，加盖公章。')
  await texts.nth(1).fill(`2025 年 1—12 月参保人数 ${ent.employees} 人，社保缴费证明见附件。`)
  await dlg.locator('[data-test="apply-note"]').fill('联系人：崔燕明 13905510001')
  await dlg.locator('[data-test="apply-submit"]').click()
  await expect(dlg.locator('[data-test="apply-done"]')).toBeVisible()
  await dlg.locator('[data-test="apply-finish"]').click()
  await expect(dlg).toBeHidden()

  await expect(card1.locator('[data-test="match-status"]')).toHaveText('待审核')
  await expect(card1.locator('[data-test="match-apply"]')).toHaveCount(0)
  await tableLoaded(qiye, 'portal-applications')
  const row = qiye.locator('[data-test="portal-applications"] .el-table__body tr', { hasText: ITEM1 })
  await expect(row.locator('[data-test="application-status"]')).toHaveText('待审核')
})

test('the officer passes the application and records the payout', async () => {
  test.setTimeout(120_000)
  await openMenu(officer, 'policy-applications', /\/policy-applications/)
  await expect(officer.locator('[data-test="applications-tabs"]')).toBeVisible()
  await tableLoaded(officer, 'applications-table')
  const row = officer.locator('[data-test="applications-table"] .el-table__body tr', { hasText: ITEM1 })
  await expect(row).toHaveCount(1)
  await expect(row).toContainText(ent.name)
  await expect(row.locator('[data-test="application-status"]')).toHaveText('待审核')
  await row.locator('[data-test="application-open"]').click()

  const drawer = officer.locator('.el-drawer[data-test="application-drawer"], [data-test="application-drawer"] .el-drawer').first()
  await expect(drawer).toBeVisible()
  await expect(drawer.locator('[data-test="application-status"]')).toHaveText('待审核')
  await expect(drawer).toContainText(ent.name)
  await expect(drawer.locator('[data-test="application-materials"]')).toContainText('加盖公章')

  // 退回 and 不予支持 need a reason
  await drawer.locator('[data-test="review-refuse"]').click()
  await drawer.locator('[data-test="review-submit"]').click()
  await expect(drawer.locator('.el-form-item__error')).toContainText('原因')
  await drawer.locator('[data-test="review-pass"]').click()
  await drawer.locator('[data-test="review-reason"]').fill('材料齐全，符合稳岗奖励条件。')
  await drawer.locator('[data-test="review-submit"]').click()
  await expect(drawer.locator('[data-test="application-status"]')).toHaveText('审核通过')

  // 兑现: the amount defaults to the expected one
  const amount = inputOf(drawer.locator('[data-test="payout-amount"]'))
  await expect(amount).toHaveValue(/^12\.5/)
  await fillNumber(drawer.locator('[data-test="payout-amount"]'), PAID)
  const today = bjToday()
  await fillDate(drawer.locator('[data-test="payout-date"]'), today)
  await drawer.locator('[data-test="payout-submit"]').click()
  await expect(drawer.locator('[data-test="application-status"]')).toHaveText('已兑现')
  await expect(drawer.locator('[data-test="application-paid"]')).toHaveText(`${PAID} 万元`)
  await expect(drawer).toContainText(today)
  await shot(officer, '92-application-review', { fullPage: false })

  await officer.keyboard.press('Escape')
  await expect(drawer).toBeHidden()
  await expect(row).toHaveCount(1)
  await expect(row.locator('[data-test="application-status"]')).toHaveText('已兑现')

  // the enterprise's page shows the same matches (without 申报)
  await officer.goto(`/enterprises/${ent.id}`)
  await officer.locator('[data-test="enterprise-tabs"] .el-tabs__item', { hasText: '政策匹配' }).click()
  const entQualified = officer.locator('[data-test="enterprise-qualified"]')
  await expect(entQualified.locator(`[data-test="match-card"][data-item-title="${ITEM1}"]`)).toHaveCount(1)
  await expect(officer.locator(`[data-test="enterprise-almost"] [data-test="match-card"][data-item-title="${ITEM2}"]`)).toHaveCount(1)
  await expect(officer.locator('[data-test="enterprise-policies"] [data-test="match-apply"]')).toHaveCount(0)
  await expect(entQualified.locator(`[data-test="match-card"][data-item-title="${ITEM1}"] [data-test="match-status"]`)).toHaveText('已兑现')
})

test('qiye sees 已兑现 in 我的申报', async () => {
  await qiye.reload()
  await qiye.locator('[data-test="portal-policy-search"]').fill(`E2E-${RUN}`)
  await tableLoaded(qiye, 'portal-applications')
  const row = qiye.locator('[data-test="portal-applications"] .el-table__body tr', { hasText: ITEM1 })
  await expect(row.locator('[data-test="application-status"]')).toHaveText('已兑现')
  await expect(row).toContainText(`已兑现 ${PAID} 万元`)
  const card1 = qiye.locator(`[data-test="portal-qualified"] [data-test="match-card"][data-item-title="${ITEM1}"]`)
  await expect(card1.locator('[data-test="match-status"]')).toHaveText('已兑现')
  await top(qiye)
  await shot(qiye, '93-paid')
})

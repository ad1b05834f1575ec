import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import type { ImportRowError } from '@/api/types'
import ImportErrors from '@/components/enterprises/ImportErrors.vue'

function errs(n: number): ImportRowError[] {
  return Array.from({ length: n }, (_, i) => ({
    row: n - i + 1,
    column: i % 3 === 0 ? '统一社会信用代码' : '从业人员期末人数',
    field: i % 3 === 0 ? 'uscc' : 'employees',
    message: i % 3 === 0 ? '第 18 位校验码错误' : '“约30人”不是数字',
  }))
}

const bodyRows = (w: ReturnType<typeof mount>) => w.findAll('[data-test="import-errors"] .el-table__body tr')

describe('ImportErrors', () => {
  it('says nothing was written and lists the errors by row, column and problem', async () => {
    const w = mount(ImportErrors, { props: { errors: errs(4), errorCount: 4 } })
    await flushPromises()
    expect(w.find('[data-test="import-error-alert"]').text()).toContain('文件中有 4 处错误，修正后重新上传；未写入任何数据')
    const head = w.find('[data-test="import-errors"] .el-table__header').text()
    expect(head).toContain('行')
    expect(head).toContain('列')
    expect(head).toContain('问题')
    const rows = bodyRows(w)
    expect(rows).toHaveLength(4)
    // in row order
    expect(rows.map((r) => r.find('[data-test="error-row"]').text())).toEqual(['2', '3', '4', '5'])
    expect(rows[0]!.text()).toContain('统一社会信用代码第 18 位校验码错误')
    expect(rows[1]!.text()).toContain('“约30人”不是数字')
    expect(w.find('[data-test="import-error-summary"]').text()).toContain('涉及 4 行')
    // no pager for a short list
    expect(w.find('.el-pagination').exists()).toBe(false)
  })

  it('pages a long list on the client and says when the server listed only the first errors', async () => {
    const w = mount(ImportErrors, { props: { errors: errs(45), errorCount: 1200 } })
    await flushPromises()
    expect(w.find('[data-test="import-error-alert"]').text()).toContain('文件中有 1200 处错误')
    expect(w.find('[data-test="import-error-summary"]').text()).toContain('下表列出前 45 处')
    expect(bodyRows(w)).toHaveLength(20)
    expect(w.find('.el-pagination').exists()).toBe(true)
    await w.find('.el-pagination .btn-next').trigger('click')
    await flushPromises()
    expect(bodyRows(w)[0]!.find('[data-test="error-row"]').text()).toBe('22')
  })

  it('filters by a column', async () => {
    const w = mount(ImportErrors, { props: { errors: errs(6) } })
    await flushPromises()
    const tag = w.findAll('.el-check-tag').find((t) => t.text().startsWith('统一社会信用代码'))!
    expect(tag.text()).toContain('2')
    await tag.trigger('click')
    await flushPromises()
    const rows = bodyRows(w)
    expect(rows).toHaveLength(2)
    for (const r of rows) expect(r.find('[data-test="error-column"]').text()).toBe('统一社会信用代码')
  })
})

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { ApiError } from '@/api/client'
import type { EnterpriseTag } from '@/api/types'

const tags = vi.fn<() => Promise<EnterpriseTag[]>>()
const putTags = vi.fn<(t: string[]) => Promise<EnterpriseTag[]>>()
vi.mock('@/api', async (orig) => {
  const real = await orig<typeof import('@/api')>()
  return {
    ...real,
    enterpriseApi: {
      ...real.enterpriseApi,
      tags: () => tags(),
      putTags: (t: string[]) => putTags(t),
    },
  }
})

import TagVocabularyDialog from '@/components/enterprises/TagVocabularyDialog.vue'

const VOCAB: EnterpriseTag[] = [
  { name: '高新技术企业', count: 32, in_vocabulary: true },
  { name: '专精特新', count: 12, in_vocabulary: true },
  { name: '规上工业', count: 0, in_vocabulary: true },
  { name: '外资', count: 5, in_vocabulary: true },
]

const body = () => document.body
const all = (test: string) => [...body().querySelectorAll<HTMLElement>(`[data-test="${test}"]`)]
const one = (test: string) => body().querySelector<HTMLElement>(`[data-test="${test}"]`)!
const rowNames = () => all('tag-vocab-name').map((e) => e.textContent!.trim())
const rowOf = (name: string) => all('tag-vocab-row').find((r) => r.querySelector('[data-test="tag-vocab-name"]')?.textContent?.trim() === name)!
const inRow = (name: string, test: string) => rowOf(name).querySelector<HTMLButtonElement>(`[data-test="${test}"]`)!
const text = (test: string) => body().querySelector(`[data-test="${test}"]`)?.textContent?.trim() ?? ''

async function click(el: HTMLElement) {
  el.click()
  await flushPromises()
}
async function type(el: HTMLInputElement, value: string) {
  el.value = value
  el.dispatchEvent(new Event('input'))
  await flushPromises()
}
async function addTag(name: string) {
  await type(body().querySelector<HTMLInputElement>('input[data-test="tag-vocab-new"]')!, name)
  await click(one('tag-vocab-add'))
}
async function rename(from: string, to: string) {
  await click(inRow(from, 'tag-vocab-rename'))
  await type(body().querySelector<HTMLInputElement>('input[data-test="tag-vocab-edit-input"]')!, to)
  await click(one('tag-vocab-edit-ok'))
}
/** ElMessageBox renders into the body; its buttons are plain buttons. */
async function answerBox(confirm: boolean) {
  await flushPromises()
  await new Promise((r) => setTimeout(r, 50))
  const box = body().querySelector('.el-message-box')!
  expect(box).toBeTruthy()
  const btns = [...box.querySelectorAll<HTMLButtonElement>('.el-message-box__btns button')]
  const btn = confirm ? btns.find((b) => b.classList.contains('el-button--primary')) : btns.find((b) => !b.classList.contains('el-button--primary'))
  btn!.click()
  await flushPromises()
  await new Promise((r) => setTimeout(r, 50))
  await flushPromises()
}

describe('TagVocabularyDialog', () => {
  beforeEach(() => {
    tags.mockReset().mockResolvedValue(VOCAB.map((t) => ({ ...t })))
    putTags.mockReset().mockImplementation(async (t) => t.map((name) => ({ name, count: 0, in_vocabulary: true })))
    document.body.innerHTML = ''
  })
  afterEach(() => {
    document.body.innerHTML = ''
  })

  async function open() {
    const w = mount(TagVocabularyDialog, { props: { modelValue: true }, attachTo: document.body })
    await flushPromises()
    return w
  }

  it('lists the vocabulary in order with the enterprises carrying each tag', async () => {
    const w = await open()
    expect(tags).toHaveBeenCalledTimes(1)
    expect(one('tag-vocab-dialog')).toBeTruthy()
    expect(rowNames()).toEqual(['高新技术企业', '专精特新', '规上工业', '外资'])
    expect(all('tag-vocab-count').map((e) => e.textContent!.trim())).toEqual(['32 家企业', '12 家企业', '0 家企业', '5 家企业'])
    w.unmount()
  })

  it('adds, renames, reorders and deletes, then saves the resulting list', async () => {
    const w = await open()
    await addTag('  上市  ')
    expect(rowNames()).toEqual(['高新技术企业', '专精特新', '规上工业', '外资', '上市'])
    await rename('规上工业', '规上工业企业')
    await click(inRow('上市', 'tag-vocab-up'))
    await click(inRow('高新技术企业', 'tag-vocab-down'))
    // unused: deleted at once, without asking
    await click(inRow('规上工业企业', 'tag-vocab-delete'))
    expect(body().querySelector('.el-message-box')).toBeNull()
    expect(rowNames()).toEqual(['专精特新', '高新技术企业', '上市', '外资'])

    await click(one('tag-vocab-save'))
    expect(putTags).toHaveBeenCalledTimes(1)
    expect(putTags).toHaveBeenCalledWith(['专精特新', '高新技术企业', '上市', '外资'])
    expect(w.emitted('saved')![0]![0]).toEqual([
      { name: '专精特新', count: 0, in_vocabulary: true },
      { name: '高新技术企业', count: 0, in_vocabulary: true },
      { name: '上市', count: 0, in_vocabulary: true },
      { name: '外资', count: 0, in_vocabulary: true },
    ])
    expect(w.emitted('update:modelValue')!.at(-1)).toEqual([false])
    w.unmount()
  })

  it('shows tags carried outside the vocabulary apart and never saves them back into it', async () => {
    tags.mockResolvedValue([...VOCAB.map((t) => ({ ...t })), { name: '旧标签', count: 3, in_vocabulary: false }])
    const w = await open()
    expect(rowNames()).toEqual(['高新技术企业', '专精特新', '规上工业', '外资'])
    expect(one('tag-vocab-strays').textContent).toContain('旧标签（3 家）')
    await click(one('tag-vocab-save'))
    expect(putTags).toHaveBeenCalledWith(['高新技术企业', '专精特新', '规上工业', '外资'])
    w.unmount()
  })

  it('asks before deleting a tag that enterprises carry', async () => {
    const w = await open()
    await click(inRow('外资', 'tag-vocab-delete'))
    expect(body().querySelector('.el-message-box')?.textContent).toContain('5 家企业')
    await answerBox(false)
    expect(rowNames()).toContain('外资')

    await click(inRow('外资', 'tag-vocab-delete'))
    await answerBox(true)
    expect(rowNames()).toEqual(['高新技术企业', '专精特新', '规上工业'])

    await click(one('tag-vocab-save'))
    expect(putTags).toHaveBeenCalledWith(['高新技术企业', '专精特新', '规上工业'])
    w.unmount()
  })

  it('refuses duplicates and over-long names on the client', async () => {
    const w = await open()
    await addTag('专精特新')
    expect(text('tag-vocab-new-error')).toContain('已在目录中')
    await addTag(' 专精特新 ')
    expect(text('tag-vocab-new-error')).toContain('已在目录中')
    await addTag('一二三四五六七八九十一二三四五六七八九十一')
    expect(text('tag-vocab-new-error')).toContain('20')
    await addTag('   ')
    expect(text('tag-vocab-new-error')).toContain('请填写')
    expect(rowNames()).toHaveLength(4)

    // exactly 20 characters is accepted
    await addTag('一二三四五六七八九十一二三四五六七八九十')
    expect(text('tag-vocab-new-error')).toBe('')
    expect(rowNames()).toHaveLength(5)

    // renaming into a duplicate or an over-long name is refused and keeps the old name
    await rename('外资', '高新技术企业')
    expect(text('tag-vocab-edit-error')).toContain('已在目录中')
    await type(body().querySelector<HTMLInputElement>('input[data-test="tag-vocab-edit-input"]')!, 'x'.repeat(21))
    await click(one('tag-vocab-edit-ok'))
    expect(text('tag-vocab-edit-error')).toContain('20')
    await click(one('tag-vocab-edit-cancel'))
    expect(rowNames()).toContain('外资')

    // renaming a tag to itself is not a duplicate
    await rename('外资', '外资')
    expect(text('tag-vocab-edit-error')).toBe('')

    // saving with a refused rename still open sends nothing
    await rename('外资', '专精特新')
    await click(one('tag-vocab-save'))
    expect(putTags).not.toHaveBeenCalled()
    w.unmount()
  })

  it('shows the server error and stays open', async () => {
    putTags.mockRejectedValue(new ApiError(422, 'validation.tag', '标签目录最多 100 个', 'tags'))
    const w = await open()
    await addTag('上市')
    await click(one('tag-vocab-save'))
    await new Promise((r) => setTimeout(r, 50))
    expect(body().querySelector('.el-message')?.textContent).toContain('标签目录最多 100 个')
    expect(w.emitted('saved')).toBeUndefined()
    expect(w.emitted('update:modelValue')).toBeUndefined()
    w.unmount()
  })

  it('does not offer to save when the vocabulary could not be loaded', async () => {
    tags.mockRejectedValue(new ApiError(500, 'internal', '服务器内部错误'))
    const w = await open()
    expect(one('tag-vocab-save').hasAttribute('disabled') || one('tag-vocab-save').classList.contains('is-disabled')).toBe(true)
    await click(one('tag-vocab-save'))
    expect(putTags).not.toHaveBeenCalled()
    w.unmount()
  })
})

import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, attachmentApi } from '@/api'
import {
  ATTACHMENT_ACCEPT,
  ATTACHMENT_MAX_BYTES,
  attachmentNoteProblem,
  attachmentProblem,
  canAttach,
  extOf,
  fileKindOf,
  formatSize,
  isImageName,
} from '@/utils/attachments'

const MB = 1024 * 1024

describe('extOf / isImageName', () => {
  it('takes the last extension, lower-cased', () => {
    expect(extOf('现场照片.JPG')).toBe('jpg')
    expect(extOf('a.tar.PDF')).toBe('pdf')
    expect(extOf('C:\\docs\\报告.docx')).toBe('docx')
  })
  it('has none for dotfiles, trailing dots and bare names', () => {
    expect(extOf('.png')).toBe('')
    expect(extOf('photo.')).toBe('')
    expect(extOf('README')).toBe('')
  })
  it('knows the image types', () => {
    expect(isImageName('a.jpeg')).toBe(true)
    expect(isImageName('a.webp')).toBe(true)
    expect(isImageName('a.pdf')).toBe(false)
    expect(isImageName('a.bmp')).toBe(false)
  })
})

describe('attachmentProblem (client checks before sending)', () => {
  it('accepts images, PDF and Office documents up to 20 MB', () => {
    for (const name of ['a.jpg', 'a.JPEG', 'a.png', 'a.gif', 'a.webp', 'a.pdf', 'a.doc', 'a.docx', 'a.xls', 'a.xlsx', 'a.ppt', 'a.pptx'])
      expect(attachmentProblem({ name, size: 1000 }), name).toBeNull()
    expect(attachmentProblem({ name: 'big.pdf', size: ATTACHMENT_MAX_BYTES })).toBeNull()
  })
  it('refuses other extensions with a Chinese message naming the file', () => {
    for (const name of ['setup.exe', 'a.zip', 'a.txt', 'a.bmp', 'noext', 'a.jpg.exe']) {
      const m = attachmentProblem({ name, size: 10 })
      expect(m, name).toContain('不支持的附件类型')
      expect(m).toContain(name)
    }
  })
  it('refuses files over 20 MB, saying how big they are', () => {
    expect(attachmentProblem({ name: '扫描件.pdf', size: ATTACHMENT_MAX_BYTES + 1 })).toBe('附件“扫描件.pdf”（20 MB）超过 20 MB')
    expect(attachmentProblem({ name: 'v.png', size: 25.4 * MB })).toBe('附件“v.png”（25.4 MB）超过 20 MB')
  })
  it('refuses empty files', () => {
    expect(attachmentProblem({ name: 'a.png', size: 0 })).toBe('附件“a.png”是空文件')
  })
  it('an .exe renamed to .jpg passes here (the server checks the content)', () => {
    expect(attachmentProblem({ name: 'setup.jpg', size: 4096 })).toBeNull()
  })
  it('accept lists every extension', () => {
    expect(ATTACHMENT_ACCEPT.split(',')).toEqual(['.jpg', '.jpeg', '.png', '.gif', '.webp', '.pdf', '.doc', '.docx', '.xls', '.xlsx', '.ppt', '.pptx'])
  })
})

describe('attachmentNoteProblem', () => {
  it('allows up to 200 characters (counted as characters, not UTF-16 units)', () => {
    expect(attachmentNoteProblem('')).toBeNull()
    expect(attachmentNoteProblem('说'.repeat(200))).toBeNull()
    expect(attachmentNoteProblem('𠮷'.repeat(200))).toBeNull()
    expect(attachmentNoteProblem('说'.repeat(201))).toBe('说明不能超过 200 个字')
  })
})

describe('formatSize', () => {
  it('bytes, KB and MB with at most one decimal', () => {
    expect(formatSize(0)).toBe('0 B')
    expect(formatSize(1023)).toBe('1023 B')
    expect(formatSize(1024)).toBe('1 KB')
    expect(formatSize(1536)).toBe('1.5 KB')
    expect(formatSize(10 * 1024 + 30)).toBe('10 KB')
    expect(formatSize(MB - 1)).toBe('1024 KB')
    expect(formatSize(MB)).toBe('1 MB')
    expect(formatSize(1234567)).toBe('1.2 MB')
    expect(formatSize(20 * MB)).toBe('20 MB')
  })
})

describe('fileKindOf / canAttach', () => {
  it('picks the icon by type', () => {
    expect(fileKindOf('a.png', 'image/png')).toBe('image')
    expect(fileKindOf('报告.pdf', 'application/pdf')).toBe('pdf')
    expect(fileKindOf('a.docx')).toBe('word')
    expect(fileKindOf('a.XLS')).toBe('excel')
    expect(fileKindOf('a.pptx')).toBe('ppt')
    expect(fileKindOf('a.bin')).toBe('file')
  })
  it('nothing can be attached once the case has ended', () => {
    for (const s of ['closed', 'rejected', 'withdrawn', 'merged']) expect(canAttach(s), s).toBe(false)
    for (const s of ['submitted', 'pending_dispatch', 'handling', 'pending_rating', 'paused']) expect(canAttach(s), s).toBe(true)
    expect(canAttach(undefined)).toBe(false)
  })
})

describe('attachmentApi.upload', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('posts multipart (file + trimmed note) with same-origin credentials and no Content-Type of its own', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(
      new Response(JSON.stringify({ id: 'a1', file_name: 'p.png' }), { status: 201, headers: { 'Content-Type': 'application/json' } }),
    )
    vi.stubGlobal('fetch', fetchMock)
    const file = new File([new Uint8Array([0x89, 0x50])], 'p.png', { type: 'image/png' })
    const a = await attachmentApi.upload('c/1', file, '  现场照片 ')
    expect(a.id).toBe('a1')
    const [url, init] = fetchMock.mock.calls[0]!
    expect(url).toBe('/api/v1/cases/c%2F1/attachments')
    expect(init!.method).toBe('POST')
    expect(init!.credentials).toBe('same-origin')
    expect(Object.keys(init!.headers as Record<string, string>).map((k) => k.toLowerCase())).not.toContain('content-type')
    const form = init!.body as FormData
    expect((form.get('file') as File).name).toBe('p.png')
    expect(form.get('note')).toBe('现场照片')
  })

  it('leaves the note out when empty and turns a refusal into an ApiError with the server message', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(
      new Response(JSON.stringify({ code: 'validation.file_type', message: '不支持的附件类型（x.jpg）', field: 'file' }), {
        status: 422,
        headers: { 'Content-Type': 'application/json' },
      }),
    )
    vi.stubGlobal('fetch', fetchMock)
    const err = await attachmentApi.upload('c1', new File(['MZ'], 'x.jpg'), '  ').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 422, code: 'validation.file_type', field: 'file', message: '不支持的附件类型（x.jpg）' })
    expect((fetchMock.mock.calls[0]![1]!.body as FormData).has('note')).toBe(false)
  })

  it('413 without a body gets the generic Chinese message', async () => {
    vi.stubGlobal('fetch', vi.fn<typeof fetch>().mockResolvedValue(new Response('too big', { status: 413 })))
    const err = await attachmentApi.upload('c1', new File(['x'], 'big.pdf')).catch((e: unknown) => e)
    expect(err).toMatchObject({ status: 413, message: '提交的内容过大' })
  })
})

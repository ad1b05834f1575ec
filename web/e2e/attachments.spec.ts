import zlib from 'node:zlib'
import { expect, test, type Browser, type Page } from '@playwright/test'
import { login, shot, tableLoaded } from './helpers'

// Attachments: chosen on the intake form and uploaded once the case is filed, then added on the
// case page (thumbnail grid for images, rows for documents); the server refuses a renamed
// executable by its content, and its Chinese message is shown; ended cases offer no upload.

test.describe.configure({ mode: 'serial' })

async function as(browser: Browser, username: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await login(page, username)
  return page
}

// ---- a real PNG, built here (the server decodes images to make thumbnails) ----------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf: Buffer): number {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}
/** A w×h RGB PNG: a diagonal gradient from `a` to `b` with a white stripe. */
function png(w: number, h: number, a: [number, number, number], b: [number, number, number]): Buffer {
  const raw = Buffer.alloc((w * 3 + 1) * h)
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0 // filter: none
    for (let x = 0; x < w; x++) {
      const t = (x + y) / (w + h)
      const stripe = Math.abs(x - y) < 4
      const o = y * (w * 3 + 1) + 1 + x * 3
      for (let i = 0; i < 3; i++) raw[o + i] = stripe ? 255 : Math.round(a[i]! * (1 - t) + b[i]! * t)
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
/** What a Windows executable starts with ("MZ" + DOS stub), padded. */
function exe(): Buffer {
  const b = Buffer.alloc(2048)
  b.write('MZ', 0, 'ascii')
  b.writeUInt32LE(0x80, 0x3c)
  b.write('This program cannot be run in DOS mode.', 0x4e, 'ascii')
  b.write('PE\0\0', 0x80, 'binary')
  return b
}
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1')

let caseNo = ''

test('intake attaches a photo on the form; it is uploaded once the case is filed', async ({ browser }) => {
  const intake = await as(browser, 'intake')
  await intake.goto('/cases/new')
  await intake.locator('[data-test="f-title"]').fill('人行道井盖破损，存在安全隐患')
  await intake.locator('[data-test="f-description"]').fill('来电反映：向阳路人行道井盖破损翘起，夜间行人易绊倒，附现场照片。')
  await intake.locator('[data-test="case-form"] .el-form-item', { hasText: '诉求分类' }).locator('.el-cascader').click()
  await intake.locator('.jb-category-popper .el-cascader-node', { hasText: '城市管理与民生' }).hover()
  await intake.locator('.jb-category-popper .el-cascader-node', { hasText: '市容环卫' }).click()
  await intake.locator('[data-test="f-person-name"]').fill('赵先生')
  await intake.locator('[data-test="f-person-phone"]').fill('13905517777')
  await intake.locator('[data-test="f-address"]').fill('向阳路 26 号')

  const input = intake.locator('[data-test="f-attachments"] input[type="file"]')
  // refused in the browser before anything is sent
  await input.setInputFiles({ name: '说明.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') })
  await expect(intake.locator('.el-message--warning')).toContainText('不支持的附件类型（说明.txt）')
  await expect(intake.locator('[data-test="f-attachments"] .el-upload-list__item')).toHaveCount(0)
  await input.setInputFiles({ name: '井盖现场.png', mimeType: 'image/png', buffer: png(240, 160, [64, 120, 200], [30, 180, 120]) })
  await expect(intake.locator('[data-test="f-attachments"] .el-upload-list__item')).toHaveCount(1)
  await expect(intake.locator('[data-test="f-attachments"]')).toContainText('井盖现场.png')

  await intake.locator('[data-test="file-submit"]').click()
  await expect(intake.locator('[data-test="filed-case-no"]')).toHaveText(/^JB\d{8}-\d{4,}$/)
  await expect(intake.locator('[data-test="filed-attached"]')).toHaveText('已上传附件 1 个')
  await expect(intake.locator('[data-test="filed-attach-failed"]')).toHaveCount(0)
  caseNo = (await intake.locator('[data-test="filed-case-no"]').textContent())!.trim()

  await intake.locator('[data-test="open-filed"]').click()
  await expect(intake.locator('[data-test="case-no"]')).toHaveText(caseNo)
  await expect(intake.locator('[data-test="attachment-thumb"]')).toHaveCount(1)
  await expect(intake.locator('[data-test="timeline-item"][data-action="attach"]')).toHaveCount(1)
})

test('dispatcher uploads a PNG and a PDF on the case page; a renamed .exe is refused by the server', async ({ browser }) => {
  const disp = await as(browser, 'dispatcher')
  await disp.goto(`/cases?q=${caseNo}`)
  await tableLoaded(disp, 'case-table')
  await disp.locator('[data-test="case-table"] [data-test="case-no-cell"]', { hasText: caseNo }).click()
  await expect(disp.locator('[data-test="case-no"]')).toHaveText(caseNo)
  const panel = disp.locator('[data-test="attachments"]')
  await expect(panel.locator('[data-test="attachment-thumb"]')).toHaveCount(1)
  const input = panel.locator('[data-test="attachment-upload"] input[type="file"]')

  // a PNG with a note → a second thumbnail, and a timeline entry
  await panel.locator('[data-test="attachment-note"]').fill('复核照片（派单前）')
  await input.setInputFiles({ name: '复核照片.png', mimeType: 'image/png', buffer: png(320, 240, [220, 90, 60], [250, 200, 70]) })
  await expect(panel.locator('[data-test="attachment-thumb"]')).toHaveCount(2)
  await expect(panel.locator('[data-test="attachment-thumb"]').nth(1)).toContainText('复核照片.png')
  const thumb = panel.locator('[data-test="attachment-thumb"]').nth(1).locator('img')
  await expect(thumb).toHaveAttribute('src', /\/api\/v1\/attachments\/[0-9a-f-]+\/thumbnail$/)
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0)
  await expect(panel.locator('[data-test="attachment-note"]')).toHaveValue('')
  await expect(disp.locator('[data-test="timeline-item"][data-action="attach"]')).toHaveCount(2)
  await expect(disp.locator('[data-test="timeline-item"][data-action="attach"]').last()).toContainText('附件：复核照片.png')
  await expect(disp.locator('[data-test="timeline-item"][data-action="attach"]').last()).toContainText('复核照片（派单前）')

  // a document → a row with its size and a download link
  await input.setInputFiles({ name: '整改通知.pdf', mimeType: 'application/pdf', buffer: pdf })
  const row = panel.locator('[data-test="attachment-file"]')
  await expect(row).toHaveCount(1)
  await expect(row).toContainText('整改通知.pdf')
  await expect(row).toContainText(`${pdf.length} B`)
  await expect(row.locator('[data-test="attachment-download"]')).toHaveAttribute('href', /\/api\/v1\/attachments\/[0-9a-f-]+\/download$/)

  // the preview opens the full file
  await thumb.click()
  const viewer = disp.locator('.el-image-viewer__wrapper')
  await expect(viewer).toBeVisible()
  await expect(viewer.locator('img.el-image-viewer__img')).toHaveAttribute('src', /\/download$/)
  await disp.keyboard.press('Escape')
  await expect(viewer).toHaveCount(0)

  // an executable renamed to .jpg passes the browser's check but not the server's
  await input.setInputFiles({ name: '现场照片.jpg', mimeType: 'image/jpeg', buffer: exe() })
  const err = panel.locator('[data-test="attachment-error"]')
  await expect(err).toContainText('不支持的附件类型（现场照片.jpg）')
  await expect(err).toContainText('仅限 JPG、PNG、GIF、WEBP 图片')
  await expect(disp.locator('.el-message--error')).toContainText('不支持的附件类型')
  await expect(panel.locator('[data-test="attachment-thumb"]')).toHaveCount(2)
  await expect(panel.locator('.count')).toHaveText('共 3 个')
  await disp.evaluate(() => window.scrollTo(0, 0))
  await shot(disp, '63-attachments')
})

test('an ended case shows its attachments but offers no upload', async ({ browser }) => {
  const disp = await as(browser, 'dispatcher')
  await disp.goto('/cases?state=closed')
  await tableLoaded(disp, 'case-table')
  await disp.locator('[data-test="case-table"] [data-test="case-no-cell"]').first().click()
  await expect(disp.locator('[data-test="case-header"] [data-test="state-tag"]')).toHaveText('已办结')
  await expect(disp.locator('[data-test="attachments"]')).toBeVisible()
  await expect(disp.locator('[data-test="attachment-upload"]')).toHaveCount(0)
})

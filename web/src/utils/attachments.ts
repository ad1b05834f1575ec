// Attachment rules the browser can check before sending (the server checks again, by content).

import { formatSize } from '@/utils/cases'

export { formatSize }

/** Largest file the server accepts (20 MB). */
export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
/** Longest 说明. */
export const ATTACHMENT_NOTE_MAX = 200
/** Most files picked at once on the intake form. */
export const INTAKE_MAX_FILES = 10

export const IMAGE_EXTS = ['jpg', 'jpeg', 'png', 'gif', 'webp'] as const
export const DOC_EXTS = ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx'] as const
export const ATTACHMENT_EXTS: readonly string[] = [...IMAGE_EXTS, ...DOC_EXTS]
/** For `<input accept>`. */
export const ATTACHMENT_ACCEPT = ATTACHMENT_EXTS.map((e) => `.${e}`).join(',')
export const ATTACHMENT_HINT = '支持 JPG、PNG、GIF、WEBP 图片，PDF，Word/Excel/PowerPoint 文档，单个不超过 20 MB'

/** "报告.PDF" → "pdf"; "" when there is none. */
export function extOf(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? ''
  const i = base.lastIndexOf('.')
  return i > 0 && i < base.length - 1 ? base.slice(i + 1).toLowerCase() : ''
}

export function isImageName(name: string): boolean {
  return (IMAGE_EXTS as readonly string[]).includes(extOf(name))
}

/** Why a picked file cannot be sent (Chinese), or null when it may go to the server. */
export function attachmentProblem(file: { name: string; size: number }): string | null {
  const ext = extOf(file.name)
  if (!ext || !ATTACHMENT_EXTS.includes(ext))
    return `不支持的附件类型（${file.name}）：仅限 JPG、PNG、GIF、WEBP 图片，PDF，以及 Word/Excel/PowerPoint 文档`
  if (file.size <= 0) return `附件“${file.name}”是空文件`
  if (file.size > ATTACHMENT_MAX_BYTES)
    return `附件“${file.name}”（${formatSize(file.size)}）超过 ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB`
  return null
}

/** The 说明's problem, or null. */
export function attachmentNoteProblem(note: string): string | null {
  return [...note.trim()].length > ATTACHMENT_NOTE_MAX ? `说明不能超过 ${ATTACHMENT_NOTE_MAX} 个字` : null
}

export type FileKindIcon = 'image' | 'pdf' | 'word' | 'excel' | 'ppt' | 'file'

/** Which icon / colour a file row gets. */
export function fileKindOf(name: string, contentType = ''): FileKindIcon {
  const ext = extOf(name)
  if (contentType.startsWith('image/') || isImageName(name)) return 'image'
  if (ext === 'pdf' || contentType === 'application/pdf') return 'pdf'
  if (ext === 'doc' || ext === 'docx') return 'word'
  if (ext === 'xls' || ext === 'xlsx') return 'excel'
  if (ext === 'ppt' || ext === 'pptx') return 'ppt'
  return 'file'
}

export const FILE_KIND_LABEL: Record<FileKindIcon, string> = {
  image: '图片',
  pdf: 'PDF',
  word: 'Word',
  excel: 'Excel',
  ppt: 'PPT',
  file: '文件',
}

export const FILE_KIND_COLOR: Record<FileKindIcon, string> = {
  image: '#67c23a',
  pdf: '#f56c6c',
  word: '#409eff',
  excel: '#2e9e5b',
  ppt: '#e6a23c',
  file: '#909399',
}

/** States in which nothing may be attached any more. */
export const ENDED_STATES = ['closed', 'rejected', 'withdrawn', 'merged']

export function canAttach(state: string | null | undefined): boolean {
  return !!state && !ENDED_STATES.includes(state)
}

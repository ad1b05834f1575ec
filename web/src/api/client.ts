// Minimal fetch wrapper for the jiban API: JSON in/out, the session cookie, and the
// error convention `{code, message, field?}` (message is Chinese and shown to the user).

export const API_BASE = '/api/v1'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field?: string
  readonly requestId?: string

  constructor(status: number, code: string, message: string, field?: string, requestId?: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.requestId = requestId
  }
}

export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue>

export interface RequestOptions {
  query?: Query
  body?: unknown
  /** Do not trigger the global "401 → login" handler (used by login and the session probe). */
  skipAuthRedirect?: boolean
  signal?: AbortSignal
}

type UnauthorizedHandler = (err: ApiError) => void
let unauthorizedHandler: UnauthorizedHandler | null = null

/** Registers what happens when any request (other than login) answers 401. */
export function setUnauthorizedHandler(fn: UnauthorizedHandler | null): void {
  unauthorizedHandler = fn
}

const STATUS_MESSAGES: Record<number, string> = {
  400: '请求格式有误',
  401: '登录已失效，请重新登录',
  403: '无权执行此操作',
  404: '请求的资源不存在',
  409: '数据冲突，请刷新后重试',
  413: '提交的内容过大',
  422: '提交的数据不符合要求',
  423: '账号已被临时锁定，请稍后再试',
  429: '操作过于频繁，请稍后再试',
  500: '服务器内部错误，请稍后再试',
  502: '服务暂时不可用，请稍后再试',
  503: '服务暂时不可用，请稍后再试',
  504: '服务响应超时，请稍后再试',
}

export function buildUrl(path: string, query?: Query): string {
  let url = API_BASE + path
  if (query) {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue
      params.append(k, String(v))
    }
    const qs = params.toString()
    if (qs) url += (url.includes('?') ? '&' : '?') + qs
  }
  return url
}

function isErrorBody(x: unknown): x is { code?: unknown; message?: unknown; field?: unknown } {
  return typeof x === 'object' && x !== null
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  const init: RequestInit = { method, headers, credentials: 'same-origin', signal: opts.signal }
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(opts.body)
  }

  let res: Response
  try {
    res = await fetch(buildUrl(path, opts.query), init)
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network.error', '无法连接服务器，请检查网络后重试')
  }

  const requestId = res.headers.get('x-request-id') ?? undefined

  if (res.ok) {
    if (res.status === 204) return undefined as T
    const text = await res.text()
    if (!text) return undefined as T
    try {
      return JSON.parse(text) as T
    } catch {
      throw new ApiError(res.status, 'response.invalid_json', '服务器返回了无法解析的数据', undefined, requestId)
    }
  }

  throw await errorOf(res, requestId, opts)
}

async function errorOf(res: Response, requestId: string | undefined, opts: RequestOptions): Promise<ApiError> {
  let code = `http.${res.status}`
  let message = STATUS_MESSAGES[res.status] ?? `请求失败（HTTP ${res.status}）`
  let field: string | undefined
  try {
    const body: unknown = await res.json()
    if (isErrorBody(body)) {
      if (typeof body.code === 'string' && body.code) code = body.code
      if (typeof body.message === 'string' && body.message) message = body.message
      if (typeof body.field === 'string' && body.field) field = body.field
    }
  } catch {
    // not JSON: keep the generic message
  }
  const err = new ApiError(res.status, code, message, field, requestId)
  if (res.status === 401 && !opts.skipAuthRedirect && unauthorizedHandler) {
    unauthorizedHandler(err)
  }
  return err
}

/** The file name of a download: RFC 5987 `filename*` first, then `filename`. */
export function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition)
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition)
  return plain?.[1]?.trim() || fallback
}

/** GETs a file (e.g. an Excel export); errors follow the JSON convention like any request. */
export async function download(
  path: string,
  query: Query | undefined,
  fallbackName: string,
): Promise<{ blob: Blob; filename: string }> {
  let res: Response
  try {
    res = await fetch(buildUrl(path, query), { method: 'GET', credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'network.error', '无法连接服务器，请检查网络后重试')
  }
  const requestId = res.headers.get('x-request-id') ?? undefined
  if (!res.ok) throw await errorOf(res, requestId, {})
  return { blob: await res.blob(), filename: filenameOf(res.headers.get('content-disposition'), fallbackName) }
}

/**
 * POSTs a multipart form (e.g. an attachment). The browser sets the Content-Type with its
 * boundary; errors follow the JSON convention like any request.
 */
export async function upload<T>(path: string, form: FormData, signal?: AbortSignal): Promise<T> {
  let res: Response
  try {
    res = await fetch(buildUrl(path), {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network.error', '无法连接服务器，请检查网络后重试')
  }
  const requestId = res.headers.get('x-request-id') ?? undefined
  if (!res.ok) throw await errorOf(res, requestId, {})
  const text = await res.text()
  if (!text) return undefined as T
  try {
    return JSON.parse(text) as T
  } catch {
    throw new ApiError(res.status, 'response.invalid_json', '服务器返回了无法解析的数据', undefined, requestId)
  }
}

/** Offers a blob to the user as a file download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

export const http = {
  get: <T>(path: string, query?: Query, opts: Omit<RequestOptions, 'query' | 'body'> = {}) =>
    request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('POST', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('PATCH', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('PUT', path, { ...opts, body }),
  del: <T = void>(path: string, opts: Omit<RequestOptions, 'body'> = {}) => request<T>('DELETE', path, opts),
}

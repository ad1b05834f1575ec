import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, buildUrl, http, request, setUnauthorizedHandler } from '@/api/client'

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}

describe('api client', () => {
  const fetchMock = vi.fn<typeof fetch>()

  beforeEach(() => {
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    setUnauthorizedHandler(null)
  })

  it('builds URLs under /api/v1 and skips empty query values', () => {
    expect(buildUrl('/users', { q: '张', role: '', page: 2, org_unit_id: undefined, x: null })).toBe(
      '/api/v1/users?q=%E5%BC%A0&page=2',
    )
    expect(buildUrl('/auth/me')).toBe('/api/v1/auth/me')
  })

  it('sends JSON with same-origin credentials and parses the answer', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { id: 'u1' }))
    const r = await http.post<{ id: string }>('/users', { username: 'a' })
    expect(r).toEqual({ id: 'u1' })
    const [url, init] = fetchMock.mock.calls[0]!
    expect(url).toBe('/api/v1/users')
    expect(init!.method).toBe('POST')
    expect(init!.credentials).toBe('same-origin')
    expect((init!.headers as Record<string, string>)['Content-Type']).toBe('application/json')
    expect(init!.body).toBe('{"username":"a"}')
  })

  it('returns undefined for 204', async () => {
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }))
    await expect(http.del('/auth/tokens/1')).resolves.toBeUndefined()
  })

  it('turns an error body into an ApiError with the Chinese message and field', async () => {
    fetchMock.mockResolvedValueOnce(
      jsonResponse(409, { code: 'conflict.duplicate', message: '用户名已被使用', field: 'username' }, { 'x-request-id': 'req-1' }),
    )
    const err = await http.post('/users', {}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    const e = err as ApiError
    expect(e.status).toBe(409)
    expect(e.code).toBe('conflict.duplicate')
    expect(e.message).toBe('用户名已被使用')
    expect(e.field).toBe('username')
    expect(e.requestId).toBe('req-1')
  })

  it('falls back to a Chinese message when the error body is not JSON', async () => {
    fetchMock.mockResolvedValueOnce(new Response('<html>bad gateway</html>', { status: 502 }))
    const e = (await http.get('/overview').catch((x: unknown) => x)) as ApiError
    expect(e).toBeInstanceOf(ApiError)
    expect(e.status).toBe(502)
    expect(e.code).toBe('http.502')
    expect(e.message).toMatch(/服务暂时不可用/)
  })

  it('reports a network failure as status 0', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    const e = (await http.get('/overview').catch((x: unknown) => x)) as ApiError
    expect(e).toBeInstanceOf(ApiError)
    expect(e.status).toBe(0)
    expect(e.message).toMatch(/无法连接服务器/)
  })

  it('calls the unauthorized handler on 401, except when asked not to', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)

    fetchMock.mockResolvedValueOnce(jsonResponse(401, { code: 'auth.session_expired', message: '登录已过期' }))
    await expect(http.get('/users')).rejects.toMatchObject({ status: 401, code: 'auth.session_expired' })
    expect(handler).toHaveBeenCalledTimes(1)

    fetchMock.mockResolvedValueOnce(jsonResponse(401, { code: 'auth.invalid_credentials', message: '用户名或密码错误' }))
    await expect(request('POST', '/auth/login', { body: {}, skipAuthRedirect: true })).rejects.toMatchObject({
      message: '用户名或密码错误',
    })
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('does not call the unauthorized handler for other errors', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    fetchMock.mockResolvedValueOnce(jsonResponse(403, { code: 'auth.forbidden', message: '无权执行此操作' }))
    await expect(http.get('/users')).rejects.toMatchObject({ status: 403 })
    expect(handler).not.toHaveBeenCalled()
  })
})

import { ApiError } from '@/api/client'

/** Shows the server's Chinese message (or a generic one) as a toast. */
export function showError(e: unknown, fallback = '操作失败，请稍后再试'): void {
  if (e instanceof DOMException && e.name === 'AbortError') return
  // 401 is handled globally (redirect to the login page)
  if (e instanceof ApiError && e.status === 401) return
  const msg = e instanceof ApiError ? e.message : fallback
  ElMessage.error({ message: msg, grouping: true })
  if (!(e instanceof ApiError)) console.error(e)
}

/**
 * For form submissions: if the error names a field that the form has, returns
 * `{ [field]: message }` so that the form item can show it; otherwise shows a toast.
 */
export function fieldErrorOf(e: unknown, fields: readonly string[]): Record<string, string> {
  if (e instanceof ApiError && e.field && fields.includes(e.field)) {
    return { [e.field]: e.message }
  }
  showError(e)
  return {}
}

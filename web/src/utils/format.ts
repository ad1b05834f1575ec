const pad = (n: number) => String(n).padStart(2, '0')

/** RFC 3339 → "YYYY-MM-DD HH:mm" in the browser's time zone (the zone works in +08:00). */
export function formatDateTime(s: string | null | undefined, withSeconds = false): string {
  if (!s) return '—'
  const d = new Date(s)
  if (Number.isNaN(d.getTime())) return s
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
  return withSeconds ? `${base}:${pad(d.getSeconds())}` : base
}

export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  return n.toLocaleString('zh-CN')
}

export function greeting(now = new Date()): string {
  const h = now.getHours()
  if (h < 6) return '夜深了'
  if (h < 11) return '上午好'
  if (h < 13) return '中午好'
  if (h < 18) return '下午好'
  return '晚上好'
}

/** Password rule shared by the forms: at least 8 characters, with letters and digits. */
export function passwordProblem(pw: string): string | null {
  if (pw.length < 8) return '密码至少 8 位'
  if (!/[A-Za-z]/.test(pw) || !/\d/.test(pw)) return '密码须同时包含字母和数字'
  return null
}

export function isLocked(lockedUntil: string | null | undefined, now = Date.now()): boolean {
  if (!lockedUntil) return false
  const t = new Date(lockedUntil).getTime()
  return !Number.isNaN(t) && t > now
}

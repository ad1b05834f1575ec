// Splits a text into plain and matched pieces for <Highlight>: every occurrence of any of the
// terms is marked; overlapping or adjacent matches are joined into one piece. No HTML is built —
// the component renders the pieces as text nodes.

export interface Segment {
  text: string
  hit: boolean
}

/** Latin letters compare case-insensitively; Chinese is unaffected. Same length as the input. */
function fold(s: string): string {
  // toLowerCase keeps the length of everything we expect here (CJK, ASCII, full-width forms)
  const lower = s.toLowerCase()
  return lower.length === s.length ? lower : s
}

export function highlightSegments(text: string | null | undefined, terms: readonly (string | null | undefined)[] | null | undefined): Segment[] {
  const src = text ?? ''
  if (!src) return []
  const words = [...new Set((terms ?? []).map((t) => (t ?? '').trim()).filter((t) => t.length > 0))]
  if (!words.length) return [{ text: src, hit: false }]
  const hay = fold(src)
  // [start, end) of every occurrence of every term (overlapping occurrences included)
  const ranges: [number, number][] = []
  for (const w of words) {
    const needle = fold(w)
    if (needle.length !== w.length) continue
    let from = 0
    for (;;) {
      const i = hay.indexOf(needle, from)
      if (i < 0) break
      ranges.push([i, i + needle.length])
      from = i + 1
    }
  }
  if (!ranges.length) return [{ text: src, hit: false }]
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1])
  // merge overlapping and touching ranges
  const merged: [number, number][] = []
  for (const r of ranges) {
    const last = merged[merged.length - 1]
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1])
    else merged.push([r[0], r[1]])
  }
  const out: Segment[] = []
  let at = 0
  for (const [s, e] of merged) {
    if (s > at) out.push({ text: src.slice(at, s), hit: false })
    out.push({ text: src.slice(s, e), hit: true })
    at = e
  }
  if (at < src.length) out.push({ text: src.slice(at), hit: false })
  return out
}

/**
 * A snippet that starts shortly before its first match, so that the match shows even when the
 * line is cut short ("…大门前约 20 米路面塌陷，雨天积水"). `before` characters of context are kept.
 */
export function focusSnippet(snippet: string | null | undefined, terms: readonly string[] | null | undefined, before = 8): string {
  const src = snippet ?? ''
  const segs = highlightSegments(src, terms)
  const first = segs.findIndex((s) => s.hit)
  if (first < 0) return src
  const at = segs.slice(0, first).reduce((n, s) => n + s.text.length, 0)
  const chars = [...src.slice(0, at)]
  if (chars.length <= before + 1) return src
  const lead = chars.slice(chars.length - before).join('').replace(/^[\s，。、；：,.;:]+/, '')
  return `…${lead}${src.slice(at)}`
}

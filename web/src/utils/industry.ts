import { INDUSTRY_DIVISIONS, INDUSTRY_SECTIONS, type IndustrySection } from './industry-data'

export { INDUSTRY_DIVISIONS, INDUSTRY_SECTIONS, type IndustrySection }

/** The 门类 of a 大类 number (1–97). */
export function sectionOfDivision(n: number): IndustrySection | undefined {
  return INDUSTRY_SECTIONS.find((s) => n >= s.from && n <= s.to)
}

export function sectionName(letter: string | null | undefined): string {
  if (!letter) return ''
  return INDUSTRY_SECTIONS.find((s) => s.letter === letter.toUpperCase())?.name ?? ''
}

export type IndustryParse =
  | { ok: true; code: string; section: IndustrySection; division: string; divisionName: string }
  | { ok: false; message: string }

/**
 * Reads an industry code as the server accepts it — `C39`, `3911` or `C3911` (门类 letter
 * optional, 2 to 4 digits) — and names its 门类 and 大类 (deeper levels are not tabulated).
 * `code` is normalised with its letter (`3911` → `C3911`).
 */
export function parseIndustry(input: string | null | undefined): IndustryParse {
  const s = (input ?? '').trim().toUpperCase()
  if (!s) return { ok: false, message: '请输入行业代码' }
  const m = /^([A-Z]?)(\d{2,4})$/.exec(s)
  if (!m) return { ok: false, message: '行业代码为门类字母加 2–4 位数字，如 C39、C3911 或 3911' }
  const letter = m[1]!
  const digits = m[2]!
  const division = digits.slice(0, 2)
  const divisionName = INDUSTRY_DIVISIONS[division]
  const section = sectionOfDivision(Number(division))
  if (!divisionName || !section) return { ok: false, message: `没有 ${division} 这个行业大类` }
  if (letter && letter !== section.letter) {
    return { ok: false, message: `大类 ${division} 属于门类 ${section.letter}（${section.name}），不是 ${letter}` }
  }
  return { ok: true, code: section.letter + digits, section, division, divisionName }
}

// 惠企政策: labels, the rule as one Chinese sentence, empty leaves, percent ↔ fraction, amounts.

import type {
  Amount,
  ApplicationStatus,
  BenefitType,
  GroupRule,
  LeafKind,
  LeafRule,
  PolicyCatalog,
  PolicyStatus,
  RangeKind,
  Rule,
  RuleKind,
  SizeClassCode,
} from '@/api/policies'
import { INDUSTRY_DIVISIONS, parseIndustry, sectionName } from './industry'

type TagType = 'primary' | 'success' | 'warning' | 'info' | 'danger'

// ---- labels -----------------------------------------------------------------------------------------

export const BENEFIT_TYPE_NAMES: Record<BenefitType, string> = {
  subsidy: '奖补',
  reduction: '减免',
  right: '权益',
  qualification: '资质',
}
export const BENEFIT_TYPE_TAG: Record<BenefitType, TagType> = {
  subsidy: 'danger',
  reduction: 'warning',
  right: 'primary',
  qualification: 'success',
}
export const BENEFIT_TYPE_OPTIONS = (Object.keys(BENEFIT_TYPE_NAMES) as BenefitType[]).map((value) => ({
  value,
  label: BENEFIT_TYPE_NAMES[value],
}))

export const POLICY_STATUS_NAMES: Record<PolicyStatus, string> = {
  draft: '草稿',
  published: '已发布',
  archived: '已废止',
}
export const POLICY_STATUS_TAG: Record<PolicyStatus, TagType> = {
  draft: 'info',
  published: 'success',
  archived: 'warning',
}
export const POLICY_STATUS_OPTIONS = (Object.keys(POLICY_STATUS_NAMES) as PolicyStatus[]).map((value) => ({
  value,
  label: POLICY_STATUS_NAMES[value],
}))

export const APPLICATION_STATUS_NAMES: Record<ApplicationStatus, string> = {
  submitted: '待审核',
  returned: '退回补正',
  refused: '不予支持',
  approved: '审核通过',
  paid: '已兑现',
}
export const APPLICATION_STATUS_TAG: Record<ApplicationStatus, TagType> = {
  submitted: 'primary',
  returned: 'warning',
  refused: 'danger',
  approved: 'success',
  paid: 'success',
}
export const APPLICATION_STATUS_OPTIONS = (Object.keys(APPLICATION_STATUS_NAMES) as ApplicationStatus[]).map((value) => ({
  value,
  label: APPLICATION_STATUS_NAMES[value],
}))

export const SIZE_CLASS_NAMES: Record<SizeClassCode, string> = {
  large: '大型',
  medium: '中型',
  small: '小型',
  micro: '微型',
}

export const RULE_KIND_NAMES: Record<RuleKind, string> = {
  all: '全部满足',
  any: '满足其一',
  not: '不满足',
  industry: '行业',
  size: '企业规模',
  street: '所在街道',
  tags_all: '同时具有标签',
  tags_any: '具有任一标签',
  tags_none: '不具有标签',
  founded_years: '成立年限',
  employees: '从业人员',
  revenue: '营业收入',
  revenue_growth: '营收增速',
  rd_intensity: '研发强度',
  indicator: '运行指标',
  band: '五色图色标',
  no_serious_hazard: '无未整改重大隐患',
}

/** The leaf kinds in the order the builder offers them. */
export const LEAF_KINDS: readonly LeafKind[] = [
  'industry',
  'size',
  'street',
  'tags_all',
  'tags_any',
  'tags_none',
  'founded_years',
  'employees',
  'revenue',
  'revenue_growth',
  'rd_intensity',
  'indicator',
  'band',
  'no_serious_hazard',
]

export const GROUP_KINDS = ['all', 'any', 'not'] as const
export type GroupKind = (typeof GROUP_KINDS)[number]

export const RANGE_KINDS: readonly RangeKind[] = ['founded_years', 'employees', 'revenue', 'revenue_growth', 'rd_intensity', 'indicator']

/** Kinds whose bounds are fractions in the JSON and percentages in the form. */
export const PERCENT_KINDS: readonly RangeKind[] = ['revenue_growth', 'rd_intensity']

/** The unit shown next to a range leaf's inputs (an indicator's comes from the catalog). */
export const RANGE_UNITS: Record<Exclude<RangeKind, 'indicator'>, string> = {
  founded_years: '年',
  employees: '人',
  revenue: '万元',
  revenue_growth: '%',
  rd_intensity: '%',
}

export function isGroup(r: Rule): r is GroupRule {
  return r.kind === 'all' || r.kind === 'any'
}
export function isLeaf(r: Rule): r is LeafRule {
  return r.kind !== 'all' && r.kind !== 'any' && r.kind !== 'not'
}
export function isRangeKind(k: string): k is RangeKind {
  return (RANGE_KINDS as readonly string[]).includes(k)
}
export function isPercentKind(k: string): boolean {
  return (PERCENT_KINDS as readonly string[]).includes(k)
}

// ---- building rules ---------------------------------------------------------------------------------

/** A fresh leaf of a kind (an indicator leaf takes the catalog's first indicator when given). */
export function emptyLeaf(kind: LeafKind, catalog?: Pick<PolicyCatalog, 'indicators'> | null): LeafRule {
  switch (kind) {
    case 'industry':
      return { kind, prefixes: [] }
    case 'size':
      return { kind, classes: [] }
    case 'street':
      return { kind, streets: [] }
    case 'tags_all':
    case 'tags_any':
    case 'tags_none':
      return { kind, tags: [] }
    case 'founded_years':
    case 'employees':
    case 'revenue':
    case 'revenue_growth':
    case 'rd_intensity':
      return { kind, min: null, max: null }
    case 'indicator':
      return { kind, code: catalog?.indicators[0]?.code ?? '', min: null, max: null }
    case 'band':
      return { kind, bands: [] }
    case 'no_serious_hazard':
      return { kind }
  }
}

export function emptyGroup(kind: 'all' | 'any' = 'all'): GroupRule {
  return { kind, rules: [] }
}

/** Any rule of a kind: a group, a `not` around an empty leaf, or a leaf. */
export function emptyRule(kind: RuleKind, catalog?: Pick<PolicyCatalog, 'indicators'> | null): Rule {
  if (kind === 'all' || kind === 'any') return emptyGroup(kind)
  if (kind === 'not') return { kind: 'not', rule: { kind: 'all', rules: [] } }
  return emptyLeaf(kind, catalog)
}

/**
 * Changes a leaf's kind keeping what still applies (the bounds between range kinds — converted
 * when one side is a percentage kind and the other not is nonsense, so they are dropped — and the
 * tag list between tag kinds).
 */
export function changeLeafKind(leaf: LeafRule, kind: LeafKind, catalog?: Pick<PolicyCatalog, 'indicators'> | null): LeafRule {
  const next = emptyLeaf(kind, catalog)
  if ('tags' in leaf && 'tags' in next) next.tags = [...leaf.tags]
  if ('min' in leaf && 'min' in next && isPercentKind(leaf.kind) === isPercentKind(kind)) {
    next.min = leaf.min
    next.max = leaf.max
  }
  return next
}

/** The root as officers see it: always an `all` group (a single leaf or `any`/`not` is wrapped). */
export function asRootGroup(rule: Rule | null | undefined): GroupRule {
  if (!rule) return emptyGroup('all')
  if (rule.kind === 'all') return rule
  return { kind: 'all', rules: [rule] }
}

/** A deep copy (rules are plain JSON). */
export function cloneRule<T extends Rule>(r: T): T {
  return JSON.parse(JSON.stringify(r)) as T
}

// ---- percent ↔ fraction -----------------------------------------------------------------------------

/** Rounds away binary noise (0.1 * 100 = 10.000000000000002). */
function tidy(v: number): number {
  return Number(v.toPrecision(12))
}

/** 0.1 → 10 (the JSON stores fractions, the form shows percentages); null stays null. */
export function toPercent(fraction: number | null | undefined): number | null {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return null
  return tidy(fraction * 100)
}

/** 10 → 0.1; null stays null. */
export function fromPercent(percent: number | null | undefined): number | null {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return null
  return tidy(percent / 100)
}

// ---- the rule as a sentence -------------------------------------------------------------------------

/** A number with at most 2 decimals, trailing zeros dropped (as the server's explanations). */
export function num(v: number): string {
  const r = Math.round(v * 100) / 100
  const s = r.toFixed(2).replace(/\.?0+$/, '')
  return s === '-0' ? '0' : s
}

/** `C` → `C 制造业`, `C39` → `C39 计算机、通信和其他电子设备制造业`, `3911` → `C3911（…）`. */
export function industryPrefixText(prefix: string): string {
  const p = prefix.trim().toUpperCase()
  if (/^[A-T]$/.test(p)) {
    const n = sectionName(p)
    return n ? `${p} ${n}` : p
  }
  const parsed = parseIndustry(p)
  if (!parsed.ok) return p
  const name = INDUSTRY_DIVISIONS[parsed.division]
  if (!name) return parsed.code
  return parsed.code.length === 3 ? `${parsed.code} ${name}` : `${parsed.code}（${name}）`
}

type NameCatalog = Partial<Pick<PolicyCatalog, 'streets' | 'bands' | 'indicators' | 'tags'>> | null | undefined

function lookup(list: { code: string; name: string }[] | undefined, code: string): string {
  return list?.find((x) => x.code === code)?.name ?? code
}

function rangeText(name: string, min: number | null, max: number | null, fmt: (v: number) => string, years = false): string {
  const a = min ?? null
  const b = max ?? null
  if (years) {
    if (a !== null && b === null) return `成立满 ${num(a)} 年`
    if (a === null && b !== null) return `成立不超过 ${num(b)} 年`
    if (a !== null && b !== null) return `成立 ${num(a)} 至 ${num(b)} 年`
  }
  if (a !== null && b === null) return `${name} ≥ ${fmt(a)}`
  if (a === null && b !== null) return `${name} ≤ ${fmt(b)}`
  if (a !== null && b !== null) return `${name} ${fmt(a)} 至 ${fmt(b)}`
  return `${name}不限`
}

const pct = (v: number) => `${num(v * 100)}%`
const quoted = (xs: string[]) => xs.map((x) => `“${x}”`).join('')
const orList = (xs: string[]) => (xs.length ? xs.join('、') : '（未选择）')

/** One leaf in words, e.g. “从业人员 ≥ 10 人”, “规模为 小型、微型”. */
export function leafSentence(r: LeafRule, catalog?: NameCatalog): string {
  switch (r.kind) {
    case 'industry':
      return r.prefixes.length ? `行业属于 ${r.prefixes.map(industryPrefixText).join('、')}` : '行业属于（未填写）'
    case 'size':
      return `规模为 ${orList(r.classes.map((c) => SIZE_CLASS_NAMES[c] ?? c))}`
    case 'street':
      return `位于 ${orList(r.streets.map((s) => lookup(catalog?.streets, s)))}`
    case 'tags_all':
      return r.tags.length ? `同时具有标签${quoted(r.tags)}` : '同时具有标签（未选择）'
    case 'tags_any':
      return r.tags.length ? `具有标签${r.tags.map((t) => `“${t}”`).join('或')}` : '具有任一标签（未选择）'
    case 'tags_none':
      return r.tags.length ? `不具有标签${quoted(r.tags)}` : '不具有标签（未选择）'
    case 'founded_years':
      return rangeText('成立年限', r.min, r.max, (v) => `${num(v)} 年`, true)
    case 'employees':
      return rangeText('从业人员', r.min, r.max, (v) => `${num(v)} 人`)
    case 'revenue':
      return rangeText('营业收入', r.min, r.max, (v) => `${num(v)} 万元`)
    case 'revenue_growth':
      return rangeText('营收增速', r.min, r.max, pct)
    case 'rd_intensity':
      return rangeText('研发强度', r.min, r.max, pct)
    case 'indicator': {
      const ind = catalog?.indicators?.find((i) => i.code === r.code)
      const name = r.code ? (ind?.name ?? r.code) : '运行指标（未选择）'
      const unit = ind?.unit ?? ''
      const fmt = (v: number) => (unit === '%' ? `${num(v)}%` : unit ? `${num(v)} ${unit}` : num(v))
      return rangeText(name, r.min, r.max, fmt)
    }
    case 'band':
      return `五色图色标为 ${orList(r.bands.map((b) => lookup(catalog?.bands, b)))}`
    case 'no_serious_hazard':
      return '无未整改的重大安全隐患'
  }
}

function sentence(r: Rule, catalog: NameCatalog, nested: boolean): string {
  switch (r.kind) {
    case 'all': {
      if (!r.rules.length) return nested ? '（空条件组）' : '不限条件'
      const parts = r.rules.map((x) => sentence(x, catalog, true))
      if (parts.length === 1) return parts[0]!
      return nested ? `（${parts.join('，且')}）` : parts.join('；')
    }
    case 'any': {
      if (!r.rules.length) return '（空条件组）'
      const parts = r.rules.map((x) => sentence(x, catalog, true))
      if (parts.length === 1) return parts[0]!
      const s = parts.join('，或')
      return nested ? `（${s}）` : `满足其一：${s}`
    }
    case 'not':
      return `不得：${sentence(r.rule, catalog, true)}`
    default:
      return leafSentence(r, catalog)
  }
}

/**
 * The rule as one Chinese sentence for lists, e.g.
 * “规模为 小型、微型；从业人员 ≥ 10 人；（具有标签“高新技术企业”，或研发强度 ≥ 3%）”.
 */
export function ruleSentence(rule: Rule | null | undefined, catalog?: NameCatalog): string {
  if (!rule) return '不限条件'
  return sentence(rule, catalog, false)
}

/** How many leaves a rule has. */
export function leafCount(rule: Rule): number {
  if (rule.kind === 'all' || rule.kind === 'any') return rule.rules.reduce((s, r) => s + leafCount(r), 0)
  if (rule.kind === 'not') return leafCount(rule.rule)
  return 1
}

/**
 * The first problem of a leaf as the server would report it (without the place), or null — shown
 * under the leaf before saving.
 */
export function leafProblem(r: LeafRule): string | null {
  const bounds = (name: string, min: number | null, max: number | null) => {
    if (min === null && max === null) return `${name}至少需要填写下限或上限`
    if (min !== null && max !== null && min > max) return `${name}的下限不能大于上限`
    return null
  }
  switch (r.kind) {
    case 'industry':
      if (!r.prefixes.length) return '行业范围不能为空'
      for (const p of r.prefixes) {
        const s = p.trim().toUpperCase()
        if (/^[A-T]$/.test(s)) continue
        const parsed = parseIndustry(s)
        if (!parsed.ok) return `行业代码“${p}”不正确：${parsed.message}`
      }
      return null
    case 'size':
      return r.classes.length ? null : '企业规模不能为空'
    case 'street':
      return r.streets.length ? null : '所在街道不能为空'
    case 'tags_all':
    case 'tags_any':
    case 'tags_none':
      return r.tags.length ? null : '标签不能为空'
    case 'band':
      return r.bands.length ? null : '五色图色标不能为空'
    case 'indicator':
      if (!r.code) return '请选择运行指标'
      return bounds('指标', r.min, r.max)
    case 'no_serious_hazard':
      return null
    default:
      return bounds(RULE_KIND_NAMES[r.kind], r.min, r.max)
  }
}

// ---- amounts ----------------------------------------------------------------------------------------

/** 12.5 → “12.5 万元”; null → “—”. */
export function formatWan(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  return `${v.toLocaleString('zh-CN', { maximumFractionDigits: 4 })} 万元`
}

/** The formula as people write it: `*` → ×, `/` → ÷. */
export function formulaText(formula: string): string {
  return formula
    .trim()
    .replace(/\s*\*\s*/g, ' × ')
    .replace(/\s*\/\s*/g, ' ÷ ')
}

/**
 * “研发费用 × 5%，最高 100 万元”, “20 万元”, “不涉及金额”. With the catalog, indicator codes in a
 * formula are shown by name (`ydl × 12` → `用电量 × 12`).
 */
export function amountText(amount: Amount | null | undefined, catalog?: Pick<PolicyCatalog, 'indicators'> | null): string {
  if (!amount || amount.kind === 'none') return '不涉及金额'
  if (amount.kind === 'fixed') return formatWan(amount.wan)
  let s = formulaText(amount.formula)
  if (s && catalog?.indicators?.length) {
    s = s.replace(/[A-Za-z_][A-Za-z0-9_]*/g, (w) => catalog.indicators.find((i) => i.code === w)?.name ?? w)
  }
  s ||= '（未填写公式）'
  if (amount.floor_wan !== null && amount.floor_wan !== undefined) s += `，最低 ${formatWan(amount.floor_wan)}`
  if (amount.cap_wan !== null && amount.cap_wan !== undefined) s += `，最高 ${formatWan(amount.cap_wan)}`
  return s
}

export const AMOUNT_KIND_NAMES: Record<Amount['kind'], string> = {
  none: '不涉及金额',
  fixed: '固定金额',
  formula: '按公式测算',
}

/** Materials typed one per line → the list (blank lines dropped, trimmed). */
export function materialsFromText(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean)
}

export function materialsToText(list: readonly string[] | null | undefined): string {
  return (list ?? []).join('\n')
}

/** `items[1].rule` → { index: 1, field: 'rule' }; `title` → { index: null, field: 'title' }. */
export function parseItemField(field: string | null | undefined): { index: number | null; field: string } | null {
  if (!field) return null
  const m = /^items\[(\d+)\]\.?(.*)$/.exec(field)
  if (m) return { index: Number(m[1]), field: m[2] || '' }
  return { index: null, field }
}

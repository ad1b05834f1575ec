// Shared rules of 智能派单 (routing suggestions) and 重复件 (duplicates) on the client.

import type { Role } from '@/api/types'

/** Roles the server gives routing suggestions to (`POST /routing/suggest`). */
export const SUGGEST_ROLES: readonly Role[] = ['intake', 'dispatcher', 'supervisor', 'admin', 'grid_worker']

/** Roles that may merge a case into another (`POST /cases/{id}/merge`). */
export const MERGE_ROLES: readonly Role[] = ['intake', 'dispatcher', 'supervisor']

/** Roles that work the list of duplicate pairs found by the nightly sweep (`GET /duplicates`, menu 重复件). */
export const DUPLICATE_ROLES: readonly Role[] = ['dispatcher', 'supervisor', 'admin']

/** Roles the server checks duplicates for (`POST /cases/duplicates/check`, `GET /cases/{id}/duplicates`). */
export const CHECK_ROLES: readonly Role[] = ['intake', 'dispatcher', 'supervisor', 'admin', 'leader']

/** Texts shorter than this (in characters) are not sent for suggestions or duplicate checks. */
export const MIN_TEXT = 6

/** What the models read: the title and the description. */
export function demandText(title: string | null | undefined, description: string | null | undefined): string {
  return [title ?? '', description ?? ''].map((s) => s.trim()).filter(Boolean).join('\n')
}

/** Whether a text is long enough to ask about (counted in characters, not UTF-16 units). */
export function longEnough(text: string | null | undefined): boolean {
  return [...(text ?? '').trim()].length >= MIN_TEXT
}

/** 0.823 → "82%" */
export function percent(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—'
  const v = Math.max(0, Math.min(1, x)) * 100
  return `${digits ? v.toFixed(digits) : Math.round(v)}%`
}

/** The tag colour of a duplicate score: the closer to certain, the warmer. */
export function scoreTag(score: number): 'danger' | 'warning' | 'info' {
  return score >= 0.6 ? 'danger' : score >= 0.35 ? 'warning' : 'info'
}

export function has(roles: readonly Role[], role: Role | null | undefined): boolean {
  return !!role && roles.includes(role)
}

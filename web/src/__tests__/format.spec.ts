import { describe, expect, it } from 'vitest'
import { formatDateTime, isLocked, passwordProblem } from '@/utils/format'
import { safeRedirect } from '@/router'
import { canBeParent, CHILD_KINDS } from '@/utils/labels'

describe('passwordProblem', () => {
  it('requires 8 characters with letters and digits', () => {
    expect(passwordProblem('Ab1')).toMatch(/至少 8 位/)
    expect(passwordProblem('abcdefgh')).toMatch(/字母和数字/)
    expect(passwordProblem('12345678')).toMatch(/字母和数字/)
    expect(passwordProblem('Jiban@2025')).toBeNull()
    expect(passwordProblem('abcd1234')).toBeNull()
  })
})

describe('safeRedirect', () => {
  it('only follows same-site paths', () => {
    expect(safeRedirect('/admin/users?page=2')).toBe('/admin/users?page=2')
    expect(safeRedirect('https://evil.example/')).toBe('/')
    expect(safeRedirect('//evil.example/')).toBe('/')
    expect(safeRedirect('/login?redirect=/x')).toBe('/')
    expect(safeRedirect(undefined)).toBe('/')
  })
})

describe('formatDateTime / isLocked', () => {
  it('formats RFC 3339 times and tolerates empty values', () => {
    expect(formatDateTime(null)).toBe('—')
    expect(formatDateTime('not a date')).toBe('not a date')
    expect(formatDateTime('2025-03-01T09:05:00+08:00')).toMatch(/^2025-03-0[01] \d\d:05$/)
  })

  it('tells whether a lock is still in force', () => {
    const now = Date.parse('2025-03-01T10:00:00+08:00')
    expect(isLocked('2025-03-01T10:30:00+08:00', now)).toBe(true)
    expect(isLocked('2025-03-01T09:30:00+08:00', now)).toBe(false)
    expect(isLocked(null, now)).toBe(false)
  })
})

describe('org nesting rule', () => {
  it('matches the server: zone→department|street, street→community|village, community|village→grid', () => {
    expect(CHILD_KINDS.zone).toEqual(['department', 'street'])
    expect(canBeParent('street', 'village')).toBe(true)
    expect(canBeParent('village', 'grid')).toBe(true)
    expect(canBeParent('zone', 'grid')).toBe(false)
    expect(canBeParent('department', 'grid')).toBe(false)
    expect(canBeParent('grid', 'grid')).toBe(false)
  })
})

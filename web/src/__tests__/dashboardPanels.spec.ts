import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import type { DashboardRanking, DashboardUrgentCase } from '@/api/dashboard'
import KpiCard from '@/components/dashboard/KpiCard.vue'
import RankingBoard from '@/components/dashboard/RankingBoard.vue'
import UrgentList from '@/components/dashboard/UrgentList.vue'

const RANKING: DashboardRanking = {
  snapshot_id: 's1',
  label: '2026年11月16日至11月22日（第47周）',
  rows: [
    { unit_name: '经济发展部', group: 'department', rank: 2, of: 2, score: 80.04, movement: { kind: 'down', by: 1 } },
    { unit_name: '金山街道', group: 'street', rank: 2, of: 2, score: 85.1, movement: { kind: 'same' } },
    { unit_name: '向阳街道', group: 'street', rank: 1, of: 2, score: 91.66, movement: { kind: 'up', by: 2 } },
    { unit_name: '党政办公室', group: 'department', rank: 1, of: 2, score: 98, movement: { kind: 'new' } },
  ],
}

describe('RankingBoard', () => {
  it('lists the streets, then the departments, with score and movement', () => {
    const w = mount(RankingBoard, { props: { ranking: RANKING, status: 'ready' } })
    expect(w.text()).toContain('第47周')
    const tables = w.findAll('table')
    expect(tables.map((t) => t.attributes('data-group'))).toEqual(['street', 'department'])
    const rows = w.findAll('[data-test="ranking-row"]').map((r) => r.findAll('td').map((td) => td.text()))
    expect(rows).toEqual([
      ['1', '向阳街道', '91.7', '↑2'],
      ['2', '金山街道', '85.1', '—'],
      ['1', '党政办公室', '98.0', '新'],
      ['2', '经济发展部', '80.0', '↓1'],
    ])
    expect(w.find('[data-test="ranking-row"] .c-move').classes()).toContain('up')
  })

  it('says so when there is no snapshot yet, or when the figures failed', () => {
    expect(mount(RankingBoard, { props: { ranking: null, status: 'ready' } }).text()).toContain('暂无排名快照')
    expect(mount(RankingBoard, { props: { ranking: null, status: 'loading' } }).text()).not.toContain('暂无排名快照')
    expect(mount(RankingBoard, { props: { ranking: null, status: 'failed' } }).text()).toContain('数据加载失败')
  })
})

describe('UrgentList', () => {
  const c: DashboardUrgentCase = {
    id: 'c1',
    case_no: 'JB20261125-0065',
    title: '厂区门口道路积水',
    state: 'handling',
    state_label: '办理中',
    created_at: '2026-11-25T10:00:00+08:00',
    area_name: '向阳街道',
  }

  it('shows the case and asks to open it on click', async () => {
    const w = mount(UrgentList, { props: { cases: [c], status: 'ready', now: new Date('2026-11-25T12:30:00+08:00') } })
    const row = w.get('[data-test="urgent-row"]')
    expect(row.text()).toContain('厂区门口道路积水')
    expect(row.text()).toContain('2小时前')
    expect(row.text()).toContain('向阳街道')
    expect(row.text()).toContain('办理中')
    await row.trigger('click')
    expect(w.emitted('open')).toEqual([[c]])
  })

  it('says when there is none', () => {
    const w = mount(UrgentList, { props: { cases: [], status: 'ready', now: new Date() } })
    expect(w.text()).toContain('暂无紧急诉求')
  })
})

describe('KpiCard', () => {
  it('shows big numbers grouped by thousands, — before the figures arrive', () => {
    const w = mount(KpiCard, {
      props: {
        title: '本年',
        items: [
          { key: 'received', label: '受理', value: 12840, tone: 'accent' },
          { key: 'closed', label: '办结', value: undefined, tone: 'ok' },
        ],
      },
    })
    expect(w.findAll('[data-test="kpi-value"]').map((v) => v.text())).toEqual(['12,840', '—'])
    expect(w.find('[data-kpi="received"] .kpi-value').classes()).toContain('accent')
  })
})

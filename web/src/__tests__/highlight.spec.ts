import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import Highlight from '@/components/Highlight.vue'
import { focusSnippet, highlightSegments } from '@/utils/highlight'

const marked = (text: string, terms: string[]) =>
  highlightSegments(text, terms)
    .map((s) => (s.hit ? `[${s.text}]` : s.text))
    .join('')

describe('highlightSegments', () => {
  it('marks every occurrence of every term', () => {
    expect(marked('锦绣路停电，锦绣路口也停电', ['停电', '锦绣路'])).toBe('[锦绣路停电]，[锦绣路]口也[停电]')
    expect(highlightSegments('路灯不亮', ['路灯'])).toEqual([
      { text: '路灯', hit: true },
      { text: '不亮', hit: false },
    ])
  })

  it('joins overlapping and adjacent terms into one mark', () => {
    // 锦绣 and 绣路 overlap inside 锦绣路
    expect(marked('锦绣路厂区', ['锦绣', '绣路'])).toBe('[锦绣路]厂区')
    // a term inside another
    expect(marked('燃气管道疑似泄漏', ['燃气管道', '管道'])).toBe('[燃气管道]疑似泄漏')
    // touching terms
    expect(marked('道路破损', ['道路', '破损'])).toBe('[道路破损]')
    // overlapping occurrences of one term
    expect(marked('哈哈哈', ['哈哈'])).toBe('[哈哈哈]')
  })

  it('keeps the text whole, in order, whatever the terms', () => {
    const text = '东湖路 66 号小区南门外三盏路灯连续五晚不亮'
    for (const terms of [[], ['路灯'], ['路', '灯', '路灯'], ['不存在'], ['', '  ']]) {
      expect(
        highlightSegments(text, terms)
          .map((s) => s.text)
          .join(''),
      ).toBe(text)
    }
    expect(highlightSegments(text, [])).toEqual([{ text, hit: false }])
    expect(highlightSegments('', ['路'])).toEqual([])
    expect(highlightSegments(null, ['路'])).toEqual([])
    expect(highlightSegments('abc', null)).toEqual([{ text: 'abc', hit: false }])
  })

  it('matches Latin letters regardless of case and trims the terms', () => {
    expect(marked('LED 路灯与 led 灯带', [' led '])).toBe('[LED] 路灯与 [led] 灯带')
    expect(marked('统一社会信用代码 91340100MA2XXXXX1X', ['ma2x'])).toBe('统一社会信用代码 91340100[MA2X]XXXX1X')
  })

  it('treats terms literally (no regular expressions)', () => {
    expect(marked('费用 (3.5 万元) 未付', ['(3.5'])).toBe('费用 [(3.5] 万元) 未付')
    expect(marked('a.b*c', ['.', '*'])).toBe('a[.]b[*]c')
  })
})

describe('<Highlight>', () => {
  it('wraps the matches in <mark>', () => {
    const w = mount(Highlight, { props: { text: '锦绣路厂区门口道路破损', terms: ['道路', '锦绣路'] } })
    const marks = w.findAll('mark')
    expect(marks.map((m) => m.text())).toEqual(['锦绣路', '道路'])
    expect(w.text()).toBe('锦绣路厂区门口道路破损')
  })

  it('shows the text as written: markup in it is never interpreted', () => {
    const evil = '<img src=x onerror="alert(1)"><b>停电</b><script>alert(2)</script>'
    const w = mount(Highlight, { props: { text: evil, terms: ['停电', '<b>'] } })
    expect(w.find('img').exists()).toBe(false)
    expect(w.find('b').exists()).toBe(false)
    expect(w.find('script').exists()).toBe(false)
    expect(w.text()).toBe(evil)
    expect(w.findAll('mark').map((m) => m.text())).toEqual(['<b>停电'])
    // the only elements are the wrapper and the marks
    expect(w.element.querySelectorAll('*').length).toBe(w.findAll('mark').length)
  })

  it('renders plain text without terms, and nothing for no text', () => {
    const w = mount(Highlight, { props: { text: '路灯不亮' } })
    expect(w.findAll('mark')).toHaveLength(0)
    expect(w.text()).toBe('路灯不亮')
    const e = mount(Highlight, { props: { text: null, terms: ['路'] } })
    expect(e.text()).toBe('')
  })
})

describe('focusSnippet', () => {
  it('starts a long snippet shortly before its first match', () => {
    const s = '锦绣路厂区大门前约 20 米路面塌陷，雨天积水，重型货车进出困难，存在安全隐患。'
    const f = focusSnippet(s, ['塌陷'], 6)
    expect(f.startsWith('…')).toBe(true)
    expect(f).toContain('米路面塌陷，雨天积水')
    expect(f.endsWith('存在安全隐患。')).toBe(true)
    expect(f.indexOf('塌陷')).toBeLessThanOrEqual(8)
  })

  it('keeps a snippet whose match is near the start, or that has no match', () => {
    expect(focusSnippet('路面塌陷，雨天积水', ['塌陷'])).toBe('路面塌陷，雨天积水')
    expect(focusSnippet('路面塌陷', ['井盖'])).toBe('路面塌陷')
    expect(focusSnippet('', ['井盖'])).toBe('')
    expect(focusSnippet(null, null)).toBe('')
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import type { PolicyCatalog, Rule } from '@/api/policies'
import RuleBuilder from '@/components/policies/RuleBuilder.vue'

const catalog: PolicyCatalog = {
  tags: ['高新技术企业', '专精特新'],
  streets: [{ code: 'YL-S01', name: '向阳街道' }],
  indicators: [{ code: 'ELEC', name: '用电量', unit: '万千瓦时' }],
  bands: [{ code: 'green', name: '绿' }],
  size_classes: [
    { code: 'large', name: '大型' },
    { code: 'medium', name: '中型' },
    { code: 'small', name: '小型' },
    { code: 'micro', name: '微型' },
  ],
  benefit_types: [],
  departments: [],
  amount_names: ['营业收入', '研发费用'],
}

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

/** Mounts the builder with v-model bound to a ref (as a page does); returns the ref and the emits. */
async function mountBuilder(initial: Rule | null) {
  const model = ref<Rule | null>(initial)
  const emitted: Rule[] = []
  const Host = defineComponent({
    setup() {
      return () =>
        h(RuleBuilder, {
          modelValue: model.value,
          catalog,
          'onUpdate:modelValue': (r: Rule) => {
            emitted.push(JSON.parse(JSON.stringify(r)) as Rule)
            model.value = r
          },
        })
    },
  })
  wrapper = mount(Host, { attachTo: document.body })
  await flushPromises()
  return { model, emitted }
}

const all = (sel: string, root: ParentNode = document.body) => [...root.querySelectorAll<HTMLElement>(sel)]
const one = (sel: string, root: ParentNode = document.body) => root.querySelector<HTMLElement>(sel)!

async function click(el: HTMLElement) {
  el.click()
  await flushPromises()
}

/** Opens an Element Plus select and clicks the option with this text. */
async function pick(select: HTMLElement, text: string) {
  const trigger = select.querySelector<HTMLElement>('.el-select__wrapper') ?? select
  trigger.click()
  await flushPromises()
  trigger.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }))
  await flushPromises()
  const option = all('.el-select-dropdown__item').find((o) => o.textContent?.trim() === text)
  expect(option, `option ${text}`).toBeTruthy()
  option!.click()
  await flushPromises()
}

/** Types into an el-input-number (the data-test is on the label around it). */
async function typeNumber(label: HTMLElement, value: string) {
  const input = label.querySelector<HTMLInputElement>('input')!
  input.value = value
  input.dispatchEvent(new Event('input', { bubbles: true }))
  input.dispatchEvent(new Event('change', { bubbles: true }))
  await flushPromises()
}

describe('RuleBuilder', () => {
  it('shows the root as an empty 全部满足 group', async () => {
    await mountBuilder(null)
    expect(all('[data-test="rule-group"]')).toHaveLength(1)
    expect(one('[data-test="rule-group"]').dataset.kind).toBe('all')
    expect(all('[data-test="rule-add-leaf"]')).toHaveLength(1)
    expect(all('[data-test="rule-leaf"]')).toHaveLength(0)
    expect(one('[data-test="rule-empty"]').textContent).toContain('添加条件')
  })

  it('adds a leaf, changes its kind, sets the bounds and emits the JSON', async () => {
    const { model, emitted } = await mountBuilder(null)
    await click(one('[data-test="rule-add-leaf"]'))
    expect(emitted.at(-1)).toEqual({ kind: 'all', rules: [{ kind: 'industry', prefixes: [] }] })
    expect(all('[data-test="rule-leaf"]')).toHaveLength(1)

    await pick(one('[data-test="rule-leaf"] [data-test="rule-kind"]'), '从业人员')
    expect(model.value).toEqual({ kind: 'all', rules: [{ kind: 'employees', min: null, max: null }] })
    expect(one('[data-test="rule-unit"]').textContent).toBe('人')

    await typeNumber(one('[data-test="rule-min"]'), '10')
    expect(model.value).toEqual({ kind: 'all', rules: [{ kind: 'employees', min: 10, max: null }] })
    expect(emitted.at(-1)).toEqual(model.value)
    expect(one('[data-test="rule-sentence"]').textContent).toContain('从业人员 ≥ 10 人')
  })

  it('edits growth and R&D intensity in percent and stores fractions', async () => {
    const { model } = await mountBuilder({ kind: 'all', rules: [{ kind: 'revenue_growth', min: 0.1, max: null }] })
    const min = one('[data-test="rule-min"] input') as HTMLInputElement
    expect(min.value).toBe('10')
    expect(one('[data-test="rule-unit"]').textContent).toBe('%')

    await typeNumber(one('[data-test="rule-max"]'), '35')
    expect(model.value).toEqual({ kind: 'all', rules: [{ kind: 'revenue_growth', min: 0.1, max: 0.35 }] })

    await pick(one('[data-test="rule-kind"]'), '研发强度')
    await typeNumber(one('[data-test="rule-min"]'), '3')
    expect(model.value).toEqual({ kind: 'all', rules: [{ kind: 'rd_intensity', min: 0.03, max: 0.35 }] })
  })

  it('picks values from the catalog for multi-select leaves', async () => {
    const { model } = await mountBuilder({ kind: 'all', rules: [{ kind: 'size', classes: [] }] })
    await pick(one('[data-test="rule-values"]'), '小型')
    await pick(one('[data-test="rule-values"]'), '微型')
    expect(model.value).toEqual({ kind: 'all', rules: [{ kind: 'size', classes: ['small', 'micro'] }] })

    await pick(one('[data-test="rule-kind"]'), '同时具有标签')
    await pick(one('[data-test="rule-values"]'), '专精特新')
    expect(model.value).toEqual({ kind: 'all', rules: [{ kind: 'tags_all', tags: ['专精特新'] }] })
  })

  it('adds a leaf to the group the button belongs to and removes leaves', async () => {
    const { model } = await mountBuilder({
      kind: 'all',
      rules: [{ kind: 'employees', min: 10, max: null }, { kind: 'any', rules: [] }],
    })
    const adds = all('[data-test="rule-add-leaf"]')
    expect(adds).toHaveLength(2)
    await click(adds[1]!)
    expect(model.value).toEqual({
      kind: 'all',
      rules: [
        { kind: 'employees', min: 10, max: null },
        { kind: 'any', rules: [{ kind: 'industry', prefixes: [] }] },
      ],
    })
    await click(one('[data-test="rule-leaf"] [data-test="rule-remove"]'))
    expect(model.value).toEqual({ kind: 'all', rules: [{ kind: 'any', rules: [{ kind: 'industry', prefixes: [] }] }] })
    await click(one('[data-test="rule-remove-group"]'))
    expect(model.value).toEqual({ kind: 'all', rules: [] })
  })

  it('wraps a stored single leaf in an all group on the first change', async () => {
    const { model } = await mountBuilder({ kind: 'no_serious_hazard' })
    expect(all('[data-test="rule-leaf"]')).toHaveLength(1)
    await click(one('[data-test="rule-add-leaf"]'))
    expect(model.value).toEqual({ kind: 'all', rules: [{ kind: 'no_serious_hazard' }, { kind: 'industry', prefixes: [] }] })
  })

  it('edits the industry prefixes as tags, upper-cased', async () => {
    const { model } = await mountBuilder({ kind: 'all', rules: [{ kind: 'industry', prefixes: [] }] })
    await pick(one('[data-test="rule-prefixes"]'), 'C 制造业')
    expect(model.value).toEqual({ kind: 'all', rules: [{ kind: 'industry', prefixes: ['C'] }] })
  })
})

import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { metaApi, orgApi, type Category, type OrgUnit } from '@/api'
import { useAuthStore } from './auth'
import { categoryOptions, dispatchUnitTree, type CascaderOption, type UnitOption } from '@/utils/refdata'

/**
 * Reference data the case pages share, loaded once per session: the category taxonomy and
 * (for roles with org.read) the org units.
 */
export const useRefDataStore = defineStore('refdata', () => {
  const categories = ref<Category[]>([])
  const units = ref<OrgUnit[]>([])
  let catLoad: Promise<void> | null = null
  let unitLoad: Promise<void> | null = null

  function loadCategories(): Promise<void> {
    catLoad ??= metaApi
      .categories()
      .then((c) => {
        categories.value = c
      })
      .catch((e) => {
        catLoad = null
        throw e
      })
    return catLoad
  }

  /** Org units, when the account may read them (else stays empty). */
  function loadUnits(): Promise<void> {
    const auth = useAuthStore()
    if (!auth.can('org.read')) return Promise.resolve()
    unitLoad ??= orgApi
      .list()
      .then((u) => {
        units.value = u
      })
      .catch((e) => {
        unitLoad = null
        throw e
      })
    return unitLoad
  }

  /** Forgets everything (another account signs in). */
  function reset() {
    categories.value = []
    units.value = []
    catLoad = null
    unitLoad = null
  }

  const categoryTree = computed<CascaderOption[]>(() => categoryOptions(categories.value))
  const categoryByCode = computed(() => new Map(categories.value.map((c) => [c.code, c])))
  function categoryName(code: string | null | undefined): string {
    if (!code) return ''
    if (code === '*') return '全部分类（默认）'
    const c = categoryByCode.value.get(code)
    if (!c) return code
    const parent = c.parent ? categoryByCode.value.get(c.parent) : undefined
    return parent ? `${parent.name} / ${c.name}` : c.name
  }

  const dispatchTree = computed<UnitOption[]>(() => dispatchUnitTree(units.value))
  const streets = computed(() =>
    units.value
      .filter((u) => u.kind === 'street' && u.active)
      .sort((a, b) => a.sort_order - b.sort_order || a.name.localeCompare(b.name, 'zh-CN')),
  )
  const unitById = computed(() => new Map(units.value.map((u) => [u.id, u])))

  return {
    categories,
    units,
    loadCategories,
    loadUnits,
    reset,
    categoryTree,
    categoryName,
    dispatchTree,
    streets,
    unitById,
  }
})

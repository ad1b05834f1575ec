import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { ApiError } from '@/api/client'
import type { Enterprise, Me } from '@/api/types'
import { useAuthStore } from '@/stores/auth'

const create = vi.fn()
const patch = vi.fn()
vi.mock('@/api', async (orig) => {
  const real = await orig<typeof import('@/api')>()
  return {
    ...real,
    enterpriseApi: {
      ...real.enterpriseApi,
      create: (...a: unknown[]) => create(...a),
      patch: (...a: unknown[]) => patch(...a),
      tags: () => Promise.resolve([{ name: '专精特新', count: 12 }, { name: '规上企业', count: 40 }]),
    },
    userApi: { ...real.userApi, list: () => Promise.resolve({ items: [], total: 0, page: 1, page_size: 30 }) },
    orgApi: { ...real.orgApi, list: () => Promise.resolve([]) },
  }
})

import EnterpriseFormDialog from '@/components/enterprises/EnterpriseFormDialog.vue'

function me(role: Me['role']): Me {
  return {
    id: 'u1',
    username: role,
    display_name: '管理员',
    role,
    role_name: role,
    org_unit: { id: 'z', name: '开发区', kind: 'zone' },
    zone: { id: 'z', name: '开发区' },
    enterprise_id: null,
    permissions: ['enterprise.read', 'enterprise.write', 'org.read', 'user.read'],
    must_change_password: false,
  }
}

const existing: Enterprise = {
  id: 'e1',
  uscc: '91330100716105852F',
  name: '锦绣电子有限公司',
  legal_rep: '张三',
  industry_code: 'C39',
  industry_name: '计算机、通信和其他电子设备制造业',
  size_class: 'small',
  size_name: '小型',
  street_id: null,
  street_name: null,
  grid_id: null,
  grid_name: null,
  address: '锦绣路 1 号',
  employees: 120,
  tags: ['专精特新'],
  founded_on: '2015-03-02',
  former_names: [],
  contact_name: '李四',
  contact_phone: '139****4242',
}

/** Element Plus debounces the error state of a form item before showing the message. */
async function settle() {
  await flushPromises()
  await new Promise((r) => setTimeout(r, 250))
  await flushPromises()
}

const body = () => document.body
function input(test: string): HTMLInputElement {
  return body().querySelector<HTMLInputElement>(`input[data-test="${test}"]`)!
}
async function type(test: string, value: string) {
  const el = input(test)
  el.value = value
  el.dispatchEvent(new Event('input'))
  await flushPromises()
}
function errorOf(test: string): string {
  const el = body().querySelector(`input[data-test="${test}"]`) ?? body().querySelector(`[data-test="${test}"]`)
  return el!.closest('.el-form-item')!.querySelector('.el-form-item__error')?.textContent?.trim() ?? ''
}
async function submit() {
  body().querySelector<HTMLButtonElement>('[data-test="enterprise-form-submit"]')!.click()
  await settle()
}

describe('EnterpriseFormDialog', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    create.mockReset()
    patch.mockReset()
    document.body.innerHTML = ''
  })
  afterEach(() => {
    document.body.innerHTML = ''
  })

  function open(role: Me['role'], enterprise: Enterprise | null = null) {
    useAuthStore().me = me(role)
    return mount(EnterpriseFormDialog, { props: { modelValue: true, enterprise }, attachTo: document.body })
  }

  it('shows the field the server names on its form item', async () => {
    create.mockRejectedValue(new ApiError(422, 'validation.date', '成立日期不能晚于今天', 'founded_on'))
    const w = open('admin')
    await settle()
    await type('f-uscc', '91330100716105852F')
    await type('f-name', '新建企业')
    await submit()
    expect(create).toHaveBeenCalledTimes(1)
    expect(create.mock.calls[0]![0]).toMatchObject({ uscc: '91330100716105852F', name: '新建企业', grid_id: null })
    expect(errorOf('f-founded-on')).toBe('成立日期不能晚于今天')
    expect(errorOf('f-name')).toBe('')
    expect(w.emitted('saved')).toBeUndefined()
    w.unmount()
  })

  it('names the industry live', async () => {
    const w = open('admin')
    await settle()
    await type('f-industry', '3911')
    expect(body().querySelector('[data-test="f-industry-name"]')?.textContent).toContain('计算机、通信和其他电子设备制造业')
    w.unmount()
  })

  it('lets an administrator register an exception for a credit code failing its check, and resubmits with it', async () => {
    create.mockRejectedValueOnce(new ApiError(422, 'uscc_invalid', '统一社会信用代码第 18 位校验码应为“F”', 'uscc'))
    const saved = { ...existing, id: 'e9', uscc: '91330100716105852X', uscc_exception: '执照原件如此' }
    create.mockResolvedValueOnce(saved)
    const w = open('admin')
    await settle()
    await type('f-uscc', '91330100716105852X')
    await type('f-name', '历史企业')
    // the live hint already says so
    expect(body().querySelector('[data-test="f-uscc-hint"]')?.textContent).toContain('校验码应为“F”')
    await submit()
    expect(errorOf('f-uscc')).toContain('第 18 位校验码')
    expect(body().querySelector('[data-test="uscc-exception-block"]')).not.toBeNull()
    expect(body().querySelector('[data-test="enterprise-form-submit"]')!.textContent).toContain('登记例外并保存')
    // a reason is required
    await submit()
    expect(create).toHaveBeenCalledTimes(1)
    expect(errorOf('f-uscc-exception')).toContain('至少 4 个字')
    await type('f-uscc-exception', '执照原件如此')
    await submit()
    expect(create).toHaveBeenCalledTimes(2)
    expect(create.mock.calls[1]![0]).toMatchObject({ uscc: '91330100716105852X', uscc_exception: '执照原件如此' })
    expect(w.emitted('saved')?.[0]).toEqual([saved])
    w.unmount()
  })

  it('offers no exception to other roles', async () => {
    create.mockRejectedValue(new ApiError(422, 'uscc_invalid', '统一社会信用代码第 18 位校验码应为“F”', 'uscc'))
    const w = open('dispatcher')
    await settle()
    await type('f-uscc', '91330100716105852X')
    await type('f-name', '历史企业')
    await submit()
    expect(errorOf('f-uscc')).toContain('第 18 位校验码')
    expect(body().querySelector('[data-test="uscc-exception-block"]')).toBeNull()
    w.unmount()
  })

  it('edits with a PATCH of the changed fields only', async () => {
    patch.mockResolvedValue({ ...existing, name: '锦绣智能科技有限公司' })
    const w = open('admin', existing)
    await settle()
    expect(input('f-name').value).toBe('锦绣电子有限公司')
    expect(input('f-contact-phone').value).toBe('139****4242')
    await type('f-name', '锦绣智能科技有限公司')
    await submit()
    expect(patch).toHaveBeenCalledWith('e1', { name: '锦绣智能科技有限公司' })
    expect(w.emitted('saved')).toHaveLength(1)
    w.unmount()
  })
})

import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import LoginForm from '@/components/LoginForm.vue'
import { ApiError } from '@/api/client'
import type { Me } from '@/api/types'

const ME: Me = {
  id: 'u1',
  username: 'admin',
  display_name: '管理员',
  role: 'admin',
  role_name: '系统管理员',
  org_unit: { id: 'z', name: '云岭经济技术开发区', kind: 'zone' },
  zone: { id: 'z', name: '云岭经济技术开发区' },
  enterprise_id: null,
  permissions: [],
  must_change_password: false,
}

/** Element Plus debounces the error state of a form item (~100 ms) before showing the message. */
async function settle() {
  await flushPromises()
  await new Promise((r) => setTimeout(r, 250))
  await flushPromises()
}

async function fill(wrapper: ReturnType<typeof mount>, username: string, password: string) {
  await wrapper.get('input[data-test="username"]').setValue(username)
  await wrapper.get('input[data-test="password"]').setValue(password)
}

describe('LoginForm', () => {
  it('puts the data-test attributes on the native inputs and the button', () => {
    const w = mount(LoginForm, { props: { submit: vi.fn() } })
    expect(w.get('[data-test="username"]').element.tagName).toBe('INPUT')
    expect(w.get('[data-test="password"]').element.getAttribute('type')).toBe('password')
    expect(w.get('[data-test="login-submit"]').element.tagName).toBe('BUTTON')
  })

  it('submits the trimmed username and the password, and emits success', async () => {
    const submit = vi.fn().mockResolvedValue(ME)
    const w = mount(LoginForm, { props: { submit } })
    await fill(w, '  admin ', 'Jiban@2025')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(submit).toHaveBeenCalledWith('admin', 'Jiban@2025')
    expect(w.emitted('success')?.[0]).toEqual([ME])
    expect(w.find('[data-test="login-error"]').exists()).toBe(false)
  })

  it('has a real submit button, so that Enter in a field submits the form', () => {
    const w = mount(LoginForm, { props: { submit: vi.fn() } })
    expect(w.get('[data-test="login-submit"]').attributes('type')).toBe('submit')
    expect(w.get('form').element.contains(w.get('input[data-test="password"]').element)).toBe(true)
  })

  it('ignores a second submission while the first is pending', async () => {
    let resolve!: (m: Me) => void
    const submit = vi.fn(() => new Promise<Me>((r) => (resolve = r)))
    const w = mount(LoginForm, { props: { submit } })
    await fill(w, 'admin', 'secret123')
    await w.get('form').trigger('submit')
    await w.get('form').trigger('submit')
    expect(submit).toHaveBeenCalledTimes(1)
    resolve(ME)
    await flushPromises()
    expect(w.emitted('success')).toHaveLength(1)
  })

  it('does not call the server with an empty username and says why', async () => {
    const submit = vi.fn()
    const w = mount(LoginForm, { props: { submit } })
    await w.get('form').trigger('submit')
    await settle()
    expect(submit).not.toHaveBeenCalled()
    expect(w.text()).toContain('请输入用户名')
  })

  it('shows the server message inline on failure and clears the password', async () => {
    const submit = vi.fn().mockRejectedValue(new ApiError(401, 'auth.invalid_credentials', '用户名或密码错误'))
    const w = mount(LoginForm, { props: { submit } })
    await fill(w, 'admin', 'wrong-password1')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(w.get('[data-test="login-error"]').text()).toContain('用户名或密码错误')
    expect((w.get('input[data-test="password"]').element as HTMLInputElement).value).toBe('')
    expect(w.emitted('success')).toBeUndefined()
  })

  it('marks the field named by a validation error', async () => {
    const submit = vi.fn().mockRejectedValue(new ApiError(422, 'validation.required', '用户名格式不正确', 'username'))
    const w = mount(LoginForm, { props: { submit } })
    await fill(w, 'a b', 'x1234567')
    await w.get('form').trigger('submit')
    await settle()
    expect(w.find('[data-test="login-error"]').exists()).toBe(false)
    expect(w.text()).toContain('用户名格式不正确')
  })
})

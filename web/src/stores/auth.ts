import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { authApi, ApiError, type Me } from '@/api'
import { filterMenu, MENU } from '@/utils/menu'
import { useRefDataStore } from './refdata'

export const useAuthStore = defineStore('auth', () => {
  const me = ref<Me | null>(null)
  /** true once we asked the server whether a session exists */
  const probed = ref(false)

  const permissions = computed(() => new Set(me.value?.permissions ?? []))
  const menu = computed(() => (me.value ? filterMenu(MENU, me.value.permissions, me.value.role) : []))

  function can(perm: string | undefined | null): boolean {
    return !perm || permissions.value.has(perm)
  }

  /** Loads the current session; resolves to null when not signed in. */
  async function fetchMe(): Promise<Me | null> {
    try {
      me.value = await authApi.me()
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) me.value = null
      else throw e
    } finally {
      probed.value = true
    }
    return me.value
  }

  async function login(username: string, password: string): Promise<Me> {
    const m = await authApi.login(username, password)
    useRefDataStore().reset()
    me.value = m
    probed.value = true
    return m
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout()
    } finally {
      clear()
    }
  }

  function clear() {
    useRefDataStore().reset()
    me.value = null
    probed.value = true
  }

  function passwordChanged() {
    if (me.value) me.value = { ...me.value, must_change_password: false }
  }

  return { me, probed, permissions, menu, can, fetchMe, login, logout, clear, passwordChanged }
})

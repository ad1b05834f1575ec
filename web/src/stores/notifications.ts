import { defineStore } from 'pinia'
import { ref } from 'vue'
import { ApiError, notificationApi } from '@/api'

/** The unread count behind the bell, shared with the 消息通知 page. */
export const useNotificationStore = defineStore('notifications', () => {
  const unread = ref(0)
  /** false once the server said it has no inbox (404) */
  const supported = ref(true)

  async function refresh(): Promise<void> {
    if (!supported.value) return
    try {
      unread.value = (await notificationApi.unreadCount()).count
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) supported.value = false
      // other errors: keep the last count; the bell is not worth a toast
    }
  }

  async function markRead(id: string): Promise<void> {
    await notificationApi.markRead(id)
    unread.value = Math.max(0, unread.value - 1)
  }

  return { unread, supported, refresh, markRead }
})

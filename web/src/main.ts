import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createAppRouter } from './router'
import { setUnauthorizedHandler } from './api/client'
import { useAuthStore } from './stores/auth'
import './styles/main.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
const router = createAppRouter()
app.use(router)

// Any 401 outside the login flow: drop the session and go to the login page.
setUnauthorizedHandler(() => {
  const auth = useAuthStore(pinia)
  const wasSignedIn = !!auth.me
  auth.clear()
  const cur = router.currentRoute.value
  if (cur.name === 'login') return
  if (wasSignedIn) ElMessage.warning({ message: '登录已失效，请重新登录', grouping: true })
  router.replace({ name: 'login', query: cur.fullPath !== '/' ? { redirect: cur.fullPath } : {} })
})

app.mount('#app')

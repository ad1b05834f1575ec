import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from '@playwright/test'

// End-to-end tests run against the REAL jiban server with its deterministic demo zone,
// in a fresh database under a temporary directory.
const here = path.dirname(fileURLToPath(import.meta.url))

// The config is evaluated in the runner and again in each worker; the workers inherit the
// runner's environment, so the temporary directory is created only once.
if (!process.env.JIBAN_E2E_TMP) {
  process.env.JIBAN_E2E_TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'jiban-e2e-'))
}
const tmp = process.env.JIBAN_E2E_TMP
const bin = process.env.JIBAN_BIN || path.resolve(here, '../target/debug/jiban')
const listen = '127.0.0.1:18181'
const baseURL = `http://${listen}`

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: `"${bin}" serve --demo`,
    url: `${baseURL}/readyz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      JIBAN_LISTEN: listen,
      JIBAN_DATABASE_URL: `sqlite://${path.join(tmp, 'e2e.db')}`,
      JIBAN_DATA_DIR: tmp,
    },
  },
})

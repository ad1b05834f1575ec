// Shared colours and text styles of the dashboard's charts (dark background, read from a distance).

export const DASH_COLORS = {
  text: '#e6f1ff',
  muted: '#9fb8d9',
  line: 'rgba(88, 150, 220, 0.28)',
  accent: '#3fd0ff',
  ok: '#3ddc97',
  warn: '#ffb547',
  danger: '#ff5b5b',
} as const

/** The tooltip box of every dashboard chart. */
export const DASH_TOOLTIP = {
  backgroundColor: 'rgba(6, 20, 40, 0.94)',
  borderColor: '#2d6fb8',
  borderWidth: 1,
  padding: [8, 12] as [number, number],
  textStyle: { color: DASH_COLORS.text, fontSize: 16 },
  extraCssText: 'box-shadow: 0 4px 16px rgba(0,0,0,0.5);',
}

/** Escapes text put into an HTML tooltip. */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

/** What a panel shows: its data, or that the figures are still coming or could not be loaded. */
export type PanelStatus = 'loading' | 'ready' | 'failed'

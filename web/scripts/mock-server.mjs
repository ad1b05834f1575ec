#!/usr/bin/env node
// A small in-memory stand-in for the jiban server, for front-end development and for
// running the e2e suite before/without the Rust binary:
//   node scripts/mock-server.mjs serve --demo      (listens on $JIBAN_LISTEN, default 127.0.0.1:8080)
//   JIBAN_BIN=scripts/mock-server.mjs npm run e2e
// It implements the API contract of docs/API.md loosely, with a generated demo zone, and serves
// web/dist with an SPA fallback. It is NOT the product: the real server is crates/ (Rust).
import http from 'node:http'
import fs from 'node:fs'
import path from 'node:path'
import crypto from 'node:crypto'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const DIST = path.resolve(here, '../dist')
const [host, port] = (process.env.JIBAN_LISTEN || '127.0.0.1:8080').split(':')
const PASSWORD = 'Jiban@2025'
const now = () => new Date().toISOString()

// ---------- deterministic demo data ----------
let seed = 20250101
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
const pick = (a) => a[Math.floor(rnd() * a.length)]
let idn = 0
const id = (p) => `${p}_${(++idn).toString(36).padStart(5, '0')}`

const units = []
function addUnit(parent_id, kind, name, code, sort_order = 0) {
  const u = { id: id('ou'), zone_id: 'zone', parent_id, kind, name, code, active: true, sort_order, created_at: '2025-01-01T09:00:00+08:00' }
  if (kind === 'zone') u.id = 'zone'
  units.push(u)
  return u
}
const zone = addUnit(null, 'zone', '云岭经济技术开发区', 'YL')
const DEPTS = ['经济发展部', '财政审计部', '政务服务部', '建设与公用事业管理部', '科技金融部', '综合执法局', '生态环境分局', '应急管理局', '人社局', '税务分局']
const depts = DEPTS.map((n, i) => addUnit(zone.id, 'department', n, `D${String(i + 1).padStart(2, '0')}`, i + 1))
const STREETS = [
  ['向阳街道', ['向阳社区', '朝阳社区', '红星村']],
  ['金山街道', ['金山社区', '银湖社区', '石桥村']],
  ['临港街道', ['港城社区', '海棠社区']],
  ['泉湖镇', ['泉湖社区', '东湾村', '西岭村']],
]
const streets = []
const grids = []
STREETS.forEach(([sn, comms], i) => {
  const s = addUnit(zone.id, 'street', sn, `S${i + 1}`, 100 + i)
  streets.push(s)
  comms.forEach((cn, j) => {
    const c = addUnit(s.id, cn.endsWith('村') ? 'village' : 'community', cn, `S${i + 1}C${j + 1}`, j + 1)
    for (let g = 1; g <= 3; g++) grids.push(addUnit(c.id, 'grid', `${cn}第${g}网格`, `S${i + 1}C${j + 1}G${g}`, g))
  })
})

const INDUSTRIES = [['C38', '电气机械和器材制造业'], ['C39', '计算机、通信和其他电子设备制造业'], ['C26', '化学原料和化学制品制造业'], ['I65', '软件和信息技术服务业'], ['F51', '批发业'], ['G54', '道路运输业'], ['M73', '研究和试验发展'], ['C35', '专用设备制造业']]
const SIZES = [['large', '大型'], ['medium', '中型'], ['small', '小型'], ['micro', '微型']]
const TAGS = ['高新技术企业', '专精特新', '规上工业', '外资企业', '上市公司', '科技型中小企业']
const W1 = ['云', '岭', '华', '瑞', '鼎', '恒', '泰', '盛', '德', '联', '创', '达', '远', '景', '新', '宏']
const W2 = ['科技', '电子', '机械', '材料', '物流', '化工', '智能', '医药', '软件', '电气']
const enterprises = []
for (let i = 0; i < 5000; i++) {
  const g = grids[Math.floor(rnd() * grids.length)]
  const comm = units.find((u) => u.id === g.parent_id)
  const st = units.find((u) => u.id === comm.parent_id)
  const [ic, iname] = pick(INDUSTRIES)
  const r = rnd()
  const [sc, sname] = r < 0.03 ? SIZES[0] : r < 0.15 ? SIZES[1] : r < 0.5 ? SIZES[2] : SIZES[3]
  const tags = TAGS.filter(() => rnd() < 0.12)
  enterprises.push({
    id: `ent_${i + 1}`,
    uscc: `91530100MA${String(100000 + i).padStart(6, '0')}${'ABCDEFGHJK'[i % 10]}X`.slice(0, 18),
    name: `云岭${pick(W1)}${pick(W1)}${pick(W2)}有限公司${i}`.replace(/有限公司\d+$/, (m) => (i % 7 === 0 ? '股份有限公司' : '有限公司')),
    legal_rep: pick(['张', '王', '李', '赵', '刘', '陈', '杨', '黄']) + pick(['伟', '芳', '娜', '敏', '静', '强', '磊', '军']),
    industry_code: ic,
    industry_name: iname,
    size_class: sc,
    size_name: sname,
    street_id: st.id,
    street_name: st.name,
    grid_id: g.id,
    grid_name: g.name,
    address: `云岭经开区${st.name}${comm.name}${Math.floor(rnd() * 300) + 1}号`,
    employees: sc === 'large' ? 1000 + Math.floor(rnd() * 3000) : sc === 'medium' ? 300 + Math.floor(rnd() * 600) : sc === 'small' ? 20 + Math.floor(rnd() * 250) : 1 + Math.floor(rnd() * 19),
    tags,
    founded_on: `${2000 + Math.floor(rnd() * 24)}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`,
  })
}

const ALL = ['org.read', 'org.write', 'user.read', 'user.write', 'enterprise.read', 'enterprise.write', 'audit.read', 'calendar.write', 'token.self']
const ROLES = [
  ['enterprise', '企业用户', ['enterprise.read', 'token.self']],
  ['intake', '受理员', ['enterprise.read', 'org.read', 'token.self']],
  ['dispatcher', '派单员', ['enterprise.read', 'org.read', 'token.self']],
  ['handler', '承办人', ['enterprise.read', 'token.self']],
  ['dept_head', '部门负责人', ['enterprise.read', 'org.read', 'token.self']],
  ['supervisor', '督查员', ['enterprise.read', 'org.read', 'audit.read', 'token.self']],
  ['leader', '领导', ['enterprise.read', 'org.read', 'audit.read', 'token.self']],
  ['grid_worker', '网格员', ['enterprise.read', 'token.self']],
  ['admin', '系统管理员', ALL],
].map(([code, name, permissions]) => ({ code, name, permissions }))
const roleOf = (c) => ROLES.find((r) => r.code === c)

const users = []
function addUser(username, display_name, role, unit, extra = {}) {
  const u = { id: id('u'), username, display_name, role, org_unit_id: unit.id, enterprise_id: null, phone: '13812345678', active: true, locked_until: null, last_login_at: null, created_at: '2025-01-01T09:00:00+08:00', password: PASSWORD, must_change_password: false, ...extra }
  users.push(u)
  return u
}
const xy = streets[0]
addUser('admin', '系统管理员', 'admin', zone)
addUser('leader', '李主任', 'leader', zone)
addUser('supervisor', '周督查', 'supervisor', zone)
addUser('dispatcher', '陈派单', 'dispatcher', zone)
addUser('intake', '吴受理', 'intake', depts[2])
addUser('handler_jjfz', '王承办', 'handler', depts[0])
addUser('head_jjfz', '赵部长', 'dept_head', depts[0])
addUser('handler_xy', '孙承办', 'handler', xy)
addUser('grid_xy01', '钱网格', 'grid_worker', grids[0])
const qiyeEnt = enterprises.find((e) => e.street_id === xy.id)
addUser('qiye', '企业联络员', 'enterprise', xy, { enterprise_id: qiyeEnt.id })

const audit = []
function log(actor, action, target_type, target_id, detail, ip = '127.0.0.1') {
  audit.unshift({ id: id('ev'), at: now(), actor_id: actor?.id ?? null, actor_name: actor?.display_name ?? null, action, target_type, target_id, detail, ip })
}
const tokens = []
const sessions = new Map()

// ---------- helpers ----------
const subtree = (rootId) => {
  const out = new Set([rootId])
  let grew = true
  while (grew) {
    grew = false
    for (const u of units) if (u.parent_id && out.has(u.parent_id) && !out.has(u.id)) (out.add(u.id), (grew = true))
  }
  return out
}
function scopeOf(user) {
  const unit = units.find((u) => u.id === user.org_unit_id)
  if (user.role === 'enterprise') return { enterprise: user.enterprise_id }
  if (['street', 'community', 'village', 'grid'].includes(unit.kind)) return { units: subtree(unit.id) }
  return {}
}
function scopedEnterprises(user) {
  const s = scopeOf(user)
  if (s.enterprise) return enterprises.filter((e) => e.id === s.enterprise)
  if (s.units) return enterprises.filter((e) => s.units.has(e.grid_id))
  return enterprises
}
function meOf(u) {
  const unit = units.find((x) => x.id === u.org_unit_id)
  const r = roleOf(u.role)
  return { id: u.id, username: u.username, display_name: u.display_name, role: u.role, role_name: r.name, org_unit: { id: unit.id, name: unit.name, kind: unit.kind }, zone: { id: zone.id, name: zone.name }, enterprise_id: u.enterprise_id, permissions: r.permissions, must_change_password: u.must_change_password }
}
function userItem(u) {
  const ent = enterprises.find((e) => e.id === u.enterprise_id)
  return { id: u.id, username: u.username, display_name: u.display_name, role: u.role, role_name: roleOf(u.role).name, org_unit_id: u.org_unit_id, org_unit_name: units.find((x) => x.id === u.org_unit_id)?.name ?? '', enterprise_id: u.enterprise_id, enterprise_name: ent?.name ?? null, phone: u.phone ? u.phone.slice(0, 3) + '****' + u.phone.slice(7) : null, active: u.active, locked_until: u.locked_until, last_login_at: u.last_login_at, created_at: u.created_at }
}
const paginate = (list, q) => {
  const page = Math.max(1, Number(q.get('page') || 1))
  const page_size = Math.min(200, Math.max(1, Number(q.get('page_size') || 20)))
  return { items: list.slice((page - 1) * page_size, page * page_size), total: list.length, page, page_size }
}
class HttpError extends Error {
  constructor(status, code, message, field) {
    super(message)
    Object.assign(this, { status, code, field })
  }
}
const need = (user, perm) => {
  if (!roleOf(user.role).permissions.includes(perm)) throw new HttpError(403, 'auth.forbidden', '无权执行此操作')
}
const pwProblem = (p) => (typeof p !== 'string' || p.length < 8 || !/[A-Za-z]/.test(p) || !/\d/.test(p) ? '密码至少 8 位，须同时包含字母和数字' : null)

// ---------- routes ----------
async function api(req, res, url, body) {
  const m = req.method
  const p = url.pathname.replace(/^\/api\/v1/, '')
  const q = url.searchParams
  const sid = /(?:^|;\s*)jiban_session=([^;]+)/.exec(req.headers.cookie || '')?.[1]
  const user = sid ? users.find((u) => u.id === sessions.get(sid)) : undefined

  if (m === 'POST' && p === '/auth/login') {
    if (!body.username) throw new HttpError(422, 'validation.required', '请输入用户名', 'username')
    const u = users.find((x) => x.username === body.username)
    if (!u || u.password !== body.password || !u.active) {
      log(u ?? null, 'auth.login_failed', 'user', u?.id ?? null, { username: body.username })
      throw new HttpError(401, 'auth.invalid_credentials', '用户名或密码错误')
    }
    const s = crypto.randomBytes(16).toString('hex')
    sessions.set(s, u.id)
    u.last_login_at = now()
    log(u, 'auth.login', 'user', u.id, null)
    res.setHeader('Set-Cookie', `jiban_session=${s}; HttpOnly; SameSite=Strict; Path=/`)
    return [200, meOf(u)]
  }
  if (!user) throw new HttpError(401, 'auth.unauthenticated', '请先登录')
  let mm
  if (m === 'POST' && p === '/auth/logout') {
    sessions.delete(sid)
    res.setHeader('Set-Cookie', 'jiban_session=; Max-Age=0; Path=/')
    return [204]
  }
  if (m === 'GET' && p === '/auth/me') return [200, meOf(user)]
  if (m === 'POST' && p === '/auth/password') {
    if (body.old_password !== user.password) throw new HttpError(422, 'validation.wrong_password', '当前密码不正确', 'old_password')
    const pr = pwProblem(body.new_password)
    if (pr) throw new HttpError(422, 'validation.weak_password', pr, 'new_password')
    user.password = body.new_password
    user.must_change_password = false
    log(user, 'auth.password_changed', 'user', user.id, null)
    return [204]
  }
  if (p === '/auth/tokens' && m === 'GET') return [200, tokens.filter((t) => t.user_id === user.id).map(({ user_id, ...t }) => t)]
  if (p === '/auth/tokens' && m === 'POST') {
    if (!body.name) throw new HttpError(422, 'validation.required', '请填写令牌用途', 'name')
    const token = 'jb_' + crypto.randomBytes(20).toString('hex')
    const t = { id: id('tok'), user_id: user.id, name: body.name, prefix: token.slice(0, 10), created_at: now(), last_used_at: null, expires_at: body.expires_in_days ? new Date(Date.now() + body.expires_in_days * 864e5).toISOString() : null }
    tokens.push(t)
    log(user, 'token.create', 'token', t.id, { name: t.name })
    const { user_id, ...pub } = t
    return [201, { ...pub, token }]
  }
  if ((mm = /^\/auth\/tokens\/([^/]+)$/.exec(p)) && m === 'DELETE') {
    const i = tokens.findIndex((t) => t.id === mm[1] && t.user_id === user.id)
    if (i < 0) throw new HttpError(404, 'not_found', '令牌不存在')
    tokens.splice(i, 1)
    return [204]
  }
  if (m === 'GET' && p === '/roles') return [200, ROLES]
  if (m === 'GET' && p === '/categories') return [200, [{ code: 'A', parent: null, name: '政策咨询', scope: 'enterprise' }]]
  if (m === 'GET' && p === '/overview') {
    const ents = scopedEnterprises(user)
    const s = scopeOf(user)
    const vis = s.units ? units.filter((u) => s.units.has(u.id)) : units
    const by_street = streets.map((st) => ({ street_id: st.id, street_name: st.name, enterprises: ents.filter((e) => e.street_id === st.id).length })).filter((x) => x.enterprises > 0)
    const by_size = SIZES.map(([c, n]) => ({ size_class: c, size_name: n, count: ents.filter((e) => e.size_class === c).length })).filter((x) => x.count)
    return [200, { enterprises: ents.length, streets: vis.filter((u) => u.kind === 'street').length || by_street.length, communities: vis.filter((u) => u.kind === 'community' || u.kind === 'village').length, grids: vis.filter((u) => u.kind === 'grid').length, users: users.length, by_street, by_size }]
  }
  if (m === 'GET' && p === '/org/units') {
    need(user, 'org.read')
    const s = scopeOf(user)
    return [200, s.units ? units.filter((u) => s.units.has(u.id)) : units]
  }
  if (m === 'POST' && p === '/org/units') {
    need(user, 'org.write')
    if (!body.name) throw new HttpError(422, 'validation.required', '请输入名称', 'name')
    if (units.some((u) => u.parent_id === body.parent_id && u.name === body.name)) throw new HttpError(409, 'conflict.duplicate', '同一上级下已有同名机构', 'name')
    const u = addUnit(body.parent_id, body.kind, body.name, body.code || `N${idn}`, 999)
    log(user, 'org.create', 'org_unit', u.id, { name: u.name, kind: u.kind })
    return [201, u]
  }
  if ((mm = /^\/org\/units\/([^/]+)$/.exec(p)) && m === 'PATCH') {
    need(user, 'org.write')
    const u = units.find((x) => x.id === mm[1])
    if (!u) throw new HttpError(404, 'not_found', '机构不存在')
    const before = { ...u }
    for (const k of ['name', 'parent_id', 'active', 'sort_order']) if (k in body) u[k] = body[k]
    const action = 'parent_id' in body ? 'org.move' : 'active' in body ? (body.active ? 'org.activate' : 'org.deactivate') : 'org.update'
    log(user, action, 'org_unit', u.id, { before: Object.fromEntries(Object.keys(body).map((k) => [k, before[k]])), after: body })
    return [200, u]
  }
  if ((mm = /^\/org\/units\/([^/]+)\/history$/.exec(p)) && m === 'GET') {
    need(user, 'org.read')
    return [200, audit.filter((e) => e.target_id === mm[1])]
  }
  if (m === 'GET' && p === '/users') {
    need(user, 'user.read')
    const kw = q.get('q') || ''
    let list = users.filter((u) => !kw || u.username.includes(kw) || u.display_name.includes(kw))
    if (q.get('role')) list = list.filter((u) => u.role === q.get('role'))
    if (q.get('org_unit_id')) list = list.filter((u) => u.org_unit_id === q.get('org_unit_id'))
    return [200, paginate(list.map(userItem), q)]
  }
  if (m === 'POST' && p === '/users') {
    need(user, 'user.write')
    if (users.some((u) => u.username === body.username)) throw new HttpError(409, 'conflict.duplicate', '用户名已被使用', 'username')
    const pr = pwProblem(body.password)
    if (pr) throw new HttpError(422, 'validation.weak_password', pr, 'password')
    const u = addUser(body.username, body.display_name, body.role, units.find((x) => x.id === body.org_unit_id) ?? zone, { password: body.password, phone: body.phone ?? null, enterprise_id: body.enterprise_id ?? null, must_change_password: true })
    log(user, 'user.create', 'user', u.id, { username: u.username })
    return [201, userItem(u)]
  }
  if ((mm = /^\/users\/([^/]+)$/.exec(p)) && m === 'PATCH') {
    need(user, 'user.write')
    const u = users.find((x) => x.id === mm[1])
    if (!u) throw new HttpError(404, 'not_found', '用户不存在')
    for (const k of ['display_name', 'role', 'org_unit_id', 'phone', 'active']) if (k in body) u[k] = body[k]
    log(user, 'active' in body ? 'user.update' : 'user.updated', 'user', u.id, body)
    return [200, userItem(u)]
  }
  if ((mm = /^\/users\/([^/]+)\/reset-password$/.exec(p)) && m === 'POST') {
    need(user, 'user.write')
    const u = users.find((x) => x.id === mm[1])
    const pr = pwProblem(body.new_password)
    if (pr) throw new HttpError(422, 'validation.weak_password', pr, 'new_password')
    u.password = body.new_password
    u.must_change_password = true
    log(user, 'user.reset_password', 'user', u.id, null)
    return [204]
  }
  if (m === 'GET' && p === '/enterprises') {
    need(user, 'enterprise.read')
    const kw = q.get('q') || ''
    let list = scopedEnterprises(user).filter((e) => !kw || e.name.includes(kw) || e.uscc.includes(kw))
    if (q.get('street_id')) list = list.filter((e) => e.street_id === q.get('street_id'))
    if (q.get('grid_id')) list = list.filter((e) => e.grid_id === q.get('grid_id'))
    return [200, paginate(list, q)]
  }
  if ((mm = /^\/enterprises\/([^/]+)$/.exec(p)) && m === 'GET') {
    const e = scopedEnterprises(user).find((x) => x.id === mm[1])
    if (!e) throw new HttpError(404, 'not_found', '企业不存在或不在您的管辖范围内')
    return [200, e]
  }
  if (m === 'GET' && p === '/audit') {
    need(user, 'audit.read')
    let list = audit
    if (q.get('action')) list = list.filter((e) => e.action === q.get('action'))
    if (q.get('actor_id')) list = list.filter((e) => e.actor_id === q.get('actor_id'))
    return [200, paginate(list, q)]
  }
  throw new HttpError(404, 'not_found', '接口不存在')
}

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2' }
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x')
  res.setHeader('x-request-id', crypto.randomUUID())
  if (url.pathname === '/readyz' || url.pathname === '/healthz') return res.end('ok')
  if (url.pathname.startsWith('/api/')) {
    let raw = ''
    for await (const c of req) raw += c
    try {
      const body = raw ? JSON.parse(raw) : {}
      const [status, data] = await api(req, res, url, body)
      res.statusCode = status
      if (data === undefined) return res.end()
      res.setHeader('Content-Type', 'application/json; charset=utf-8')
      return res.end(JSON.stringify(data))
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500
      if (!(e instanceof HttpError)) console.error(e)
      res.statusCode = status
      res.setHeader('Content-Type', 'application/json; charset=utf-8')
      return res.end(JSON.stringify({ code: e.code ?? 'internal', message: e instanceof HttpError ? e.message : '服务器内部错误', ...(e.field ? { field: e.field } : {}) }))
    }
  }
  let file = path.join(DIST, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''))
  if (!file.startsWith(DIST) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(DIST, 'index.html')
  if (!fs.existsSync(file)) {
    res.statusCode = 503
    return res.end('web/dist is missing: run npm run build')
  }
  res.setHeader('Content-Type', MIME[path.extname(file)] ?? 'application/octet-stream')
  fs.createReadStream(file).pipe(res)
})
server.listen(Number(port), host, () => console.log(`mock jiban listening on http://${host}:${port}`))

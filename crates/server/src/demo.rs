//! Loads the deterministic demo zone (org tree, 5,000 enterprises, one account per role) and the
//! default reference data (taxonomy, holiday calendar) into a store.

use crate::auth::password;
use anyhow::Context;
use jiban_core::calendar::WorkCalendar;
use jiban_core::category::Taxonomy;
use jiban_demo::{DEMO_PASSWORD, DemoZone};
use jiban_store::audit::{Actor, NewAudit};
use jiban_store::enterprises::NewEnterprise;
use jiban_store::org::{NewOrgUnit, OrgUnitRow};
use jiban_store::reference::{CalendarDayRow, CategoryRow};
use jiban_store::users::NewUser;
use jiban_store::{Store, Tx};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// The seed that makes the demo zone the same on every machine.
pub const DEMO_SEED: u64 = 20_251_009;
pub const DEMO_ENTERPRISES: usize = 5_000;

/// What was loaded, for the console.
#[derive(Debug)]
pub struct DemoSummary {
    pub zone_id: Uuid,
    pub zone_name: String,
    pub units: usize,
    pub enterprises: usize,
    pub accounts: Vec<(String, String, String)>,
    pub cases: usize,
    /// Early warnings raised by the demo's operating data.
    pub warnings: usize,
    /// Policies of the demo's library.
    pub policies: usize,
    /// Historic cases of the past weeks, ranking snapshots taken from them, letters issued.
    pub history: (usize, usize, usize),
}

/// True when the database holds no zone yet.
pub async fn is_empty(store: &Store) -> anyhow::Result<bool> {
    Ok(store.zones().await?.is_empty())
}

/// Loads the default taxonomy, the default time limits and the national holiday calendar for a zone.
pub async fn load_reference_data(tx: &mut Tx, zone_id: Uuid) -> anyhow::Result<()> {
    for (i, c) in Taxonomy::default_zh().iter().enumerate() {
        tx.insert_category(
            zone_id,
            &CategoryRow {
                code: c.code.as_str().to_string(),
                parent_code: c.parent.as_ref().map(|p| p.as_str().to_string()),
                name: c.name.clone(),
                scope: c.scope.clone(),
                active: true,
                sort_order: i as i32,
            },
        )
        .await?;
    }
    for (code, urgency, sign_hours, handle_days) in jiban_core::case::DEFAULT_SLA {
        tx.upsert_sla_rule(
            zone_id,
            code,
            urgency.as_str(),
            *sign_hours as i32,
            *handle_days as i32,
        )
        .await?;
    }
    for d in WorkCalendar::china_default().days() {
        tx.upsert_calendar_day(
            zone_id,
            &CalendarDayRow {
                day: d.date,
                kind: d.kind.as_str().to_string(),
                name: d.name.clone(),
            },
        )
        .await?;
    }
    Ok(())
}

/// Generates and loads the demo zone in one transaction. Refuses if a zone with the same code
/// exists (use `jiban demo --reset` to start over).
pub async fn load(store: &Store) -> anyhow::Result<DemoSummary> {
    let demo = jiban_demo::generate(DEMO_SEED, DEMO_ENTERPRISES);
    let mut summary = load_zone(store, &demo).await?;
    summary.cases = load_cases(store).await?;
    let today = jiban_store::now()
        .to_offset(jiban_core::calendar::BEIJING)
        .date();
    let last_month = (today.replace_day(1)? - time::Duration::days(1)).replace_day(1)?;
    summary.warnings = load_operation(store, &demo, last_month).await?;
    summary.policies = load_policies(store, today).await?;
    summary.history = load_history(store, jiban_store::now()).await?;
    Ok(summary)
}

/// The demo's policy library (`jiban_demo::policies`), matched against the enterprises, with a
/// few applications in every state, payouts and one push, so that every page has something
/// to show. Returns the number of policies.
pub async fn load_policies(store: &Store, today: time::Date) -> anyhow::Result<usize> {
    use jiban_store::policies::{ItemAudience, ItemWrite, Material, NewApplication, PolicyWrite};
    let zone = store.zones().await?.into_iter().next().context("zone")?;
    let state = crate::state::AppState::new(store.clone(), crate::config::Config::default());
    let units: HashMap<String, Uuid> = store
        .org_units(zone.id)
        .await?
        .into_iter()
        .map(|u| (u.code, u.id))
        .collect();
    let admin = store
        .user_by_username("admin")
        .await?
        .context("demo admin account")?;
    let specs = jiban_demo::policies::policies(today);
    let mut tx = store.begin().await?;
    for spec in &specs {
        let w = PolicyWrite {
            title: spec.title.clone(),
            issuer: spec.issuer.clone(),
            doc_no: spec.doc_no.clone(),
            issued_on: spec.issued_on,
            effective_on: spec.effective_on,
            expires_on: spec.expires_on,
            apply_from: spec.apply_from,
            apply_to: spec.apply_to,
            body: spec.body.clone(),
            status: spec.status.to_string(),
        };
        let id = tx.insert_policy(zone.id, &w, admin.id).await?;
        let items = spec
            .items
            .iter()
            .map(|it| {
                Ok(ItemWrite {
                    id: None,
                    title: it.title.clone(),
                    summary: it.summary.clone(),
                    benefit_type: it.benefit_type.to_string(),
                    amount: serde_json::to_value(&it.amount)?,
                    rule: serde_json::to_value(&it.rule)?,
                    materials: it.materials.clone(),
                    dept_id: *units
                        .get(&it.dept_code)
                        .with_context(|| format!("demo department {}", it.dept_code))?,
                    auto_grant: it.auto_grant,
                    review_days: i64::from(it.review_days),
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        tx.save_policy_items(zone.id, id, &items).await?;
    }
    tx.commit().await?;
    crate::policies::recompute(&state, zone.id)
        .await
        .map_err(|e| anyhow::anyhow!("policy matching: {e}"))?;

    // a few applications in every state on the first items that need one, and one push
    let items = store.open_policy_items(zone.id, today).await?;
    let cal = WorkCalendar::china_default();
    let states = [
        "submitted",
        "submitted",
        "approved",
        "paid",
        "returned",
        "refused",
    ];
    let mut tx = store.begin().await?;
    let mut pushed = false;
    for (k, item) in items.iter().filter(|i| !i.auto_grant).take(6).enumerate() {
        let (rows, _) = store
            .item_enterprises(
                item.id,
                ItemAudience::Qualified,
                None,
                jiban_store::Page::new(Some(1), Some(40)),
            )
            .await?;
        // leave the enterprise of the demo's enterprise account to the people trying the portal
        let rows: Vec<_> = rows.into_iter().skip(2).collect();
        for (j, r) in rows.iter().take(states.len()).enumerate() {
            let status = states[(j + k) % states.len()];
            let materials = item
                .materials
                .0
                .iter()
                .map(|m| Material {
                    name: m.clone(),
                    text: format!("已按要求准备{m}，详见上传文件"),
                })
                .collect();
            let aid = tx
                .insert_policy_application(&NewApplication {
                    zone_id: zone.id,
                    item_id: item.id,
                    enterprise_id: r.enterprise_id,
                    status: "submitted".into(),
                    source: "portal".into(),
                    materials,
                    note: None,
                    expected_amount_wan: r.amount_wan,
                    review_due: Some(cal.add_workdays(today, item.review_days as u32)),
                    created_by: admin.id,
                })
                .await?;
            tx.add_policy_application_event(aid, None, &r.name, "submit", None)
                .await?;
            let reviewer = format!("{}（演示数据）", item.dept_name.clone().unwrap_or_default());
            match status {
                "approved" | "paid" => {
                    tx.review_policy_application(aid, "approved", None, true, admin.id)
                        .await?;
                    tx.add_policy_application_event(aid, None, &reviewer, "pass", None)
                        .await?;
                    if status == "paid" {
                        let amount = r.amount_wan.unwrap_or(5.0).max(0.5);
                        tx.pay_policy_application(aid, amount, today, admin.id)
                            .await?;
                        tx.add_policy_application_event(
                            aid,
                            None,
                            &reviewer,
                            "payout",
                            Some(&format!("{amount} 万元，{today}")),
                        )
                        .await?;
                    }
                }
                "returned" | "refused" => {
                    let (st, why) = if status == "returned" {
                        ("returned", "请补充近三年研发费用专项审计报告")
                    } else {
                        (
                            "refused",
                            "经核查，申报主体存在未办结的行政处罚，暂不予支持",
                        )
                    };
                    tx.review_policy_application(aid, st, Some(why), true, admin.id)
                        .await?;
                    tx.add_policy_application_event(
                        aid,
                        None,
                        &reviewer,
                        if st == "returned" { "return" } else { "refuse" },
                        Some(why),
                    )
                    .await?;
                }
                _ => {}
            }
        }
        if !pushed {
            let targets: Vec<Uuid> = rows
                .iter()
                .skip(states.len())
                .map(|r| r.enterprise_id)
                .collect();
            tx.insert_policy_pushes(
                zone.id,
                item.id,
                &targets,
                Some("请符合条件的企业及时申报"),
                admin.id,
            )
            .await?;
            pushed = true;
        }
    }
    tx.commit().await?;
    Ok(specs.len())
}

/// The operating data of the demo zone: tag vocabulary, map, indicator definitions, fifteen
/// months of values up to `last_month` for the watched enterprises (with their service staff),
/// and the bands replayed month by month for the last three months (history and trend), the last
/// one raising the warnings and their visit tasks. Returns the number of warnings.
pub async fn load_operation(
    store: &Store,
    demo: &DemoZone,
    last_month: time::Date,
) -> anyhow::Result<usize> {
    use jiban_demo::operation;
    use jiban_store::indicators::{IndicatorRow, NewValue};
    let zone = store.zones().await?.into_iter().next().context("zone")?;
    let state = crate::state::AppState::new(store.clone(), crate::config::Config::default());
    let usccs: Vec<String> = demo
        .enterprises
        .iter()
        .map(|e| e.uscc.as_str().to_string())
        .collect();
    let ids: HashMap<String, Uuid> = store
        .enterprises_by_usccs(zone.id, &usccs)
        .await?
        .into_iter()
        .map(|e| (e.uscc, e.id))
        .collect();
    let id_of = |i: usize| ids.get(demo.enterprises[i].uscc.as_str()).copied();
    let mut tx = store.begin().await?;
    let tags: Vec<String> = operation::TAGS.iter().map(|t| t.to_string()).collect();
    tx.set_enterprise_tags(zone.id, &tags).await?;
    tx.set_zone_geo(zone.id, &operation::geojson(demo)).await?;
    let mut by_code = HashMap::new();
    let defs = operation::REPORTED
        .iter()
        .map(|(c, n, u)| (*c, *n, *u, "reported", None))
        .chain(
            operation::COMPUTED
                .iter()
                .map(|(c, n, u, f)| (*c, *n, *u, "computed", Some(f.to_string()))),
        );
    for (sort, (code, name, unit, kind, formula)) in defs.enumerate() {
        let row = IndicatorRow {
            id: jiban_store::new_id(),
            zone_id: zone.id,
            code: code.into(),
            name: name.into(),
            unit: unit.into(),
            period: "month".into(),
            kind: kind.into(),
            formula,
            active: true,
            sort: sort as i64,
            updated_at: jiban_store::now(),
        };
        tx.save_indicator(&row).await?;
        by_code.insert(code, row.id);
    }
    // the street's handler serves the watched enterprises of the street
    let mut staff: HashMap<&str, Uuid> = HashMap::new();
    for (street, user) in [
        ("YL-S01", "handler_xy"),
        ("YL-S02", "handler_js"),
        ("YL-S03", "handler_lg"),
        ("YL-S04", "handler_qh"),
    ] {
        if let Some(u) = store.user_by_username(user).await? {
            staff.insert(street, u.id);
        }
    }
    let mut assigned: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for i in (0..demo.enterprises.len()).filter(|i| operation::watched(demo, *i)) {
        let street = jiban_demo::street_code_of(&demo.enterprises[i].grid_code).unwrap_or("");
        if let (Some(e), Some(u)) = (id_of(i), staff.get(street)) {
            assigned.entry(*u).or_default().push(e);
        }
    }
    for (user, enterprises) in &assigned {
        tx.assign_service_staff(enterprises, *user).await?;
    }
    let values: Vec<NewValue> = operation::values(demo, last_month)
        .into_iter()
        .filter_map(|v| {
            Some(NewValue {
                enterprise_id: id_of(v.enterprise_index)?,
                indicator_id: *by_code.get(v.code)?,
                period: v.period,
                value: v.value,
                source: "import".into(),
                recorded_by: None,
            })
        })
        .collect();
    tx.insert_values(zone.id, &values).await?;
    tx.commit().await?;

    // replay the last three months: the history of bands and the trend of each band
    let at_of = |month: time::Date| -> anyhow::Result<time::OffsetDateTime> {
        let next = (month + time::Duration::days(32)).replace_day(5)?;
        Ok(next
            .with_hms(9, 0, 0)?
            .assume_offset(jiban_core::calendar::BEIJING))
    };
    let m2 = (last_month - time::Duration::days(1)).replace_day(1)?;
    let m3 = (m2 - time::Duration::days(1)).replace_day(1)?;
    let today = jiban_store::now()
        .to_offset(jiban_core::calendar::BEIJING)
        .date();
    let steps = [(m3, false), (m2, false), (last_month, true)];
    for (k, (month, last)) in steps.iter().enumerate() {
        let at = if *last {
            jiban_store::now()
        } else {
            at_of(*month)?
        };
        let out = crate::bands::recompute(
            &state,
            zone.id,
            crate::bands::RecomputeOptions {
                as_of: Some(*month),
                at: Some(at),
                open_visits: *last,
                quiet: !*last,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        // the counts hold every day until the next step
        let from = at.to_offset(jiban_core::calendar::BEIJING).date();
        let until = match steps.get(k + 1) {
            Some((next, false)) => at_of(*next)?
                .to_offset(jiban_core::calendar::BEIJING)
                .date(),
            _ => today + time::Duration::days(1),
        };
        let counts: Vec<(String, i64)> = out.counts.clone().into_iter().collect();
        let mut tx = store.begin().await?;
        let mut d = from;
        while d < until {
            tx.set_band_daily(zone.id, d, &counts).await?;
            d += time::Duration::days(1);
        }
        tx.commit().await?;
        if *last {
            return Ok(out.warnings);
        }
    }
    Ok(0)
}

/// The demo zone's dispatch rules: category → lead department, and whether the street of the
/// place leads first (先属地后属主: city matters and disputes are the street's; an enterprise's
/// business is the functional department's and is not pushed down to a street).
const DEMO_ROUTING: [(&str, &str, bool); 24] = [
    ("QY01", "人社局", false),
    ("QY02", "科技金融部", false),
    ("QY03", "经济发展部", false),
    ("QY04", "经济发展部", false),
    ("QY05", "建设与公用事业管理部", false),
    ("QY06", "招商服务局", false),
    ("QY07", "科技金融部", false),
    ("QY08", "人社局", false),
    ("ZW01", "政务服务部", false),
    ("ZW02", "经济发展部", false),
    ("ZW03", "税务分局", false),
    ("ZW04", "规划自然资源分局", false),
    ("ZW05", "建设与公用事业管理部", false),
    ("AQ01", "应急管理局", false),
    ("AQ02", "生态环境分局", false),
    ("AQ03", "党政办公室", true),
    ("CS01", "建设与公用事业管理部", true),
    ("CS02", "综合执法局", true),
    ("CS03", "建设与公用事业管理部", false),
    ("CS04", "党政办公室", true),
    ("CS05", "人社局", false),
    ("CS06", "党政办公室", true),
    ("CS07", "市场监管分局", false),
    ("CS99", "政务服务部", true),
];

pub async fn load_zone(store: &Store, demo: &DemoZone) -> anyhow::Result<DemoSummary> {
    // hash once: every demo account shares the demo password
    let hash = password::hash(DEMO_PASSWORD.to_string()).await?;
    let mut tx = store.begin().await?;
    let zone = tx
        .insert_org_unit(NewOrgUnit {
            parent: None,
            kind: demo.zone.kind.as_str(),
            name: &demo.zone.name,
            code: &demo.zone.code,
            sort_order: 0,
        })
        .await
        .context("创建园区失败（是否已加载过演示数据？可用 jiban demo --reset 重置）")?;
    let mut by_code: HashMap<String, OrgUnitRow> = HashMap::new();
    by_code.insert(zone.code.clone(), zone.clone());
    for u in &demo.units {
        let parent_code = u.parent_code.as_deref().unwrap_or(&demo.zone.code);
        let parent = by_code
            .get(parent_code)
            .with_context(|| format!("unit {} has unknown parent {parent_code}", u.code))?
            .clone();
        let row = tx
            .insert_org_unit(NewOrgUnit {
                parent: Some(&parent),
                kind: u.kind.as_str(),
                name: &u.name,
                code: &u.code,
                sort_order: u.sort_order,
            })
            .await?;
        by_code.insert(u.code.clone(), row);
    }
    load_reference_data(&mut tx, zone.id).await?;
    for (category, department, territorial) in DEMO_ROUTING {
        let unit = by_code
            .values()
            .find(|u| u.kind == "department" && u.name == department)
            .with_context(|| format!("routing rule {category}: no department {department}"))?;
        tx.upsert_routing_rule(zone.id, category, Some(unit.id), territorial)
            .await?;
    }

    let rows: Vec<NewEnterprise> = demo
        .enterprises
        .iter()
        .map(|e| NewEnterprise {
            zone_id: zone.id,
            uscc: e.uscc.as_str().to_string(),
            name: e.name.clone(),
            former_names: e.former_names.clone(),
            legal_rep: e.legal_rep.clone(),
            registered_capital_wan: Some(e.registered_capital_wan),
            founded_on: Some(e.founded_on),
            address: e.address.clone(),
            grid_id: by_code.get(&e.grid_code).map(|g| g.id),
            industry_code: e.industry_code.clone(),
            employees: Some(e.employees),
            revenue_wan: Some(e.revenue_wan),
            assets_wan: Some(e.assets_wan),
            size_class: e.size.as_str().to_string(),
            tags: e.tags.clone(),
            contact_name: e.contact_name.clone(),
            contact_phone: e.contact_phone.clone(),
            lon: Some(e.lon),
            lat: Some(e.lat),
            uscc_exception: None,
            service_staff_id: None,
            revenue_last_year_wan: e.revenue_last_year_wan,
            rd_spend_wan: e.rd_spend_wan,
        })
        .collect();
    let enterprise_ids = tx.insert_enterprises(&rows).await?;

    let mut accounts = Vec::new();
    for a in &demo.accounts {
        let unit = by_code
            .get(&a.unit_code)
            .with_context(|| format!("account {} has unknown unit {}", a.username, a.unit_code))?;
        tx.insert_user(NewUser {
            zone_id: zone.id,
            username: &a.username,
            display_name: &a.display_name,
            password_hash: &hash,
            role: a.role.as_str(),
            org_unit_id: unit.id,
            enterprise_id: a.enterprise_index.map(|i| enterprise_ids[i]),
            phone: a.phone.as_deref(),
            must_change_password: false,
        })
        .await?;
        accounts.push((
            a.username.clone(),
            a.role.label().to_string(),
            unit.name.clone(),
        ));
    }
    tx.audit(
        &Actor {
            name: Some("jiban demo".into()),
            ..Default::default()
        },
        NewAudit {
            zone_id: zone.id,
            action: "demo.load",
            target_type: "zone",
            target_id: Some(zone.id),
            detail: json!({ "seed": DEMO_SEED, "units": by_code.len(), "enterprises": rows.len(),
                            "accounts": accounts.len() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(DemoSummary {
        warnings: 0,
        policies: 0,
        zone_id: zone.id,
        zone_name: zone.name,
        units: by_code.len(),
        enterprises: rows.len(),
        accounts,
        cases: 0,
        history: (0, 0, 0),
    })
}

/// How far a demo case is taken through the loop.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Submitted,
    PendingDispatch,
    Dispatched,
    Handling,
    Replied,
    PendingRating,
    Closed,
    /// 不满意 once, handled again, then 满意.
    ClosedAfterRework,
}

struct DemoCase {
    filer: &'static str,
    channel: &'static str,
    title: &'static str,
    description: &'static str,
    category: &'static str,
    urgent: bool,
    lead: &'static str,
    assists: &'static [&'static str],
    stage: Stage,
}

use Stage::*;

/// Demands in the voices of enterprises, residents and grid workers, spread over every stage.
const DEMO_CASES: &[DemoCase] = &[
    DemoCase {
        filer: "qiye",
        channel: "portal",
        title: "扩产急需普工 30 名",
        description: "公司新接光伏组件订单，二季度需新增普工 30 名、电工 2 名，希望人社部门协助对接劳务资源和技能培训。",
        category: "QY01",
        urgent: false,
        lead: "人社局",
        assists: &["向阳街道"],
        stage: ClosedAfterRework,
    },
    DemoCase {
        filer: "qiye",
        channel: "portal",
        title: "申请高新技术企业认定辅导",
        description: "我司研发投入占比已达 6%，拟于今年申报高新技术企业，希望科技部门安排专人辅导材料准备。",
        category: "QY07",
        urgent: false,
        lead: "经济发展部",
        assists: &[],
        stage: PendingRating,
    },
    DemoCase {
        filer: "qiye",
        channel: "portal",
        title: "厂区门口道路破损影响货车进出",
        description: "锦绣路厂区大门前约 20 米路面塌陷，雨天积水，重型货车进出困难，存在安全隐患。",
        category: "CS01",
        urgent: true,
        lead: "向阳街道",
        assists: &["综合执法局"],
        stage: Handling,
    },
    DemoCase {
        filer: "qiye",
        channel: "portal",
        title: "咨询稳岗补贴申领条件",
        description: "去年未裁员，想了解今年稳岗返还的申领条件、时间和需要准备的材料。",
        category: "ZW02",
        urgent: false,
        lead: "人社局",
        assists: &[],
        stage: Submitted,
    },
    DemoCase {
        filer: "intake",
        channel: "hotline",
        title: "小区路灯连续多晚不亮",
        description: "东湖路 66 号小区南门外三盏路灯连续五晚不亮，老人夜间出行不便，希望尽快维修。",
        category: "CS01",
        urgent: false,
        lead: "向阳街道",
        assists: &[],
        stage: Closed,
    },
    DemoCase {
        filer: "intake",
        channel: "hotline",
        title: "工地夜间施工噪声扰民",
        description: "金山路与临港大道交口工地每晚十一点后仍在打桩，噪声很大，影响周边居民休息。",
        category: "AQ02",
        urgent: false,
        lead: "综合执法局",
        assists: &["金山街道"],
        stage: Replied,
    },
    DemoCase {
        filer: "intake",
        channel: "hotline",
        title: "讨要拖欠工资",
        description: "来电人在某装修公司做工三个月，公司拖欠工资 2.6 万元至今未付，请求帮助追讨。",
        category: "CS05",
        urgent: true,
        lead: "人社局",
        assists: &[],
        stage: Handling,
    },
    DemoCase {
        filer: "intake",
        channel: "hotline",
        title: "菜市场占道经营",
        description: "泉湖镇集贸市场东侧商贩占用人行道和机动车道摆摊，早高峰交通拥堵。",
        category: "CS02",
        urgent: false,
        lead: "泉湖镇",
        assists: &["综合执法局"],
        stage: Dispatched,
    },
    DemoCase {
        filer: "intake",
        channel: "hotline",
        title: "燃气管道疑似泄漏",
        description: "临港街道海湾社区 3 号楼一楼楼道有明显燃气味，居民担心泄漏，请立即派人排查。",
        category: "AQ01",
        urgent: true,
        lead: "应急管理局",
        assists: &["临港街道"],
        stage: Closed,
    },
    DemoCase {
        filer: "intake",
        channel: "hotline",
        title: "电动车楼道充电隐患",
        description: "金山街道某小区多栋楼有居民把电动车推进楼道充电，存在火灾隐患，希望物业和社区处理。",
        category: "CS04",
        urgent: false,
        lead: "金山街道",
        assists: &[],
        stage: PendingRating,
    },
    DemoCase {
        filer: "intake",
        channel: "hotline",
        title: "网购商品质量投诉",
        description: "在园区某商户购买的电热水壶使用一周即漏电，商家拒绝退换。",
        category: "CS07",
        urgent: false,
        lead: "市场监管分局",
        assists: &[],
        stage: Dispatched,
    },
    DemoCase {
        filer: "intake",
        channel: "hotline",
        title: "邻里漏水纠纷",
        description: "楼上住户卫生间漏水导致我家天花板霉变，多次协商无果，希望社区调解。",
        category: "CS06",
        urgent: false,
        lead: "临港街道",
        assists: &[],
        stage: Handling,
    },
    DemoCase {
        filer: "grid_xy01",
        channel: "grid",
        title: "井盖缺失有安全隐患",
        description: "东湖路与锦绣路交口人行道井盖缺失，已临时摆放警示锥。",
        category: "CS01",
        urgent: true,
        lead: "向阳街道",
        assists: &[],
        stage: Closed,
    },
    DemoCase {
        filer: "grid_xy01",
        channel: "grid",
        title: "背街小巷垃圾堆积",
        description: "向阳社区后街垃圾清运不及时，已堆积两天，天热有异味。",
        category: "CS02",
        urgent: false,
        lead: "向阳街道",
        assists: &[],
        stage: Handling,
    },
    DemoCase {
        filer: "grid_xy01",
        channel: "grid",
        title: "沿街商铺违规搭建雨棚",
        description: "锦绣路 120 号至 136 号商铺私自搭建彩钢雨棚，占用公共空间。",
        category: "CS02",
        urgent: false,
        lead: "综合执法局",
        assists: &["向阳街道"],
        stage: PendingDispatch,
    },
    DemoCase {
        filer: "grid_xy01",
        channel: "grid",
        title: "企业厂房外墙空鼓脱落",
        description: "东湖社区一家纸箱厂厂房外墙瓷砖空鼓，已有零星脱落，下方是员工通道。",
        category: "AQ01",
        urgent: true,
        lead: "应急管理局",
        assists: &["向阳街道"],
        stage: Replied,
    },
    DemoCase {
        filer: "grid_xy01",
        channel: "grid",
        title: "雨水管网堵塞路面积水",
        description: "文华社区主干道雨水篦子堵塞，昨夜小雨即出现大面积积水。",
        category: "CS01",
        urgent: false,
        lead: "向阳街道",
        assists: &[],
        stage: Submitted,
    },
    DemoCase {
        filer: "dispatcher",
        channel: "superior",
        title: "市 12345 转办：企业反映用电增容审批慢",
        description: "市热线转来：园区某精密制造企业申请用电增容两个月未获批复，影响新产线投产。",
        category: "QY05",
        urgent: false,
        lead: "经济发展部",
        assists: &[],
        stage: Handling,
    },
    DemoCase {
        filer: "dispatcher",
        channel: "superior",
        title: "市 12345 转办：原材料运输车辆通行受阻",
        description: "企业反映运送原材料的货车在园区卡口被要求绕行，单程增加 40 分钟。",
        category: "QY04",
        urgent: true,
        lead: "经济发展部",
        assists: &["临港街道"],
        stage: Closed,
    },
    DemoCase {
        filer: "leader",
        channel: "leader",
        title: "领导交办：重点项目施工许可办理进度",
        description: "请牵头推进数字服务产业基地二期施工许可，协调相关部门本周内完成会审。",
        category: "ZW05",
        urgent: true,
        lead: "经济发展部",
        assists: &["人社局"],
        stage: Dispatched,
    },
    DemoCase {
        filer: "leader",
        channel: "leader",
        title: "领导交办：走访专精特新企业收集诉求",
        description: "请组织对园区专精特新企业开展一轮走访，汇总融资、用工、用地方面的困难。",
        category: "QY06",
        urgent: false,
        lead: "经济发展部",
        assists: &[],
        stage: PendingRating,
    },
    DemoCase {
        filer: "intake",
        channel: "visit",
        title: "走访发现：企业反映订单不足",
        description: "工作组走访临港一家汽车零部件企业，企业反映下游整车厂订单下降三成，希望帮助拓展市场。",
        category: "QY06",
        urgent: false,
        lead: "经济发展部",
        assists: &["临港街道"],
        stage: Replied,
    },
    DemoCase {
        filer: "intake",
        channel: "hotline",
        title: "新员工社保缴纳咨询",
        description: "公司新招 12 名员工，询问社保开户和首月缴纳的办理流程。",
        category: "ZW03",
        urgent: false,
        lead: "人社局",
        assists: &[],
        stage: Closed,
    },
    DemoCase {
        filer: "intake",
        channel: "hotline",
        title: "物流园区夜间大车乱停",
        description: "临港物流园周边道路夜间大货车乱停，占用非机动车道，存在安全隐患。",
        category: "CS03",
        urgent: false,
        lead: "临港街道",
        assists: &["综合执法局"],
        stage: Dispatched,
    },
    DemoCase {
        filer: "intake",
        channel: "hotline",
        title: "农村道路坑洼难行",
        description: "泉湖镇张庄村通村道路有多处坑洼，雨后无法通行，村民出行困难。",
        category: "CS01",
        urgent: false,
        lead: "泉湖镇",
        assists: &[],
        stage: Handling,
    },
];

/// Files the demo cases and walks each through the real engine to its stage (every step is a
/// genuine event in its chain).
pub async fn load_cases(store: &Store) -> anyhow::Result<usize> {
    let state = crate::state::AppState::new(store.clone(), crate::config::Config::default());
    let who = |name: &str| {
        let store = store.clone();
        let name = name.to_string();
        async move {
            let u = store
                .user_by_username(&name)
                .await?
                .with_context(|| format!("demo account {name}"))?;
            crate::auth::Principal::of(u).map_err(|e| anyhow::anyhow!("{e}"))
        }
    };
    let zone = store.zones().await?.into_iter().next().context("zone")?;
    let units = store.org_units(zone.id).await?;
    let unit = |name: &str| {
        units
            .iter()
            .find(|u| u.name == name)
            .map(|u| u.id)
            .with_context(|| format!("demo unit {name}"))
    };
    let handler_of = |unit: &str| -> &'static str {
        match unit {
            "人社局" => "handler_rsj",
            "综合执法局" => "handler_zhzf",
            "应急管理局" => "handler_yjgl",
            "向阳街道" => "handler_xy",
            "金山街道" => "handler_js",
            "临港街道" => "handler_lg",
            "泉湖镇" => "handler_qh",
            _ => "handler_jjfz",
        }
    };
    let e = |e: crate::error::AppError| anyhow::anyhow!("{e}");
    let grid_of_filer = who("grid_xy01").await?.user.org_unit_id;
    let intake = who("intake").await?;
    let dispatcher = who("dispatcher").await?;
    for (i, c) in DEMO_CASES.iter().enumerate() {
        let filer = who(c.filer).await?;
        let req = crate::routes::cases::NewCaseRequest {
            channel: c.channel.into(),
            title: c.title.into(),
            description: c.description.into(),
            category_code: c.category.into(),
            urgency: Some(if c.urgent { "urgent" } else { "normal" }.into()),
            enterprise_uscc: None,
            enterprise_id: None,
            person_name: (c.channel == "hotline")
                .then(|| ["王先生", "李女士", "张师傅", "刘女士"][i % 4].into()),
            person_phone: (c.channel == "hotline").then(|| format!("1395551{:04}", 2000 + i)),
            address: (c.channel == "grid").then(|| "东湖路与锦绣路交口".into()),
            grid_id: (c.channel == "grid").then_some(grid_of_filer),
            lon: None,
            lat: None,
            expected_outcome: None,
            idempotency_key: Some(format!("demo-{i}")),
        };
        let (id, _) = crate::casework::file(&state, &filer, &req)
            .await
            .map_err(e)?;
        use crate::casework::{Command, DispatchPlan, run};
        if c.stage == Submitted {
            continue;
        }
        if !matches!(
            c.channel,
            "hotline" | "leader" | "superior" | "visit" | "inspection"
        ) {
            run(&state, &intake, id, Command::Accept { note: None })
                .await
                .map_err(e)?;
        }
        if c.stage == PendingDispatch {
            continue;
        }
        let plan = DispatchPlan {
            lead_unit_id: unit(c.lead)?,
            assist_unit_ids: c
                .assists
                .iter()
                .map(|a| unit(a))
                .collect::<anyhow::Result<_>>()?,
            note: Some("请按期办理并及时答复".into()),
            category_code: None,
            urgency: None,
        };
        run(&state, &dispatcher, id, Command::Dispatch(plan))
            .await
            .map_err(e)?;
        if c.stage == Dispatched {
            continue;
        }
        let lead = who(handler_of(c.lead)).await?;
        run(&state, &lead, id, Command::Sign).await.map_err(e)?;
        for a in c.assists {
            let h = who(handler_of(a)).await?;
            run(&state, &h, id, Command::Sign).await.map_err(e)?;
            if c.stage >= Replied {
                let text = format!("{a}已配合完成现场核实，情况已反馈主办单位。");
                run(&state, &h, id, Command::Reply { text })
                    .await
                    .map_err(e)?;
            }
        }
        if c.stage == Handling {
            continue;
        }
        let reply = format!(
            "经现场核实，已就“{}”落实处置措施，办理结果已电话告知诉求人。",
            c.title
        );
        run(
            &state,
            &lead,
            id,
            Command::Reply {
                text: reply.clone(),
            },
        )
        .await
        .map_err(e)?;
        if c.stage == Replied {
            continue;
        }
        run(
            &state,
            &dispatcher,
            id,
            Command::Verify {
                pass: true,
                note: None,
            },
        )
        .await
        .map_err(e)?;
        if c.stage == PendingRating {
            continue;
        }
        let rater = if c.channel == "portal" || c.channel == "grid" {
            filer.clone()
        } else {
            intake.clone()
        };
        use jiban_core::case::Satisfaction;
        if c.stage == ClosedAfterRework {
            let comment = Some("只解决了一部分，缺口仍然较大".to_string());
            run(
                &state,
                &rater,
                id,
                Command::Rate {
                    level: Satisfaction::Unsatisfied,
                    comment,
                },
            )
            .await
            .map_err(e)?;
            let again = "已追加对接两家劳务公司，缺口全部补齐。".to_string();
            run(&state, &lead, id, Command::Reply { text: again })
                .await
                .map_err(e)?;
            run(
                &state,
                &dispatcher,
                id,
                Command::Verify {
                    pass: true,
                    note: None,
                },
            )
            .await
            .map_err(e)?;
        }
        let level = if i % 3 == 0 {
            Satisfaction::Basic
        } else {
            Satisfaction::Satisfied
        };
        run(
            &state,
            &rater,
            id,
            Command::Rate {
                level,
                comment: Some("办理及时，感谢".into()),
            },
        )
        .await
        .map_err(e)?;
    }
    Ok(DEMO_CASES.len())
}

/// The demo zone's enterprises as an xlsx in the shape of an economic-census list (the headers
/// such lists use, grids by code), each employee count one more than the registry's so that a
/// re-import is all updates. With `bad`, four rows are spoiled the ways real files are: a wrong
/// check character, an impossible date, a count in words and a repeated credit code. Returns the
/// workbook and the number of bad rows.
pub fn census_workbook(demo: &DemoZone, bad: bool) -> anyhow::Result<(Vec<u8>, usize)> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("单位名录")?;
    let head = Format::new().set_bold().set_background_color("#DCE6F2");
    let headers = [
        "序号",
        "统一社会信用代码",
        "单位详细名称",
        "法定代表人（负责人）",
        "注册资本(万元)",
        "开业（成立）时间",
        "详细地址",
        "所属网格",
        "行业代码",
        "从业人员期末人数",
        "营业收入(万元)",
        "资产总计(万元)",
        "联系电话",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_with_format(0, c as u16, *h, &head)?;
    }
    let n = demo.enterprises.len();
    let spoil = |i: usize| bad && (i == 2 || i == 119.min(n - 1) || i == 3999.min(n - 1));
    let mut row = 1u32;
    for (i, e) in demo.enterprises.iter().enumerate() {
        let mut uscc = e.uscc.as_str().to_string();
        let mut founded = e.founded_on.to_string();
        let mut employees: Option<String> = None;
        if spoil(i) {
            match i {
                2 => {
                    // a typo in the check character
                    let last = uscc.pop().unwrap_or('0');
                    uscc.push(if last == '0' { '1' } else { '0' });
                }
                _ if i == 119.min(n - 1) => founded = "2023-13-45".into(),
                _ => employees = Some("约五十人".into()),
            }
        }
        ws.write(row, 0, row as f64)?;
        ws.write(row, 1, uscc.as_str())?;
        ws.write(row, 2, e.name.as_str())?;
        ws.write(row, 3, e.legal_rep.as_str())?;
        ws.write(row, 4, e.registered_capital_wan)?;
        ws.write(row, 5, founded.as_str())?;
        ws.write(row, 6, e.address.as_str())?;
        ws.write(row, 7, e.grid_code.as_str())?;
        ws.write(row, 8, e.industry_code.as_str())?;
        match employees {
            Some(s) => ws.write(row, 9, s.as_str())?,
            None => ws.write(row, 9, (e.employees + 1) as f64)?,
        };
        ws.write(row, 10, e.revenue_wan)?;
        ws.write(row, 11, e.assets_wan)?;
        ws.write(row, 12, e.contact_phone.as_str())?;
        row += 1;
    }
    let mut bad_rows = [2usize, 119.min(n - 1), 3999.min(n - 1)]
        .iter()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if bad && n > 10 {
        // the same enterprise twice (a list merged from two sources)
        let e = &demo.enterprises[10];
        ws.write(row, 0, row as f64)?;
        ws.write(row, 1, e.uscc.as_str())?;
        ws.write(row, 2, e.name.as_str())?;
        ws.write(row, 9, (e.employees + 1) as f64)?;
        bad_rows += 1;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok((wb.save_to_buffer()?, if bad { bad_rows } else { 0 }))
}

/// How well each demo unit works (the share of things done in time and to satisfaction), so the
/// rankings have a shape: 泉湖镇 and 综合执法局 trail week after week and earn letters.
fn demo_quality(name: &str) -> f64 {
    match name {
        "泉湖镇" => 0.4,
        "综合执法局" => 0.5,
        "临港街道" => 0.8,
        "应急管理局" => 0.84,
        "金山街道" => 0.9,
        "人社局" => 0.92,
        "向阳街道" => 0.95,
        _ => 0.88,
    }
}

/// Ten weeks of handled cases before the demo's own (历史件, written with their timestamps), the
/// weekly ranking snapshots the Monday job would have taken from them, last month's, and the
/// letters of the latest week. Returns (cases, snapshots, letters).
pub async fn load_history(
    store: &Store,
    now: time::OffsetDateTime,
) -> anyhow::Result<(usize, usize, usize)> {
    use jiban_core::calendar::BEIJING;
    use jiban_store::cases::{HistoricAssignment, HistoricCase, NewCase};
    use time::Duration;
    let state = crate::state::AppState::new(store.clone(), crate::config::Config::default());
    let cal = WorkCalendar::china_default();
    let zone = store.zones().await?.into_iter().next().context("zone")?;
    let units = store.org_units(zone.id).await?;
    let leads: Vec<_> = units
        .iter()
        .filter(|u| u.active && (u.kind == "street" || u.kind == "department"))
        .filter(|u| u.name != "党政办公室")
        .collect();
    let grids_of = |street: Uuid| -> Vec<Uuid> {
        units
            .iter()
            .filter(|u| u.kind == "grid" && u.street_id == Some(street))
            .map(|u| u.id)
            .collect()
    };
    let all_grids: Vec<Uuid> = units
        .iter()
        .filter(|u| u.kind == "grid")
        .map(|u| u.id)
        .collect();
    let intake = store
        .user_by_username("intake")
        .await?
        .context("demo account intake")?;
    let mut rng: u64 = 0x5eed_2026;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng >> 11) as f64 / (1u64 << 53) as f64
    };
    let today = now.to_offset(BEIJING).date();
    let this_monday = today - Duration::days(i64::from(today.weekday().number_days_from_monday()));
    let mut n = 0usize;
    let mut tx = store.begin().await?;
    let mut exempted = false;
    for week in (0..10).rev() {
        let monday = this_monday - Duration::days(7 * week);
        for k in 0..100usize {
            let (filer_case, lead) = {
                let c = &DEMO_CASES[(k * 7 + week as usize) % DEMO_CASES.len()];
                let kind = if next() < 0.5 { "street" } else { "department" };
                let pool: Vec<_> = leads.iter().filter(|u| u.kind == kind).collect();
                let lead = pool.get((next() * pool.len() as f64) as usize).copied();
                (c, *lead.context("demo lead unit")?)
            };
            let q = demo_quality(&lead.name);
            let day = monday + Duration::days((next() * 5.0) as i64);
            let minute = 8 * 60 + 40 + (next() * 480.0) as i64;
            let created = day.midnight().assume_offset(BEIJING) + Duration::minutes(minute);
            if created > now - Duration::hours(2) {
                continue;
            }
            let dispatched = created + Duration::minutes(20 + (next() * 60.0) as i64);
            let sign_by = cal.add_working_hours(dispatched, 2);
            let due = cal.add_working_hours(dispatched, 35);
            let signed = if next() < q {
                dispatched + Duration::minutes(10 + (next() * 60.0) as i64)
            } else {
                cal.add_working_hours(dispatched, 3 + (next() * 5.0) as u32)
            };
            let replied = if next() < q {
                cal.add_working_hours(dispatched, 4 + (next() * 28.0) as u32)
            } else {
                cal.add_working_hours(dispatched, 37 + (next() * 20.0) as u32)
            };
            let open = replied > now || (week == 0 && next() < 0.35);
            let closed = replied + Duration::hours(20 + (next() * 30.0) as i64);
            let open = open || closed > now;
            if open {
                // the history is what was handled: the open workload is the live demo cases
                // (a still-open copy of one of their texts would be a false 可能重复 of it and
                // of its other copies, and a clone in the units' queues)
                continue;
            }
            let r = next();
            let rating = if r < q {
                "satisfied"
            } else if r < q + (1.0 - q) / 2.0 {
                "basic"
            } else {
                "unsatisfied"
            };
            let grid = if lead.kind == "street" {
                let g = grids_of(lead.id);
                g.get(k % g.len().max(1)).copied()
            } else {
                all_grids.get((k * 3) % all_grids.len().max(1)).copied()
            };
            let seq = tx.next_case_seq(zone.id, &format!("H{}", day)).await?;
            let case_no = format!(
                "LS{:04}{:02}{:02}{:04}",
                day.year(),
                u8::from(day.month()),
                day.day(),
                seq
            );
            let lead_assignment = HistoricAssignment {
                unit_id: lead.id,
                role: "lead".into(),
                state: "replied".into(),
                sign_by,
                due_at: due,
                signed_at: Some(signed.min(now)),
                replied_at: Some(replied),
                reply: Some(format!(
                    "经现场核实，已就“{}”落实处置措施，并电话回访诉求人。",
                    filer_case.title
                )),
                created_at: dispatched,
                ended_at: None,
            };
            let h = HistoricCase {
                case: NewCase {
                    zone_id: zone.id,
                    case_no,
                    channel: "hotline".into(),
                    state: "closed".into(),
                    title: filer_case.title.into(),
                    description: filer_case.description.into(),
                    category_code: filer_case.category.into(),
                    urgency: if k % 13 == 0 { "urgent" } else { "normal" }.into(),
                    enterprise_id: None,
                    person_name: None,
                    person_phone: None,
                    address: None,
                    grid_id: grid,
                    lon: None,
                    lat: None,
                    expected_outcome: None,
                    submitter_id: None,
                    filed_by: intake.id,
                    idempotency_key: None,
                },
                created_at: created,
                dispatched_at: dispatched,
                lead_unit_id: lead.id,
                sign_by,
                due_at: due,
                closed_at: Some(closed),
                reworks: 0,
                rating: Some(rating.to_string()),
                rated_at: Some(closed),
                assignments: vec![lead_assignment],
            };
            let id = tx.insert_historic_case(&h).await?;
            if !exempted && lead.name == "泉湖镇" && rating == "unsatisfied" {
                tx.set_exemption(
                    zone.id,
                    id,
                    "诉求人要求超出政策规定范围，经督查室核实属不合理诉求，免于考核",
                    intake.id,
                )
                .await?;
                exempted = true;
            }
            n += 1;
        }
    }
    tx.commit().await?;
    // the Monday job's snapshots of the past eight weeks and of last month, then this week's letters
    let system = jiban_store::audit::Actor::system();
    let mut snapshots = 0;
    for week in (1..=8).rev() {
        let first = this_monday - Duration::days(7 * week);
        let as_of = (first + Duration::days(7))
            .midnight()
            .assume_offset(BEIJING)
            + Duration::hours(8);
        let req = crate::assessment::SnapshotRequest {
            kind: "week".into(),
            first,
            last: first + Duration::days(6),
            as_of: as_of.min(now),
            trigger: "scheduled",
            corrects: None,
            reason: None,
        };
        crate::assessment::take_snapshot(&state, zone.id, req, &system)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        snapshots += 1;
    }
    if let Some((first, last)) = crate::assessment::last_complete("month", today) {
        let req = crate::assessment::SnapshotRequest {
            kind: "month".into(),
            first,
            last,
            as_of: now,
            trigger: "scheduled",
            corrects: None,
            reason: None,
        };
        crate::assessment::take_snapshot(&state, zone.id, req, &system)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        snapshots += 1;
    }
    let latest = store
        .standing_snapshots(zone.id, "week", time::Date::MAX, 1)
        .await?
        .into_iter()
        .next()
        .context("weekly snapshot")?;
    let letters = crate::assessment::issue_letters(&state, zone.id, &latest, &system)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .len();
    Ok((n, snapshots, letters))
}

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
    load_zone(store, &demo).await
}

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
        zone_id: zone.id,
        zone_name: zone.name,
        units: by_code.len(),
        enterprises: rows.len(),
        accounts,
    })
}

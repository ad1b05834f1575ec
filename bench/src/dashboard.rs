//! `jiban-bench dashboard`: the command dashboard (指挥大屏) at city scale.
//!
//! A fresh database gets a city-scale zone ([`STREETS`] streets of [`COMMUNITIES`] communities of
//! [`GRIDS`] grids each, [`DEPARTMENTS`] departments, the default reference data) and N cases over
//! the last three years (bulk-inserted by [`crate::seed`]); the rollups are rebuilt from them
//! (`Store::rebuild_rollups`, what `jiban rollups --rebuild` runs) and one weekly ranking taken.
//! Then, in process: the dashboard's data function (`routes::assessment::dashboard_data`, what
//! `GET /api/v1/dashboard` answers), the cost of keeping the rollups up to date on case writes,
//! and one check of the figures against a scan of the cases.

use crate::{CaseMix, percentiles, seed};
use anyhow::{Context, bail, ensure};
use jiban_core::calendar::BEIJING;
use jiban_server::error::AppError;
use jiban_server::routes::assessment::{Dashboard, dashboard_data};
use jiban_server::state::AppState;
use jiban_store::org::NewOrgUnit;
use jiban_store::users::NewUser;
use jiban_store::{DbPool, Store, StoreOptions, with_pool, with_tx};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use uuid::Uuid;

pub const STREETS: usize = 100;
pub const COMMUNITIES: usize = 6;
pub const GRIDS: usize = 5;
pub const DEPARTMENTS: usize = 40;

/// Warm-up calls before the timed ones.
const WARM_UP: usize = 5;

fn app(e: AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

pub async fn run(
    url: &str,
    n: usize,
    iterations: usize,
    writes: usize,
    reuse: bool,
) -> anyhow::Result<()> {
    let store = Store::connect(url, &StoreOptions::default()).await?;
    let state = AppState::new(store.clone(), Default::default());
    let zone = if reuse {
        store
            .zones()
            .await?
            .into_iter()
            .next()
            .context("no zone: run `dashboard` without --reuse first")?
            .id
    } else {
        if !jiban_server::demo::is_empty(&store).await? {
            bail!("the database must be empty (or pass --reuse)");
        }
        load(&state, n).await?
    };

    let (rollups, live) = store.rollup_rows(zone).await?;
    let days = rollups.iter().filter(|r| r.bucket.starts_with('D')).count();
    println!(
        "database: {:.2} GB; {} case_rollups rows ({days} of day buckets, {} of month buckets), {} case_live rows",
        database_bytes(&store).await? as f64 / 1e9,
        rollups.len(),
        rollups.len() - days,
        live.len()
    );

    // the dashboard's data, as `GET /api/v1/dashboard` computes it
    for _ in 0..WARM_UP {
        dashboard_data(&state, zone, jiban_store::now())
            .await
            .map_err(app)?;
    }
    let mut lat = Vec::with_capacity(iterations);
    let mut last = None;
    for _ in 0..iterations {
        let t = Instant::now();
        let d = dashboard_data(&state, zone, jiban_store::now())
            .await
            .map_err(app)?;
        lat.push(t.elapsed());
        last = Some(d);
    }
    let d = last.context("--iterations 0")?;
    println!(
        "dashboard_data ({} areas, {} categories, {} ranking rows, {} urgent cases; {} KB as JSON), {iterations} calls after {WARM_UP} warm-up: {}",
        d.areas.len(),
        d.categories.len(),
        d.ranking.as_ref().map_or(0, |r| r.rows.len()),
        d.urgent.len(),
        serde_json::to_vec(&d)?.len() / 1024,
        percentiles(lat)
    );
    parts(&store, zone, &d).await?;

    upkeep(&store, zone, writes).await?;
    check(&state, zone).await
}

/// The city, the cases, the rollups rebuilt from them and one weekly ranking; the zone's id.
async fn load(state: &AppState, n: usize) -> anyhow::Result<Uuid> {
    let store = &state.store;
    let t = Instant::now();
    let (zone, intake) = city(store).await?;
    let units = store.org_units(zone).await?;
    let of_kind = |kinds: &[&str]| -> Vec<Uuid> {
        units
            .iter()
            .filter(|u| kinds.contains(&u.kind.as_str()))
            .map(|u| u.id)
            .collect()
    };
    let (leads, grids) = (of_kind(&["department", "street"]), of_kind(&["grid"]));
    let categories: Vec<String> = store
        .categories(zone)
        .await?
        .into_iter()
        .filter(|c| c.parent_code.is_some())
        .map(|c| c.code)
        .collect();
    println!(
        "city zone: {} units ({} grids, {} lead units), {} leaf categories, in {:.1} s",
        units.len(),
        grids.len(),
        leads.len(),
        categories.len(),
        t.elapsed().as_secs_f64()
    );

    let now = jiban_store::now();
    let mix = CaseMix {
        n,
        from: now - time::Duration::days(3 * 365),
        to: now,
        open_share: 0.04,
        open_since: now - time::Duration::days(10),
        urgent_share: 0.05,
        categories: &categories,
        texts: None,
        assignments: false,
    };
    let t = Instant::now();
    seed(store, zone, intake, &leads, &grids, &mix).await?;
    println!(
        "seeded {n} cases (no assignments) in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let read = store.rebuild_rollups(zone).await?;
    println!(
        "rebuild_rollups (jiban rollups --rebuild): {read} cases in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // last week's ranking, so that the dashboard's ranking part has rows to read
    let today = now.to_offset(BEIJING).date();
    let (first, last) =
        jiban_server::assessment::last_complete("week", today).context("last week")?;
    let req = jiban_server::assessment::SnapshotRequest {
        kind: "week".into(),
        first,
        last,
        as_of: now,
        trigger: "scheduled",
        corrects: None,
        reason: None,
    };
    let t = Instant::now();
    jiban_server::assessment::take_snapshot(state, zone, req, &jiban_store::audit::Actor::system())
        .await
        .map_err(app)?;
    println!(
        "weekly snapshot {first}–{last} in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    Ok(zone)
}

/// A city-scale org tree with the default reference data and one intake account (which cannot
/// log in); (zone, account).
async fn city(store: &Store) -> anyhow::Result<(Uuid, Uuid)> {
    let mut tx = store.begin().await?;
    let zone = tx
        .insert_org_unit(NewOrgUnit {
            parent: None,
            kind: "zone",
            name: "压测市",
            code: "CT",
            sort_order: 0,
        })
        .await?;
    for d in 1..=DEPARTMENTS {
        tx.insert_org_unit(NewOrgUnit {
            parent: Some(&zone),
            kind: "department",
            name: &format!("第{d}部门"),
            code: &format!("CT-D{d:02}"),
            sort_order: d as i32,
        })
        .await?;
    }
    for s in 1..=STREETS {
        let street = tx
            .insert_org_unit(NewOrgUnit {
                parent: Some(&zone),
                kind: "street",
                name: &format!("第{s}街道"),
                code: &format!("CT-S{s:03}"),
                sort_order: s as i32,
            })
            .await?;
        for c in 1..=COMMUNITIES {
            let community = tx
                .insert_org_unit(NewOrgUnit {
                    parent: Some(&street),
                    kind: "community",
                    name: &format!("第{s}街道第{c}社区"),
                    code: &format!("{}-C{c}", street.code),
                    sort_order: c as i32,
                })
                .await?;
            for g in 1..=GRIDS {
                tx.insert_org_unit(NewOrgUnit {
                    parent: Some(&community),
                    kind: "grid",
                    name: &format!("第{s}街道第{c}社区第{g}网格"),
                    code: &format!("{}-G{g}", community.code),
                    sort_order: g as i32,
                })
                .await?;
            }
        }
    }
    jiban_server::demo::load_reference_data(&mut tx, zone.id).await?;
    let intake = tx
        .insert_user(NewUser {
            zone_id: zone.id,
            username: "intake",
            display_name: "压测受理员",
            password_hash: "!",
            role: "intake",
            org_unit_id: zone.id,
            enterprise_id: None,
            phone: None,
            must_change_password: false,
        })
        .await?;
    tx.commit().await?;
    Ok((zone.id, intake))
}

/// Bytes of the database (the SQLite main file without its WAL; PostgreSQL's database size).
async fn database_bytes(store: &Store) -> anyhow::Result<i64> {
    Ok(match store.pool() {
        DbPool::Sqlite(p) => {
            sqlx::query_scalar(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            )
            .fetch_one(p)
            .await?
        }
        DbPool::Postgres(p) => {
            sqlx::query_scalar("SELECT pg_database_size(current_database())")
                .fetch_one(p)
                .await?
        }
    })
}

/// The median of 20 calls of each read the dashboard makes (they run two to five at a time
/// there; here one after the other), and of encoding its answer.
async fn parts(store: &Store, zone: Uuid, d: &Dashboard) -> anyhow::Result<()> {
    use jiban_store::assessment::{day_bucket, month_bucket};
    let today = jiban_store::now().to_offset(BEIJING).date();
    let (d_first, d_today) = (
        day_bucket(today - time::Duration::days(29)),
        day_bucket(today),
    );
    let (y_first, y_last) = (
        month_bucket(today.year(), 1),
        month_bucket(today.year(), 12),
    );
    macro_rules! median {
        ($label:expr, $call:expr) => {{
            let mut v = Vec::new();
            for _ in 0..20 {
                let t = Instant::now();
                $call.await?;
                v.push(t.elapsed());
            }
            v.sort();
            format!("{} {:.1} ms", $label, v[v.len() / 2].as_secs_f64() * 1000.0)
        }};
    }
    let parts = [
        median!("year sum", store.rollup_sum(zone, &y_first, &y_last, "*")),
        median!(
            "30-day series",
            store.rollup_series(zone, &d_first, &d_today, "*")
        ),
        median!(
            "categories",
            store.rollup_by_dim(zone, &y_first, &y_last, "c:")
        ),
        median!("grids", store.rollup_by_dim(zone, &y_first, &y_last, "g:")),
        median!("live counts", store.live_counts(zone)),
        median!("org units", store.org_units(zone)),
        median!("categories (names)", store.categories(zone)),
        median!(
            "latest weekly snapshot",
            store.standing_snapshots(zone, "week", time::Date::MAX, 1)
        ),
        median!("10 urgent open cases", store.urgent_open_cases(zone, 10)),
        median!(
            "JSON encoding (the handler's, not in dashboard_data)",
            async { serde_json::to_vec(d).map(|_| ()) }
        ),
    ];
    println!("  its reads (median of 20 each): {}", parts.join(" · "));
    Ok(())
}

/// Times `writes` case writes of each kind, every one its own transaction (one durable commit):
/// closing an open case through the store (`lock_case` + `save_case`, which moves the case's
/// counts in the rollups), the same change as a bare `UPDATE` without the rollups (their counts
/// moved afterwards, untimed), and the sweep's `set_case_alert('overdue')`.
async fn upkeep(store: &Store, zone: Uuid, writes: usize) -> anyhow::Result<()> {
    if writes == 0 {
        return Ok(());
    }
    let mut open: Vec<(Uuid, Option<String>)> = with_pool!(store, |p| {
        sqlx::query_as(
            "SELECT id, alert FROM cases WHERE zone_id = $1 AND state IN ('dispatched', 'handling')",
        )
        .bind(zone)
        .fetch_all(p)
        .await
    })?;
    open.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(11));
    let (alerts, close): (Vec<_>, Vec<_>) = open.into_iter().partition(|(_, a)| a.is_none());
    ensure!(
        close.len() >= 2 * writes && alerts.len() >= writes,
        "not enough open cases for {writes} writes of each kind"
    );
    let (with_rollups, bare) = close.split_at(writes);
    let bare = &bare[..writes];

    // the rollup keys of the bare writes' cases, to move their counts afterwards
    let mut tx = store.begin().await?;
    let mut keys = Vec::with_capacity(writes);
    for (id, _) in bare {
        keys.push(tx.rollup_key(*id).await?);
    }
    tx.commit().await?;

    let (mut a_tx, mut a_write, mut b_tx, mut b_write) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((a, _), (b, _)) in with_rollups.iter().zip(bare) {
        let t = Instant::now();
        let mut tx = store.begin().await?;
        let mut c = tx.lock_case(zone, *a).await?;
        c.state = "closed".into();
        c.closed_at = Some(jiban_store::now());
        let w = Instant::now();
        tx.save_case(&c).await?;
        a_write.push(w.elapsed());
        tx.commit().await?;
        a_tx.push(t.elapsed());

        let t = Instant::now();
        let mut tx = store.begin().await?;
        let c = tx.lock_case(zone, *b).await?;
        let w = Instant::now();
        let now = jiban_store::now();
        with_tx!(&mut tx, |c| {
            sqlx::query(
                "UPDATE cases SET state = 'closed', closed_at = $1, updated_at = $1, alert = NULL WHERE id = $2",
            )
            .bind(now)
            .bind(*b)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        b_write.push(w.elapsed());
        tx.commit().await?;
        b_tx.push(t.elapsed());
        ensure!(c.state != "closed");
    }
    let mut tx = store.begin().await?;
    for ((id, _), before) in bare.iter().zip(keys) {
        tx.rollup_after(before, *id).await?;
    }
    tx.commit().await?;

    let mut c_tx = Vec::new();
    for (id, _) in &alerts[..writes] {
        let t = Instant::now();
        let mut tx = store.begin().await?;
        tx.set_case_alert(*id, Some("overdue")).await?;
        tx.commit().await?;
        c_tx.push(t.elapsed());
    }

    let mean = |v: &[Duration]| v.iter().sum::<Duration>().as_secs_f64() * 1000.0 / v.len() as f64;
    println!(
        "close a case through the store (lock_case + save_case with the rollups, commit), {writes} writes: {} · mean {:.2} ms",
        percentiles(a_tx.clone()),
        mean(&a_tx)
    );
    println!(
        "  the same without the rollups (lock_case + bare UPDATE, commit): {} · mean {:.2} ms",
        percentiles(b_tx.clone()),
        mean(&b_tx)
    );
    println!(
        "  the write statement(s) alone: save_case {} (mean {:.3} ms) vs bare UPDATE {} (mean {:.3} ms)",
        percentiles(a_write.clone()),
        mean(&a_write),
        percentiles(b_write.clone()),
        mean(&b_write)
    );
    println!(
        "set_case_alert('overdue') with the rollups (the sweep), commit, {writes} writes: {} · mean {:.2} ms",
        percentiles(c_tx.clone()),
        mean(&c_tx)
    );
    Ok(())
}

/// One scan of the cases against the dashboard's figures (outside the timed calls).
async fn check(state: &AppState, zone: Uuid) -> anyhow::Result<()> {
    let now = jiban_store::now();
    let d: Dashboard = dashboard_data(state, zone, now).await.map_err(app)?;
    let today = now.to_offset(BEIJING).date();
    let at =
        |d: time::Date| -> OffsetDateTime { jiban_store::ts(d.midnight().assume_offset(BEIJING)) };
    let year = (
        at(today.replace_ordinal(1)?),
        at(time::Date::from_calendar_date(
            today.year() + 1,
            time::Month::January,
            1,
        )?),
    );
    let day = (at(today), at(today.next_day().context("tomorrow")?));
    let t = Instant::now();
    let counts: (i64, i64, i64, i64, i64, i64) = with_pool!(state.store, |p| {
        sqlx::query_as(
            "SELECT \
             CAST(COALESCE(SUM(CASE WHEN created_at >= $2 AND created_at < $3 THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN state = 'closed' AND closed_at >= $2 AND closed_at < $3 THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN created_at >= $4 AND created_at < $5 THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN state = 'closed' AND closed_at >= $4 AND closed_at < $5 THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN state NOT IN ('closed', 'rejected', 'withdrawn', 'merged') THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN state NOT IN ('closed', 'rejected', 'withdrawn', 'merged') AND alert = 'overdue' THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM cases WHERE zone_id = $1",
        )
        .bind(zone)
        .bind(year.0)
        .bind(year.1)
        .bind(day.0)
        .bind(day.1)
        .fetch_one(p)
        .await
    })?;
    let scan = t.elapsed().as_secs_f64();
    let dash = (
        d.year.received,
        d.year.closed,
        d.today.received,
        d.today.closed,
        d.open,
        d.overdue,
    );
    ensure!(
        dash == counts,
        "the dashboard (year received, year closed, today received, today closed, open, overdue) {dash:?} \
         differs from a scan of the cases {counts:?}"
    );
    let streets: i64 = d
        .areas
        .iter()
        .filter(|a| a.kind == "street")
        .map(|a| a.received)
        .sum();
    ensure!(
        streets == d.year.received,
        "the streets' intake this year {streets} differs from the zone's {}",
        d.year.received
    );
    println!(
        "check: the dashboard equals a scan of the cases ({scan:.1} s): this year {} received, {} closed; today {} received, {} closed; {} open, {} overdue",
        counts.0, counts.1, counts.2, counts.3, counts.4, counts.5
    );
    Ok(())
}

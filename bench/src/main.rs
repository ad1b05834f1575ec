//! `jiban-bench` — the measurements behind BENCHMARKS.md.
//!
//! - `intake`: files hotline cases over HTTP against a running server with N concurrent clients
//!   and reports cases/s and latency percentiles.
//! - `queue`: loads the demo zone and N cases (default 1,000,000; 97 % closed, the rest open and
//!   spread over the units) into a fresh database, then times a department's work queue and the
//!   dispatcher's zone-wide list.
//!
//! - `search`: the demo zone and N cases with realistic Chinese texts (the built-in corpus, varied)
//!   into a fresh database; times rebuilding the full-text index (`jiban reindex`) and searches.
//! - `route`: the dispatch model's suggestion latency on one core and training throughput.
//! - `dashboard`: a city-scale zone and N cases (default 10,000,000) into a fresh database; times
//!   rebuilding the rollups, the command dashboard's data, and the rollups' upkeep on case writes.
//!
//! Timings are printed, never asserted: the figures go into BENCHMARKS.md with the machine and date.

mod dashboard;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use jiban_store::cases::{CaseFilter, CaseOrder, CaseVisibility};
use jiban_store::{DbPool, Page, Store, StoreOptions};
use rand::{Rng, SeedableRng};
use sqlx::Connection;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Parser)]
#[command(about = "jiban benchmarks")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Case intake over HTTP against a running server (demo zone loaded).
    Intake {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base: String,
        #[arg(long, default_value_t = 2000)]
        n: usize,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// Department queue and zone list at scale, in process, on a fresh database.
    Queue {
        /// A database URL for an EMPTY database (sqlite://… or postgres://…).
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 1_000_000)]
        cases: usize,
        #[arg(long, default_value_t = 200)]
        iterations: usize,
    },
    /// Full-text search at scale, in process, on a fresh database.
    Search {
        /// A database URL for an EMPTY database.
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 1_000_000)]
        cases: usize,
        #[arg(long, default_value_t = 100)]
        iterations: usize,
        /// Time the searches only, on a database an earlier `search` run already filled and indexed.
        #[arg(long)]
        reuse: bool,
    },
    /// Suggestion latency (one core) and training throughput of the dispatch model.
    Route {
        /// Documents to train on (built-in corpus texts, varied).
        #[arg(long, default_value_t = 1_000_000)]
        docs: usize,
    },
    /// Import of enterprises and indicator values through the real import job, and recomputing
    /// the bands of every enterprise, on a fresh database.
    Registry {
        /// A database URL for an EMPTY database.
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 100_000)]
        enterprises: usize,
        #[arg(long, default_value_t = 1_000_000)]
        values: usize,
        /// Only the recompute, on a database an earlier `registry` run filled.
        #[arg(long)]
        reuse: bool,
    },
    /// Policy eligibility matching (jiban-policy): N enterprises × M items on one thread.
    Policy {
        #[arg(long, default_value_t = 100_000)]
        enterprises: usize,
        #[arg(long, default_value_t = 2_000)]
        items: usize,
    },
    /// The command dashboard's data (指挥大屏) at city scale, from the rollups, on a fresh database.
    Dashboard {
        /// A database URL for an EMPTY database (sqlite://… or postgres://…).
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 10_000_000)]
        cases: usize,
        #[arg(long, default_value_t = 50)]
        iterations: usize,
        /// Case writes timed for the rollups' upkeep (of each kind).
        #[arg(long, default_value_t = 1_000)]
        writes: usize,
        /// Only the measurements, on a database an earlier `dashboard` run filled.
        #[arg(long)]
        reuse: bool,
    },
    /// The same measurements on a database that `queue` already filled.
    Lists {
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 200)]
        iterations: usize,
    },
}

fn percentiles(mut v: Vec<Duration>) -> String {
    v.sort();
    let p = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0;
    format!(
        "p50 {:.2} ms · p95 {:.2} ms · p99 {:.2} ms · max {:.2} ms",
        p(0.50),
        p(0.95),
        p(0.99),
        p(1.0)
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().cmd {
        Cmd::Intake {
            base,
            n,
            concurrency,
        } => intake(&base, n, concurrency).await,
        Cmd::Queue {
            database_url,
            cases,
            iterations,
        } => queue(&database_url, cases, iterations).await,
        Cmd::Search {
            database_url,
            cases,
            iterations,
            reuse,
        } => search(&database_url, cases, iterations, reuse).await,
        Cmd::Route { docs } => route(docs),
        Cmd::Dashboard {
            database_url,
            cases,
            iterations,
            writes,
            reuse,
        } => dashboard::run(&database_url, cases, iterations, writes, reuse).await,
        Cmd::Policy { enterprises, items } => policy(enterprises, items),
        Cmd::Registry {
            database_url,
            enterprises,
            values,
            reuse,
        } => registry(&database_url, enterprises, values, reuse).await,
        Cmd::Lists {
            database_url,
            iterations,
        } => {
            let store = Store::connect(&database_url, &StoreOptions::default()).await?;
            let zone = store
                .zones()
                .await?
                .into_iter()
                .next()
                .context("no zone: run `queue` first")?;
            measure(&store, zone.id, iterations).await
        }
    }
}

async fn intake(base: &str, n: usize, concurrency: usize) -> anyhow::Result<()> {
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let r = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": "intake", "password": jiban_demo::DEMO_PASSWORD }))
        .send()
        .await?;
    if !r.status().is_success() {
        bail!("login failed: {}", r.text().await?);
    }
    let categories = [
        "QY01", "QY03", "QY05", "ZW01", "CS01", "CS02", "AQ01", "CS05",
    ];
    let started = Instant::now();
    let per = n.div_ceil(concurrency);
    let mut tasks = Vec::new();
    for w in 0..concurrency {
        let client = client.clone();
        let base = base.to_string();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per);
            for i in 0..per {
                let k = w * per + i;
                let body = serde_json::json!({
                    "channel": "hotline",
                    "title": format!("压测诉求 {k}：路灯不亮"),
                    "description": "锦绣路与东湖路交口路灯连续三晚不亮，夜间通行不便，请尽快维修。",
                    "category_code": categories[k % categories.len()],
                    "urgency": if k.is_multiple_of(10) { "urgent" } else { "normal" },
                    "person_name": "王先生",
                    "person_phone": "13955512345",
                    "address": "锦绣路188号",
                    "idempotency_key": format!("bench-{w}-{i}-{}", Uuid::now_v7()),
                });
                let t = Instant::now();
                let r = client
                    .post(format!("{base}/api/v1/cases"))
                    .json(&body)
                    .send()
                    .await?;
                let status = r.status();
                let _ = r.bytes().await?;
                if status.as_u16() != 201 {
                    bail!("intake failed with {status}");
                }
                lat.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "intake: {} cases in {:.1} s with {concurrency} clients → {:.0} cases/s; {}",
        all.len(),
        secs,
        all.len() as f64 / secs,
        percentiles(all)
    );
    Ok(())
}

async fn queue(url: &str, n: usize, iterations: usize) -> anyhow::Result<()> {
    let store = Store::connect(url, &StoreOptions::default()).await?;
    if !jiban_server::demo::is_empty(&store).await? {
        bail!("the database must be empty");
    }
    let t = Instant::now();
    let demo = jiban_server::demo::load(&store).await?;
    println!("demo zone loaded in {:.1} s", t.elapsed().as_secs_f64());
    let units: Vec<_> = store
        .org_units(demo.zone_id)
        .await?
        .into_iter()
        .filter(|u| u.kind == "department" || u.kind == "street")
        .collect();
    let grids: Vec<Uuid> = store
        .org_units(demo.zone_id)
        .await?
        .into_iter()
        .filter(|u| u.kind == "grid")
        .map(|u| u.id)
        .collect();
    let intake = store
        .user_by_username("intake")
        .await?
        .context("intake account")?;
    let t = Instant::now();
    seed(
        &store,
        demo.zone_id,
        intake.id,
        &units.iter().map(|u| u.id).collect::<Vec<_>>(),
        &grids,
        &CaseMix::three_years(n, &bench_categories(), None),
    )
    .await?;
    println!(
        "seeded {n} cases (+1 assignment each) in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    measure(&store, demo.zone_id, iterations).await
}

async fn measure(store: &Store, zone_id: Uuid, iterations: usize) -> anyhow::Result<()> {
    let units = store.org_units(zone_id).await?;
    let dept = units
        .iter()
        .find(|u| u.name == "经济发展部")
        .context("经济发展部")?;
    let page = Page::new(Some(1), Some(20));
    let mut lat = Vec::new();
    let mut total = 0;
    for _ in 0..iterations {
        let t = Instant::now();
        let (rows, tot) = store.unit_queue(dept.id, &[], page).await?;
        lat.push(t.elapsed());
        total = tot;
        assert!(!rows.is_empty());
    }
    println!(
        "department queue (经济发展部, {total} open items, page of 20): {}",
        percentiles(lat)
    );

    let mut lat = Vec::new();
    let f = CaseFilter {
        states: vec!["dispatched".into(), "handling".into()],
        ..Default::default()
    };
    for _ in 0..iterations.min(50) {
        let t = Instant::now();
        let (_, tot) = store
            .list_cases(
                zone_id,
                &CaseVisibility::Zone,
                &f,
                CaseOrder::Deadline,
                page,
            )
            .await?;
        lat.push(t.elapsed());
        total = tot;
    }
    println!(
        "zone list, open cases by deadline ({total} rows matched, page of 20): {}",
        percentiles(lat)
    );

    let mut lat = Vec::new();
    for _ in 0..iterations.min(20) {
        let t = Instant::now();
        let (_, tot) = store
            .list_cases(
                zone_id,
                &CaseVisibility::Zone,
                &CaseFilter::default(),
                CaseOrder::Newest,
                page,
            )
            .await?;
        lat.push(t.elapsed());
        total = tot;
    }
    println!(
        "zone list, all cases newest first ({total} rows, page of 20, with total count): {}",
        percentiles(lat)
    );
    Ok(())
}

/// What [`seed`] writes: `n` cases filed between `from` and `to`, in filing order (row order
/// follows time, as in a real database). A share `open_share` is still open — filed after
/// `open_since`, 30 % dispatched and the rest handling, with `alert = 'overdue'` once past the
/// 7-day deadline (what the sweep would have set); the rest were closed 1 to 7 days after filing
/// (sooner when filed in the last week, never after `to`).
struct CaseMix<'a> {
    n: usize,
    from: OffsetDateTime,
    to: OffsetDateTime,
    open_share: f64,
    open_since: OffsetDateTime,
    urgent_share: f64,
    /// Category codes, used in turn (with `texts`, each text's own category).
    categories: &'a [String],
    /// Realistic texts (the built-in corpus, varied); otherwise one fixed text.
    texts: Option<&'a [jiban_route::Example]>,
    /// One lead assignment per case (the department queue reads them).
    assignments: bool,
}

impl<'a> CaseMix<'a> {
    /// The `queue` and `search` mix: the last three years, 3 % open (filed in the last 20,000
    /// minutes), no urgent case, one lead assignment each.
    fn three_years(
        n: usize,
        categories: &'a [String],
        texts: Option<&'a [jiban_route::Example]>,
    ) -> Self {
        let now = jiban_store::now();
        CaseMix {
            n,
            from: now - time::Duration::days(3 * 365),
            to: now,
            open_share: 0.03,
            open_since: now - time::Duration::minutes(20_000),
            urgent_share: 0.0,
            categories,
            texts,
            assignments: true,
        }
    }
}

/// The category codes of the `queue` and `search` benches.
fn bench_categories() -> Vec<String> {
    [
        "QY01", "QY02", "QY03", "QY05", "ZW01", "ZW03", "CS01", "CS02", "CS05", "AQ01",
    ]
    .map(String::from)
    .to_vec()
}

/// One generated case.
struct SeedRow {
    id: Uuid,
    case_no: String,
    state: &'static str,
    category: String,
    lead: Uuid,
    grid: Uuid,
    created: OffsetDateTime,
    due: OffsetDateTime,
    closed: Option<OffsetDateTime>,
    urgency: &'static str,
    alert: Option<&'static str>,
    title: String,
    text: String,
    phone: String,
}

/// Bulk-inserts the cases of `mix` (multi-row INSERTs of 1,000 rows, 50,000 rows per transaction,
/// on one connection with `synchronous = OFF` and a 1 GiB page cache on SQLite, or
/// `synchronous_commit = off` on PostgreSQL, for the load only), then `ANALYZE`. The rollups are
/// not touched: rebuild them afterwards (`Store::rebuild_rollups`).
async fn seed(
    store: &Store,
    zone: Uuid,
    filed_by: Uuid,
    units: &[Uuid],
    grids: &[Uuid],
    mix: &CaseMix<'_>,
) -> anyhow::Result<()> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let n = mix.n;
    // Filing times are drawn in order (stratified) from the mixture of the closed cases, uniform
    // over [from, to], and the open ones, uniform over [open_since, to]; a case filed after
    // `open_since` is open with the share of the open density there.
    let span = (mix.to - mix.from).as_seconds_f64();
    let quiet = (mix.open_since.max(mix.from) - mix.from)
        .as_seconds_f64()
        .min(span);
    let closed_density = (1.0 - mix.open_share) / span;
    let open_density = if span > quiet {
        mix.open_share / (span - quiet)
    } else {
        0.0
    };
    let p_open = open_density / (closed_density + open_density);
    let filed_after = |q: f64| {
        if q < closed_density * quiet {
            q / closed_density
        } else {
            quiet + (q - closed_density * quiet) / (closed_density + open_density)
        }
    };
    let mut next_rows = |done: usize, m: usize| -> Vec<SeedRow> {
        (0..m)
            .map(|i| {
                let k = done + i;
                let q = (k as f64 + rng.random::<f64>()) / n as f64;
                let created = jiban_store::ts(
                    (mix.from + time::Duration::seconds_f64(filed_after(q))).min(mix.to),
                );
                let open = created >= mix.open_since && rng.random_bool(p_open);
                let due = created + time::Duration::days(7);
                let (title, text, category) = match mix.texts {
                    Some(t) => {
                        let e = &t[rng.random_range(0..t.len())];
                        let text = varied(&mut rng, &e.text);
                        (
                            text.chars().take(14).collect::<String>(),
                            text,
                            e.category.clone(),
                        )
                    }
                    None => (
                        "压测诉求".to_string(),
                        "批量生成的历史诉求，用于测量查询性能。".to_string(),
                        mix.categories[k % mix.categories.len()].clone(),
                    ),
                };
                SeedRow {
                    id: Uuid::now_v7(),
                    case_no: format!("JB{}-{k:07}", 20000000 + (k / 10_000_000)),
                    state: match (open, rng.random_bool(0.3)) {
                        (false, _) => "closed",
                        (true, true) => "dispatched",
                        (true, false) => "handling",
                    },
                    category,
                    lead: units[rng.random_range(0..units.len())],
                    grid: grids[rng.random_range(0..grids.len())],
                    created,
                    due,
                    closed: (!open).then(|| {
                        let room = (mix.to - created).min(time::Duration::days(7));
                        jiban_store::ts(created + room * rng.random_range(1.0 / 7.0..1.0))
                    }),
                    urgency: if rng.random_bool(mix.urgent_share) {
                        "urgent"
                    } else {
                        "normal"
                    },
                    alert: (open && due < mix.to).then_some("overdue"),
                    title,
                    text,
                    phone: format!("139{:08}", k),
                }
            })
            .collect()
    };
    const ROWS: usize = 1_000;
    const PER_TX: usize = 50_000;
    let (fast, durable): (&[&'static str], &[&'static str]) = match store.pool() {
        DbPool::Sqlite(_) => (
            &["PRAGMA synchronous = OFF", "PRAGMA cache_size = -1048576"],
            &["PRAGMA synchronous = FULL", "PRAGMA cache_size = -2000"],
        ),
        DbPool::Postgres(_) => (
            &["SET synchronous_commit = off"],
            &["RESET synchronous_commit"],
        ),
    };
    let started = Instant::now();
    macro_rules! load {
        ($p:expr) => {{
            let mut conn = $p.acquire().await?;
            for s in fast {
                sqlx::query(*s).execute(&mut *conn).await?;
            }
            let mut done = 0;
            while done < n {
                let mut tx = conn.begin().await?;
                let end = n.min(done + PER_TX);
                while done < end {
                    let rows = next_rows(done, ROWS.min(end - done));
                    let mut qb = sqlx::QueryBuilder::new(
                        "INSERT INTO cases (id, zone_id, case_no, channel, state, title, description, category_code, urgency, \
                         grid_id, filed_by, lead_unit_id, due_at, created_at, updated_at, closed_at, person_phone, alert) ",
                    );
                    qb.push_values(&rows, |mut b, r| {
                        b.push_bind(r.id)
                            .push_bind(zone)
                            .push_bind(r.case_no.clone())
                            .push_bind("hotline")
                            .push_bind(r.state)
                            .push_bind(r.title.clone())
                            .push_bind(r.text.clone())
                            .push_bind(r.category.clone())
                            .push_bind(r.urgency)
                            .push_bind(r.grid)
                            .push_bind(filed_by)
                            .push_bind(r.lead)
                            .push_bind(r.due)
                            .push_bind(r.created)
                            .push_bind(r.closed.unwrap_or(r.created))
                            .push_bind(r.closed)
                            .push_bind(r.phone.clone())
                            .push_bind(r.alert);
                    });
                    qb.build().execute(&mut *tx).await?;
                    if mix.assignments {
                        let mut qb = sqlx::QueryBuilder::new(
                            "INSERT INTO case_assignments (id, zone_id, case_id, unit_id, role, state, sign_by, due_at, created_at, ended_at) ",
                        );
                        qb.push_values(&rows, |mut b, r| {
                            b.push_bind(Uuid::now_v7())
                                .push_bind(zone)
                                .push_bind(r.id)
                                .push_bind(r.lead)
                                .push_bind("lead")
                                .push_bind(match r.state {
                                    "closed" => "replied",
                                    "dispatched" => "pending",
                                    _ => "signed",
                                })
                                .push_bind(r.created + time::Duration::hours(4))
                                .push_bind(r.due)
                                .push_bind(r.created)
                                .push_bind(r.closed);
                        });
                        qb.build().execute(&mut *tx).await?;
                    }
                    done += rows.len();
                }
                tx.commit().await?;
                if done.is_multiple_of(1_000_000) || done == n {
                    eprintln!(
                        "  … {done} cases ({:.0}/s)",
                        done as f64 / started.elapsed().as_secs_f64()
                    );
                }
            }
            for s in durable {
                sqlx::query(*s).execute(&mut *conn).await?;
            }
            let t = Instant::now();
            sqlx::query("ANALYZE").execute(&mut *conn).await?;
            eprintln!("  ANALYZE in {:.1} s", t.elapsed().as_secs_f64());
        }};
    }
    match store.pool() {
        DbPool::Sqlite(p) => load!(p),
        DbPool::Postgres(p) => load!(p),
    }
    Ok(())
}

const ROADS: [&str; 12] = [
    "锦绣路",
    "文华路",
    "金山路",
    "翠微路",
    "临港大道",
    "兴港路",
    "泉湖大道",
    "桃园路",
    "明珠大道",
    "创新大道",
    "滨河路",
    "东湖路",
];

/// A corpus text made different: a place and a number in front, a request at the end.
fn varied(rng: &mut impl Rng, text: &str) -> String {
    let road = ROADS[rng.random_range(0..ROADS.len())];
    let tail = ["请尽快处理。", "望予协调。", "盼回复。", "多谢！", ""][rng.random_range(0..5)];
    format!("{road}{}号附近：{text}{tail}", rng.random_range(1..400))
}

async fn search(url: &str, n: usize, iterations: usize, reuse: bool) -> anyhow::Result<()> {
    let store = Store::connect(url, &StoreOptions::default()).await?;
    if reuse {
        let zone = store
            .zones()
            .await?
            .into_iter()
            .next()
            .context("no zone: run `search` without --reuse first")?;
        return search_queries(&store, zone.id, iterations).await;
    }
    if !jiban_server::demo::is_empty(&store).await? {
        bail!("the database must be empty (or pass --reuse)");
    }
    let demo = jiban_server::demo::load(&store).await?;
    let units = store.org_units(demo.zone_id).await?;
    let leads: Vec<Uuid> = units
        .iter()
        .filter(|u| u.kind == "department" || u.kind == "street")
        .map(|u| u.id)
        .collect();
    let grids: Vec<Uuid> = units
        .iter()
        .filter(|u| u.kind == "grid")
        .map(|u| u.id)
        .collect();
    let intake = store
        .user_by_username("intake")
        .await?
        .context("intake account")?;
    let corpus = jiban_route::builtin_corpus();
    let t = Instant::now();
    seed(
        &store,
        demo.zone_id,
        intake.id,
        &leads,
        &grids,
        &CaseMix::three_years(n, &[], Some(&corpus)),
    )
    .await?;
    println!("seeded {n} cases in {:.1} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let indexed = store
        .reindex(jiban_store::search::SearchKind::Cases, 1000, |d, _| {
            if d.is_multiple_of(100_000) {
                eprintln!("  … indexed {d}");
            }
        })
        .await?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "reindex (jiban reindex --only cases): {indexed} cases in {secs:.1} s = {:.0} cases/s",
        indexed as f64 / secs
    );
    if let DbPool::Postgres(p) = store.pool() {
        sqlx::query("ANALYZE").execute(p).await?;
    }
    if let DbPool::Sqlite(p) = store.pool() {
        sqlx::query("ANALYZE").execute(p).await?;
    }
    search_queries(&store, demo.zone_id, iterations).await
}

async fn search_queries(store: &Store, zone_id: Uuid, iterations: usize) -> anyhow::Result<()> {
    let units = store.org_units(zone_id).await?;
    let street = units
        .iter()
        .find(|u| u.name == "金山街道")
        .context("金山街道")?;
    let page = Page::new(Some(1), Some(20));
    let cases: [(&str, &str, CaseOrder, CaseVisibility); 6] = [
        (
            "common word, relevance",
            "工资",
            CaseOrder::Relevance,
            CaseVisibility::Zone,
        ),
        (
            "common word, newest",
            "工资",
            CaseOrder::Newest,
            CaseVisibility::Zone,
        ),
        (
            "rare word",
            "熔喷布",
            CaseOrder::Relevance,
            CaseVisibility::Zone,
        ),
        (
            "two words",
            "路灯 不亮",
            CaseOrder::Relevance,
            CaseVisibility::Zone,
        ),
        (
            "phone number (exact)",
            "13900004242",
            CaseOrder::Relevance,
            CaseVisibility::Zone,
        ),
        (
            "common word, street scope",
            "井盖",
            CaseOrder::Relevance,
            CaseVisibility::Units {
                path_prefix: street.path.clone(),
                user: Uuid::nil(),
            },
        ),
    ];
    for (label, q, order, vis) in cases {
        let f = CaseFilter {
            q: Some(q.into()),
            ..Default::default()
        };
        let mut lat = Vec::new();
        let mut total = 0;
        for _ in 0..iterations {
            let t = Instant::now();
            let (_, tot) = store.list_cases(zone_id, &vis, &f, order, page).await?;
            lat.push(t.elapsed());
            total = tot;
        }
        println!(
            "search “{q}” — {label} ({total} matched, page of 20): {}",
            percentiles(lat)
        );
    }
    Ok(())
}

fn route(docs: usize) -> anyhow::Result<()> {
    let model = jiban_route::Model::builtin();
    let held = jiban_route::heldout_corpus();
    // warm up, then time each suggestion on this one thread
    for e in held.iter().take(20) {
        model.suggest(&e.text, 3);
    }
    let mut lat = Vec::new();
    for _ in 0..20 {
        for e in &held {
            let t = Instant::now();
            let s = model.suggest(&e.text, 3);
            lat.push(t.elapsed());
            assert!(!s.candidates.is_empty());
        }
    }
    println!(
        "suggestion (segmentation + scoring + reasons), {} calls on one thread: {}",
        lat.len(),
        percentiles(lat)
    );
    let ev = jiban_route::evaluate(&model, &held);
    println!(
        "held-out ({} demands): top-1 {:.1} %, top-3 {:.1} %",
        ev.total,
        ev.top1_rate() * 100.0,
        ev.top3_rate() * 100.0
    );
    let corpus = jiban_route::builtin_corpus();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let texts: Vec<(String, String)> = (0..docs)
        .map(|_| {
            let e = &corpus[rng.random_range(0..corpus.len())];
            (varied(&mut rng, &e.text), e.category.clone())
        })
        .collect();
    let t = Instant::now();
    let mut trainer = jiban_route::Trainer::new();
    for (text, cat) in &texts {
        trainer.add(text, cat, 1.0);
    }
    let m = trainer.finish("bench");
    let secs = t.elapsed().as_secs_f64();
    let json = m.to_json();
    println!(
        "training on {docs} documents (one thread): {secs:.1} s = {:.0} docs/s; vocabulary {}, model {:.1} MB as JSON",
        docs as f64 / secs,
        m.vocabulary(),
        json.len() as f64 / 1e6
    );
    Ok(())
}

/// Runs one import job as the administrator: upload (stored), preview (every row checked),
/// then the write; prints each phase.
async fn import_file(
    state: &jiban_server::state::AppState,
    admin: &jiban_server::auth::Principal,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> anyhow::Result<(i64, i64)> {
    use jiban_server::import;
    let e = |e: jiban_server::error::AppError| anyhow::anyhow!("{e}");
    let t = Instant::now();
    let table = import::read_table(name, &bytes).map_err(e)?;
    let rows = table.rows.len();
    let read = t.elapsed().as_secs_f64();
    let fields = import::fields_of(kind).map_err(e)?;
    let mapping = import::suggest_mapping(fields, &table.headers);
    let cols = import::Columns::new(fields, &table.headers, &mapping).map_err(e)?;
    let t = Instant::now();
    let errors = if kind == "enterprises" {
        import::check_enterprises(state, admin.zone_id(), &table, &cols)
            .await
            .map_err(e)?
            .0
            .errors
            .len()
    } else {
        import::check_values(state, admin.zone_id(), &table, &cols)
            .await
            .map_err(e)?
            .errors
            .len()
    };
    let check = t.elapsed().as_secs_f64();
    if errors > 0 {
        bail!("{errors} errors in the generated file");
    }
    let report = import::report_json(&table, &[], 0, 0);
    let mut tx = state.store.begin().await?;
    let id = tx
        .insert_import_job(
            admin.zone_id(),
            kind,
            name,
            &bytes,
            &report,
            &serde_json::to_value(&mapping)?,
            rows as i64,
            admin.user.id,
        )
        .await?;
    let m = serde_json::to_value(&mapping)?;
    tx.update_import_job(id, &["uploaded"], "running", &m, &report, 0, 0, None)
        .await?;
    tx.commit().await?;
    let t = Instant::now();
    let (inserted, updated) = import::run_job(state, admin, id).await.map_err(e)?;
    let write = t.elapsed().as_secs_f64();
    println!(
        "import {kind}: {rows} rows ({:.1} MB) — read {read:.1} s, check (preview) {check:.1} s, write {write:.1} s \
         = {:.0} rows/s end to end; inserted {inserted}, updated {updated}",
        bytes.len() as f64 / 1e6,
        rows as f64 / (read + check + write)
    );
    Ok((inserted, updated))
}

async fn registry(url: &str, n: usize, values: usize, reuse: bool) -> anyhow::Result<()> {
    let store = Store::connect(url, &StoreOptions::default()).await?;
    if reuse {
        let zone = store.zones().await?.into_iter().next().context("no zone")?;
        let state = jiban_server::state::AppState::new(store.clone(), Default::default());
        return time_recompute(&state, zone.id, &["again"]).await;
    }
    if !jiban_server::demo::is_empty(&store).await? {
        bail!("the database must be empty");
    }
    let demo = jiban_server::demo::load(&store).await?;
    let state = jiban_server::state::AppState::new(store.clone(), Default::default());
    let admin = store
        .user_by_username("admin")
        .await?
        .context("admin account")?;
    let admin = jiban_server::auth::Principal::of(admin).map_err(|e| anyhow::anyhow!("{e}"))?;
    // n enterprises in the shape of a census list (the demo's own 5,000 among them are updates)
    let zone = jiban_demo::generate(jiban_server::demo::DEMO_SEED + 1, n);
    let t = Instant::now();
    let (bytes, _) = jiban_server::demo::census_workbook(&zone, false)?;
    println!(
        "generated the census xlsx of {n} enterprises in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    import_file(&state, &admin, "enterprises", "census.xlsx", bytes).await?;

    // values: the four reported indicators of the demo, month by month, for every enterprise
    let all = store
        .export_enterprises(
            demo.zone_id,
            &jiban_store::enterprises::Visibility::Zone,
            &Default::default(),
            i64::MAX,
        )
        .await?;
    let mut csv = String::from("统一社会信用代码,指标,期间,数值\n");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let codes = ["zgrs", "zcygrs", "ydl", "kpe"];
    let mut written = 0;
    'outer: for m in 0..240 {
        let (y, mo) = (2010 + m / 12, m % 12 + 1);
        for e in &all {
            for c in codes {
                if written == values {
                    break 'outer;
                }
                let v: f64 = rng.random_range(10.0..1000.0);
                csv.push_str(&format!("{},{c},{y}-{mo:02},{v:.2}\n", e.uscc));
                written += 1;
            }
        }
    }
    import_file(
        &state,
        &admin,
        "indicator_values",
        "values.csv",
        csv.into_bytes(),
    )
    .await?;

    // bands of every enterprise: values for October and a year earlier, then recompute
    let indicators = store.indicators(demo.zone_id).await?;
    let id_of = |c: &str| {
        indicators
            .iter()
            .find(|i| i.code == c)
            .map(|i| i.id)
            .unwrap()
    };
    let oct = time::Date::from_calendar_date(2030, time::Month::October, 1)?;
    let oct_ly = time::Date::from_calendar_date(2029, time::Month::October, 1)?;
    let mut vals = Vec::new();
    for e in &all {
        let h: f64 = rng.random_range(0.3..1.1);
        for (code, period, value) in [
            ("zcygrs", oct, 100.0),
            ("zgrs", oct, (100.0 * h).round()),
            ("ydl", oct, 50.0 * h),
            ("ydl", oct_ly, 50.0),
            ("kpe", oct, 80.0 * h),
            ("kpe", oct_ly, 80.0),
        ] {
            vals.push(jiban_store::indicators::NewValue {
                enterprise_id: e.id,
                indicator_id: id_of(code),
                period,
                value,
                source: "import".into(),
                recorded_by: None,
            });
        }
    }
    let mut tx = store.begin().await?;
    tx.insert_values(demo.zone_id, &vals).await?;
    tx.commit().await?;
    time_recompute(
        &state,
        demo.zone_id,
        &["first (every band changes)", "again (nothing changes)"],
    )
    .await
}

async fn time_recompute(
    state: &jiban_server::state::AppState,
    zone_id: Uuid,
    labels: &[&str],
) -> anyhow::Result<()> {
    use jiban_server::bands::{RecomputeOptions, recompute};
    let opts = RecomputeOptions {
        quiet: true,
        ..Default::default()
    };
    let e = |e: jiban_server::error::AppError| anyhow::anyhow!("{e}");
    for label in labels {
        let t = Instant::now();
        let r = recompute(state, zone_id, opts).await.map_err(e)?;
        println!(
            "recompute bands of {} enterprises, {label}: {:.2} s ({} rated, {} changed; read {} ms, compute {} ms, write {} ms)",
            r.computed,
            t.elapsed().as_secs_f64(),
            r.rated,
            r.changed,
            r.read_ms,
            r.compute_ms,
            r.write_ms
        );
    }
    Ok(())
}

fn policy(enterprises: usize, items: usize) -> anyhow::Result<()> {
    use jiban_core::size::SizeClass;
    use jiban_policy::{Catalog, Facts, Matcher, Rule};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let pairs = |v: &[&str]| -> Vec<(String, String)> {
        v.iter()
            .map(|c| (c.to_string(), format!("{c}名")))
            .collect()
    };
    let catalog = Catalog {
        tags: [
            "高新技术企业",
            "专精特新",
            "科技型中小企业",
            "规上企业",
            "外资企业",
            "上市企业",
            "小巨人",
        ]
        .map(String::from)
        .to_vec(),
        streets: pairs(&["YL-S01", "YL-S02", "YL-S03", "YL-S04"]),
        indicators: pairs(&["fgl", "ydhfl", "kphfl", "zgrs", "ydl", "kpe", "nsje"]),
        bands: pairs(&["green", "blue", "yellow", "orange", "red"]),
    };
    let industries = [
        "C3911", "C3811", "C2710", "C1311", "I6513", "I6510", "F5131", "G5431", "M7320", "E4710",
        "K7010", "H6110", "L7212", "C3411", "D4411",
    ];
    let today = time::macros::date!(2025 - 06 - 01);
    let facts: Vec<Facts> = (0..enterprises)
        .map(|_| {
            let employees: f64 = (rng.random_range(1.0f64..8.0)).exp().round();
            let revenue = employees * rng.random_range(20.0..120.0);
            Facts {
                industry_code: industries[rng.random_range(0..industries.len())].into(),
                size_class: SizeClass::ALL[match employees {
                    e if e >= 1000.0 => 0,
                    e if e >= 300.0 => 1,
                    e if e >= 20.0 => 2,
                    _ => 3,
                }],
                street: rng
                    .random_bool(0.95)
                    .then(|| catalog.streets[rng.random_range(0..4)].0.clone()),
                tags: catalog
                    .tags
                    .iter()
                    .filter(|_| rng.random_bool(0.15))
                    .cloned()
                    .collect(),
                founded_on: rng
                    .random_bool(0.97)
                    .then(|| today - time::Duration::days(rng.random_range(30..9000))),
                employees: rng.random_bool(0.95).then_some(employees),
                revenue_wan: rng.random_bool(0.9).then_some(revenue),
                revenue_last_year_wan: rng
                    .random_bool(0.8)
                    .then(|| revenue / rng.random_range(0.7..1.4)),
                rd_spend_wan: rng
                    .random_bool(0.6)
                    .then(|| revenue * rng.random_range(0.0..0.08)),
                indicators: {
                    let mut m = std::collections::HashMap::new();
                    for (c, _) in &catalog.indicators {
                        if rng.random_bool(0.7) {
                            m.insert(c.clone(), rng.random_range(0.3..1.2));
                        }
                    }
                    m
                },
                band: rng
                    .random_bool(0.9)
                    .then(|| catalog.bands[rng.random_range(0..5)].0.clone()),
                serious_hazards: if rng.random_bool(0.05) { 1 } else { 0 },
            }
        })
        .collect();
    let pick = |rng: &mut rand_chacha::ChaCha8Rng,
                v: &[(String, String)],
                lo: usize,
                hi: usize|
     -> Vec<String> {
        let n = rng.random_range(lo..hi);
        let mut out: Vec<String> = Vec::new();
        while out.len() < n.min(v.len()) {
            let c = &v[rng.random_range(0..v.len())].0;
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
        out
    };
    let tag_pairs: Vec<(String, String)> = catalog
        .tags
        .iter()
        .map(|t| (t.clone(), t.clone()))
        .collect();
    let leaf = |rng: &mut rand_chacha::ChaCha8Rng| -> Rule {
        let bound = |rng: &mut rand_chacha::ChaCha8Rng, lo: f64, hi: f64| {
            let a = rng.random_range(lo..hi);
            match rng.random_range(0..3) {
                0 => (Some(a), None),
                1 => (None, Some(a)),
                _ => (Some(a), Some(a + rng.random_range(0.0..(hi - lo)))),
            }
        };
        match rng.random_range(0..14) {
            0 => Rule::Industry {
                prefixes: ["C", "C39", "I65", "C38", "F", "M", "27"][..rng.random_range(1..4)]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            },
            1 => Rule::Size {
                classes: SizeClass::ALL[rng.random_range(0..3)..].to_vec(),
            },
            2 => Rule::Street {
                streets: pick(rng, &catalog.streets, 1, 4),
            },
            3 => Rule::TagsAll {
                tags: pick(rng, &tag_pairs, 1, 3),
            },
            4 => Rule::TagsAny {
                tags: pick(rng, &tag_pairs, 1, 4),
            },
            5 => Rule::TagsNone {
                tags: pick(rng, &tag_pairs, 1, 3),
            },
            6 => {
                let (min, max) = bound(rng, 0.0, 10.0);
                Rule::FoundedYears { min, max }
            }
            7 => {
                let (min, max) = bound(rng, 5.0, 500.0);
                Rule::Employees { min, max }
            }
            8 => {
                let (min, max) = bound(rng, 100.0, 20_000.0);
                Rule::Revenue { min, max }
            }
            9 => {
                let (min, max) = bound(rng, -0.1, 0.3);
                Rule::RevenueGrowth { min, max }
            }
            10 => {
                let (min, max) = bound(rng, 0.0, 0.06);
                Rule::RdIntensity { min, max }
            }
            11 => {
                let (min, max) = bound(rng, 0.4, 1.1);
                Rule::Indicator {
                    code: catalog.indicators[rng.random_range(0..7)].0.clone(),
                    min,
                    max,
                }
            }
            12 => Rule::Band {
                bands: pick(rng, &catalog.bands, 1, 4),
            },
            _ => Rule::NoSeriousHazard,
        }
    };
    let rules: Vec<(u32, Rule)> = (0..items as u32)
        .map(|id| {
            let n = rng.random_range(2..=6);
            let mut leaves: Vec<Rule> = (0..n)
                .map(|_| {
                    let l = leaf(&mut rng);
                    if rng.random_bool(0.1) {
                        Rule::Not { rule: Box::new(l) }
                    } else {
                        l
                    }
                })
                .collect();
            if n >= 3 && rng.random_bool(0.3) {
                let alt = leaves.split_off(n - 2);
                leaves.push(Rule::Any { rules: alt });
            }
            (id, Rule::All { rules: leaves })
        })
        .collect();

    let t = Instant::now();
    let matcher = Matcher::new(&rules, &catalog)?;
    println!(
        "policy matcher: {} items compiled in {:.2} ms",
        matcher.len(),
        t.elapsed().as_secs_f64() * 1000.0
    );

    let t = Instant::now();
    let mut total = 0usize;
    let mut out = Vec::new();
    for f in &facts {
        let c = matcher.compact(f, today);
        out.clear();
        matcher.matches_into(&c, &mut out);
        total += out.len();
    }
    let all = t.elapsed().as_secs_f64();
    println!(
        "all {enterprises} enterprises × {items} items on one thread (compaction included): {all:.3} s, {total} matches ({:.2} per enterprise)",
        total as f64 / enterprises as f64
    );

    let t = Instant::now();
    let compact: Vec<_> = facts.iter().map(|f| matcher.compact(f, today)).collect();
    let compacted = t.elapsed().as_secs_f64();
    let mut pairs = Vec::new();
    matcher.match_batch(&compact, &mut pairs);
    let batch = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        pairs.len() == total,
        "match_batch found {} matches, matches_into {total}",
        pairs.len()
    );
    println!(
        "match_batch: all {enterprises} enterprises × {items} items on one thread (compaction included): {batch:.3} s (compaction {compacted:.3} s), {} matches, {:.1}× the per-enterprise run",
        pairs.len(),
        all / batch
    );
    drop((compact, pairs));

    let mut lat = Vec::new();
    for f in facts.iter().take(1000) {
        let t = Instant::now();
        let c = matcher.compact(f, today);
        out.clear();
        matcher.matches_into(&c, &mut out);
        lat.push(t.elapsed());
    }
    println!(
        "one enterprise against {items} items (1,000 enterprises): {}",
        percentiles(lat)
    );

    // explanations for a page of matches (the slow path, for comparison)
    let f = &facts[0];
    let t = Instant::now();
    let passed = rules
        .iter()
        .filter(|(_, r)| r.explain(f, today, &catalog).pass)
        .count();
    println!(
        "explain all {items} items for one enterprise (slow path): {:.2} ms, {passed} pass",
        t.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

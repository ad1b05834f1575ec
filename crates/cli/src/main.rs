//! `jiban` — one binary: serve, migrate, demo, backup, user, calendar, reindex, rollups, route-eval.

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use jiban_core::calendar::WorkCalendar;
use jiban_core::roles::Role;
use jiban_core::text::{NewPassword, Username};
use jiban_server::config::Config;
use jiban_store::audit::{Actor, NewAudit};
use jiban_store::users::NewUser;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "jiban", version, about = "即办 — 开发区政企服务与基层治理平台")]
struct Cli {
    /// TOML configuration file (default: ./jiban.toml if present). JIBAN_* variables override it.
    #[arg(long, global = true, env = "JIBAN_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Start the HTTP server (migrates the database first).
    Serve {
        /// Load the demo zone if the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo zone into an empty database, or with --reset wipe everything and reload it.
    Demo {
        #[arg(long)]
        reset: bool,
    },
    /// Write a consistent copy of the SQLite database while the server runs.
    Backup {
        /// Destination file (must not exist). Default: <data_dir>/backups/jiban-<time>.db
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Manage accounts from the console.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Check the audit trail.
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Working-day arithmetic on the built-in calendar (holidays and 调休 included).
    Calendar {
        #[command(subcommand)]
        cmd: CalendarCmd,
    },
    /// Rebuild the full-text index (after changing the domain dictionary), with a progress bar.
    Reindex {
        /// Only `cases`, `enterprises` or `policies` (default: all).
        #[arg(long)]
        only: Option<String>,
    },
    /// Check the command dashboard's rollups against a recount of the cases (exit 1 if they
    /// differ), or with --rebuild recount them (after a bulk load of cases into the database).
    Rollups {
        #[arg(long)]
        rebuild: bool,
    },
    /// Accuracy of the dispatch model on a labelled CSV (columns `text,category`): top-1, top-3
    /// and the most frequent confusions. Without FILE: the built-in held-out set.
    RouteEval {
        file: Option<PathBuf>,
        /// Evaluate the model trained for the zone (from the database) instead of the built-in one.
        #[arg(long)]
        zone_model: bool,
        /// Also report duplicate detection on a labelled CSV (`cluster,enterprise,grid,day,text`);
        /// `builtin` for the built-in set.
        #[arg(long)]
        duplicates: Option<String>,
    },
    /// Retrain every zone's dispatch model now (the server also does it nightly).
    RouteTrain,
    /// Write the demo zone's enterprises as an xlsx shaped like an economic-census list (to try
    /// or test the import); with --bad, a few rows are spoiled.
    DemoFile {
        /// What to write: `enterprises`.
        what: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        bad: bool,
        /// Enterprises (default: the demo's 5,000).
        #[arg(long)]
        count: Option<usize>,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create an account in the first zone.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// enterprise | intake | dispatcher | handler | dept_head | supervisor | leader | grid_worker | admin
        #[arg(long)]
        role: String,
        /// Code of the org unit (default: the zone itself).
        #[arg(long)]
        unit_code: Option<String>,
        /// Password (else read from JIBAN_NEW_PASSWORD).
        #[arg(long, env = "JIBAN_NEW_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Set a new password and unlock the account.
    ResetPassword {
        #[arg(long)]
        username: String,
        #[arg(long, env = "JIBAN_NEW_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Prove every case's hash-linked event chain intact (exit 1 and list the breaks if not).
    Verify {
        /// Only this case (its id).
        #[arg(long)]
        case: Option<uuid::Uuid>,
    },
}

#[derive(Subcommand)]
enum CalendarCmd {
    /// Print the date N working days after DATE (YYYY-MM-DD).
    AddWorkdays { date: String, n: u32 },
}

fn init_tracing(cfg: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&cfg.log.level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if cfg.log.format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Cmd::RouteEval {
        file,
        zone_model: false,
        duplicates,
    } = &cli.cmd
    {
        return route_eval(file.as_deref(), None, duplicates.as_deref());
    }
    if let Cmd::Calendar {
        cmd: CalendarCmd::AddWorkdays { date, n },
    } = &cli.cmd
    {
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        let d = time::Date::parse(date, &fmt)
            .with_context(|| format!("日期“{date}”格式应为 YYYY-MM-DD"))?;
        println!(
            "{}",
            WorkCalendar::china_default()
                .add_workdays(d, *n)
                .format(&fmt)?
        );
        return Ok(());
    }
    let cfg = Config::load(cli.config.as_deref())?;
    init_tracing(&cfg);
    tracing::debug!(config = ?cfg, "configuration");
    match cli.cmd {
        Cmd::Serve { demo } => serve(cfg, demo).await,
        Cmd::Migrate => {
            jiban_server::open_store(&cfg).await?;
            println!(
                "数据库已迁移到最新版本：{}",
                jiban_store::redact_url(&cfg.database_url)
            );
            Ok(())
        }
        Cmd::Demo { reset } => {
            let store = jiban_server::open_store(&cfg).await?;
            if reset {
                store.wipe_all().await?;
            } else if !jiban_server::demo::is_empty(&store).await? {
                bail!(
                    "数据库中已有园区数据；如需清空并重新加载演示数据，请使用 jiban demo --reset"
                );
            }
            let s = jiban_server::demo::load(&store).await?;
            print_demo(&s);
            Ok(())
        }
        Cmd::Backup { out } => {
            let store = jiban_server::open_store(&cfg).await?;
            let out = out.unwrap_or_else(|| {
                let t = time::OffsetDateTime::now_utc();
                cfg.data_dir
                    .join("backups")
                    .join(format!("jiban-{}.db", t.unix_timestamp()))
            });
            if let Some(dir) = out.parent() {
                std::fs::create_dir_all(dir)?;
            }
            store.backup_sqlite(&out).await?;
            println!("已备份到 {}", out.display());
            Ok(())
        }
        Cmd::User { cmd } => user(cfg, cmd).await,
        Cmd::Audit {
            cmd: AuditCmd::Verify { case },
        } => {
            let store = jiban_server::open_store(&cfg).await?;
            let (checked, breaks) = store.verify_case_chains(case).await?;
            if breaks.is_empty() {
                println!("审计链完整：已核验 {checked} 件诉求的全部事件");
                Ok(())
            } else {
                for b in &breaks {
                    println!(
                        "✗ {}（{}）：第 {} 条起 — {}",
                        b.case_no, b.case_id, b.seq, b.reason
                    );
                }
                bail!(
                    "审计链被篡改：{} 件诉求的事件链不完整（共核验 {checked} 件）",
                    breaks.len()
                )
            }
        }
        Cmd::Calendar { .. } => unreachable!("handled above"),
        Cmd::Reindex { only } => reindex(cfg, only.as_deref()).await,
        Cmd::Rollups { rebuild } => rollups(cfg, rebuild).await,
        Cmd::RouteEval {
            file, duplicates, ..
        } => {
            let store = jiban_server::open_store(&cfg).await?;
            let zone = store
                .zones()
                .await?
                .into_iter()
                .next()
                .context("数据库中没有园区")?;
            let models = jiban_server::routing::Models::default();
            let model = models.for_zone(&store, zone.id).await?;
            route_eval(file.as_deref(), Some(&model), duplicates.as_deref())
        }
        Cmd::DemoFile {
            what,
            out,
            bad,
            count,
        } => {
            if what != "enterprises" {
                bail!("只能生成 enterprises（企业名录）");
            }
            let demo = jiban_demo::generate(
                jiban_server::demo::DEMO_SEED,
                count.unwrap_or(jiban_server::demo::DEMO_ENTERPRISES),
            );
            let (bytes, bad_rows) = jiban_server::demo::census_workbook(&demo, bad)?;
            std::fs::write(&out, bytes)?;
            println!(
                "wrote {} enterprises to {}",
                demo.enterprises.len(),
                out.display()
            );
            println!("bad rows: {bad_rows}");
            Ok(())
        }
        Cmd::RouteTrain => {
            let store = jiban_server::open_store(&cfg).await?;
            let models = jiban_server::routing::Models::default();
            for z in store.zones().await? {
                let r = jiban_server::routing::train(&store, &models, z.id).await?;
                println!(
                    "{}：模型 {}，训练文本 {} 条（其中本园区已派单 {} 条），词表 {}，用时 {} ms",
                    z.name, r.version, r.documents, r.zone_documents, r.vocabulary, r.millis
                );
            }
            Ok(())
        }
    }
}

/// A progress bar on stderr: `[██████░░░░]  60%  600/1000 案件`.
fn progress(label: &str, done: u64, total: u64) {
    use std::io::Write;
    let width = 30usize;
    let frac = if total == 0 {
        1.0
    } else {
        done as f64 / total as f64
    };
    let filled = (frac * width as f64).round() as usize;
    let bar: String = "█".repeat(filled) + &"░".repeat(width - filled);
    let mut err = std::io::stderr();
    let _ = write!(
        err,
        "\r{label} [{bar}] {:>3.0}%  {done}/{total}",
        frac * 100.0
    );
    if done >= total {
        let _ = writeln!(err);
    }
    let _ = err.flush();
}

async fn reindex(cfg: Config, only: Option<&str>) -> anyhow::Result<()> {
    use jiban_store::search::SearchKind;
    let kinds: Vec<(SearchKind, &str)> = match only {
        None => vec![
            (SearchKind::Cases, "诉求"),
            (SearchKind::Enterprises, "企业"),
            (SearchKind::Policies, "政策"),
        ],
        Some("cases") => vec![(SearchKind::Cases, "诉求")],
        Some("enterprises") => vec![(SearchKind::Enterprises, "企业")],
        Some("policies") => vec![(SearchKind::Policies, "政策")],
        Some(other) => bail!("--only 应为 cases、enterprises 或 policies，收到“{other}”"),
    };
    let store = jiban_server::open_store(&cfg).await?;
    for (kind, label) in kinds {
        let started = std::time::Instant::now();
        let n = store
            .reindex(kind, 500, |done, total| progress(label, done, total))
            .await?;
        println!(
            "{label}：已重建 {n} 条索引，用时 {:.1} 秒",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn route_eval(
    file: Option<&std::path::Path>,
    model: Option<&jiban_route::Model>,
    duplicates: Option<&str>,
) -> anyhow::Result<()> {
    let (examples, source) = match file {
        Some(f) => {
            let text =
                std::fs::read_to_string(f).with_context(|| format!("无法读取 {}", f.display()))?;
            let ex = jiban_route::parse_csv(&text)
                .map_err(|e| anyhow::anyhow!("{}：{e}", f.display()))?;
            (ex, f.display().to_string())
        }
        None => (jiban_route::heldout_corpus(), "内置留出集".to_string()),
    };
    let builtin;
    let model = match model {
        Some(m) => m,
        None => {
            builtin = jiban_route::Model::builtin();
            &builtin
        }
    };
    let taxonomy = jiban_core::category::Taxonomy::default_zh();
    let name = |code: &str| {
        jiban_core::category::CategoryCode::parse(code)
            .ok()
            .and_then(|c| taxonomy.get(&c).map(|c| c.name.clone()))
            .unwrap_or_default()
    };
    let started = std::time::Instant::now();
    let ev = jiban_route::evaluate(model, &examples);
    let per = started.elapsed().as_secs_f64() * 1000.0 / ev.total.max(1) as f64;
    println!("评估集：{source}，{} 条", ev.total);
    println!(
        "模型：{}（训练文本 {} 条，词表 {}）",
        model.version,
        model.documents(),
        model.vocabulary()
    );
    println!(
        "Top-1 准确率：{:.1}%（{}/{}）",
        ev.top1_rate() * 100.0,
        ev.top1,
        ev.total
    );
    println!(
        "Top-3 准确率：{:.1}%（{}/{}）",
        ev.top3_rate() * 100.0,
        ev.top3,
        ev.total
    );
    println!("平均每条建议用时：{per:.3} ms（含分词）");
    if !ev.confusion.is_empty() {
        println!("最常见的误判（应为 → 判为：次数）：");
        for (want, got, n) in ev.confusion.iter().take(10) {
            println!("  {want} {} → {got} {}：{n}", name(want), name(got));
        }
    }
    if let Some(d) = duplicates {
        use jiban_route::duplicates::{DupConfig, INTAKE_THRESHOLD, evaluate_duplicates};
        let set = if d == "builtin" {
            jiban_route::duplicates::labelled_set(model)
        } else {
            let text = std::fs::read_to_string(d).with_context(|| format!("无法读取 {d}"))?;
            jiban_route::duplicates::parse_labelled(model, &text)
                .map_err(|e| anyhow::anyhow!("{d}：{e}"))?
        };
        println!("重复件识别（{} 条，按案件对计）：", set.len());
        for (label, threshold) in [
            ("夜间排查阈值", DupConfig::default().threshold),
            ("受理时提示阈值", INTAKE_THRESHOLD),
        ] {
            let cfg = DupConfig {
                threshold,
                ..DupConfig::default()
            };
            let e = evaluate_duplicates(model, &cfg, &set);
            println!(
                "  {label} {threshold:.2}：精确率 {:.1}%（{}/{}），召回率 {:.1}%（{}/{}）",
                e.precision() * 100.0,
                e.correct,
                e.reported,
                e.recall() * 100.0,
                e.correct,
                e.true_pairs
            );
        }
    }
    Ok(())
}

async fn serve(cfg: Config, demo: bool) -> anyhow::Result<()> {
    let store = jiban_server::open_store(&cfg).await?;
    if demo && jiban_server::demo::is_empty(&store).await? {
        println!("首次启动：正在加载演示园区……");
        let s = jiban_server::demo::load(&store).await?;
        print_demo(&s);
    }
    let listener = tokio::net::TcpListener::bind(&cfg.listen)
        .await
        .with_context(|| format!("无法监听 {}", cfg.listen))?;
    let addr = listener.local_addr()?;
    println!("即办已启动：http://{addr}/  （API 文档：http://{addr}/api/docs/）");
    if demo {
        println!(
            "演示账号（密码均为 {}）：admin 系统管理员 · leader 领导 · supervisor 督查员 · dispatcher 派单员 · intake 受理员 · head_jjfz 部门负责人 · handler_jjfz 承办人（经济发展部） · handler_xy 承办人（向阳街道） · grid_xy01 网格员 · qiye 企业用户",
            jiban_demo::DEMO_PASSWORD
        );
    }
    tracing::info!(%addr, database = %jiban_store::redact_url(&cfg.database_url), "listening");
    jiban_server::serve(cfg, store, listener, jiban_server::shutdown_signal()).await
}

/// `jiban rollups [--rebuild]`, for every zone.
async fn rollups(cfg: Config, rebuild: bool) -> anyhow::Result<()> {
    let store = jiban_server::open_store(&cfg).await?;
    let mut differ = 0usize;
    for zone in store.zones().await? {
        if rebuild {
            let t = std::time::Instant::now();
            let n = store.rebuild_rollups(zone.id).await?;
            println!(
                "{}：已按 {n} 件诉求重算大屏统计（{:.1} 秒）",
                zone.name,
                t.elapsed().as_secs_f64()
            );
            continue;
        }
        let (n, diffs) = store.check_rollups(zone.id).await?;
        if diffs.is_empty() {
            println!("{}：大屏统计与 {n} 件诉求的重新计数一致", zone.name);
            continue;
        }
        differ += diffs.len();
        println!(
            "{}：大屏统计有 {} 处与 {n} 件诉求的重新计数不一致（前 20 处）：",
            zone.name,
            diffs.len()
        );
        for d in diffs.iter().take(20) {
            println!(
                "  {} {}：记录 {:?}，重新计数 {:?}",
                d.bucket, d.dim, d.stored, d.counted
            );
        }
    }
    if differ > 0 {
        bail!("大屏统计不一致，可运行 `jiban rollups --rebuild` 重算");
    }
    Ok(())
}

fn print_demo(s: &jiban_server::demo::DemoSummary) {
    println!(
        "已加载演示园区“{}”：{} 个组织单元，{} 家企业，{} 件诉求（另有历史件 {} 件），{} 条运行预警，{} 份惠企政策，{} 个排名快照，{} 份督办函件，{} 个账号（密码均为 {}）",
        s.zone_name,
        s.units,
        s.enterprises,
        s.cases,
        s.history.0,
        s.warnings,
        s.policies,
        s.history.1,
        s.history.2,
        s.accounts.len(),
        jiban_demo::DEMO_PASSWORD
    );
    for (u, role, unit) in &s.accounts {
        println!("  {u:<14} {role:<8} {unit}");
    }
}

async fn user(cfg: Config, cmd: UserCmd) -> anyhow::Result<()> {
    let store = jiban_server::open_store(&cfg).await?;
    let zone = store
        .zones()
        .await?
        .into_iter()
        .next()
        .context("数据库中还没有园区：请先运行 jiban demo 或导入组织机构")?;
    let actor = Actor {
        name: Some("jiban cli".into()),
        ..Default::default()
    };
    match cmd {
        UserCmd::Create {
            username,
            display_name,
            role,
            unit_code,
            password,
        } => {
            let username = Username::parse(&username).map_err(|e| anyhow::anyhow!(e.message))?;
            let role = Role::parse(&role).map_err(|e| anyhow::anyhow!(e.message))?;
            let pw = NewPassword::parse(&password).map_err(|e| anyhow::anyhow!(e.message))?;
            let unit = match unit_code {
                Some(c) => store
                    .org_unit_by_code(zone.zone_id, &c)
                    .await?
                    .with_context(|| format!("找不到编码为 {c} 的单位"))?,
                None => zone.clone(),
            };
            if role == Role::Enterprise {
                bail!("企业用户需关联企业，请在“用户管理”页面创建");
            }
            let hash = jiban_server::auth::password::hash(pw.expose_secret().to_string()).await?;
            let mut tx = store.begin().await?;
            let id = tx
                .insert_user(NewUser {
                    zone_id: zone.zone_id,
                    username: username.as_str(),
                    display_name: &display_name,
                    password_hash: &hash,
                    role: role.as_str(),
                    org_unit_id: unit.id,
                    enterprise_id: None,
                    phone: None,
                    must_change_password: false,
                })
                .await?;
            tx.audit(&actor, NewAudit {
                zone_id: zone.zone_id,
                action: "user.create",
                target_type: "user",
                target_id: Some(id),
                detail: serde_json::json!({ "username": username.as_str(), "role": role.as_str(), "via": "cli" }),
            })
            .await?;
            tx.commit().await?;
            println!(
                "已创建账号 {}（{}，{}）",
                username.as_str(),
                role.label(),
                unit.name
            );
        }
        UserCmd::ResetPassword { username, password } => {
            let pw = NewPassword::parse(&password).map_err(|e| anyhow::anyhow!(e.message))?;
            let u = store
                .user_by_username(&username.to_lowercase())
                .await?
                .with_context(|| format!("账号 {username} 不存在"))?;
            let hash = jiban_server::auth::password::hash(pw.expose_secret().to_string()).await?;
            let mut tx = store.begin().await?;
            tx.set_password(u.id, &hash, false).await?;
            tx.delete_sessions_of(u.id, None).await?;
            tx.audit(
                &actor,
                NewAudit {
                    zone_id: u.zone_id,
                    action: "user.reset_password",
                    target_type: "user",
                    target_id: Some(u.id),
                    detail: serde_json::json!({ "username": u.username, "via": "cli" }),
                },
            )
            .await?;
            tx.commit().await?;
            println!("已重置 {} 的密码并解除锁定", u.username);
        }
    }
    Ok(())
}

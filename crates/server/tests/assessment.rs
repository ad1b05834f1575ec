//! The assessment over HTTP on both backends: a snapshot of hand-built cases with exactly known
//! figures (an exempted case left out and listed), the drill-down, immutability enforced by the
//! database, a correction as a new marked snapshot, letters (numbering, PDF and Word, inbox,
//! acknowledge, answer, escalation), the weekly report, the dashboard's rollups kept equal to a
//! rebuild, and the refusals.

mod common;

use common::{TestApp, assert_error, body};
use jiban_core::calendar::BEIJING;
use jiban_store::cases::{HistoricAssignment, HistoricCase, NewCase};
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

both_backends!(assessment_snapshot_letters_and_dashboard);

/// One handled case of a unit: dispatched at `at`, signed after `sign_min` minutes (limit 120),
/// answered after `reply_h` hours (deadline 48 h), closed and rated a day later.
async fn handled(
    app: &TestApp,
    unit: Uuid,
    at: OffsetDateTime,
    sign_min: i64,
    reply_h: i64,
    rating: &str,
    no: &str,
) -> Uuid {
    let filer = app.store.user_by_username("intake").await.unwrap().unwrap();
    let replied = at + Duration::hours(reply_h);
    let closed = replied + Duration::hours(20);
    let h = HistoricCase {
        case: NewCase {
            zone_id: app.zone_id,
            case_no: no.into(),
            channel: "hotline".into(),
            state: "closed".into(),
            title: format!("测试诉求 {no}"),
            description: "考核测试用的诉求".into(),
            category_code: "CS01".into(),
            urgency: "normal".into(),
            enterprise_id: None,
            person_name: None,
            person_phone: None,
            address: None,
            grid_id: None,
            lon: None,
            lat: None,
            expected_outcome: None,
            submitter_id: None,
            filed_by: filer.id,
            idempotency_key: None,
        },
        created_at: at - Duration::minutes(10),
        dispatched_at: at,
        lead_unit_id: unit,
        sign_by: at + Duration::minutes(120),
        due_at: at + Duration::hours(48),
        closed_at: Some(closed),
        reworks: 0,
        rating: Some(rating.into()),
        rated_at: Some(closed),
        assignments: vec![HistoricAssignment {
            unit_id: unit,
            role: "lead".into(),
            state: "replied".into(),
            sign_by: at + Duration::minutes(120),
            due_at: at + Duration::hours(48),
            signed_at: Some(at + Duration::minutes(sign_min)),
            replied_at: Some(replied),
            reply: Some("已办理".into()),
            created_at: at,
            ended_at: None,
        }],
    };
    let mut tx = app.store.begin().await.unwrap();
    let id = tx.insert_historic_case(&h).await.unwrap();
    tx.commit().await.unwrap();
    id
}

fn row(detail: &Value, unit: Uuid) -> &Value {
    detail["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_id"] == unit.to_string())
        .unwrap_or_else(|| panic!("no row for {unit}: {detail}"))
}

async fn assessment_snapshot_letters_and_dashboard(app: TestApp) {
    let xy = app.unit_id("向阳街道").await;
    let js = app.unit_id("金山街道").await;
    // Monday 2026-03-02 .. Sunday 2026-03-08, 10:00 Beijing
    let mon = datetime!(2026-03-02 10:00 +8);
    handled(&app, xy, mon, 30, 10, "satisfied", "T-XY-1").await;
    handled(
        &app,
        xy,
        mon + Duration::days(1),
        60,
        20,
        "satisfied",
        "T-XY-2",
    )
    .await;
    let late = handled(&app, js, mon, 300, 60, "unsatisfied", "T-JS-1").await;
    handled(&app, js, mon + Duration::days(1), 20, 5, "basic", "T-JS-2").await;
    let exempt = handled(
        &app,
        js,
        mon + Duration::days(2),
        400,
        70,
        "unsatisfied",
        "T-JS-3",
    )
    .await;

    let sup = app.login("supervisor").await;
    let leader = app.login("leader").await;
    // exemption: reason required, then once
    let path = format!("/api/v1/cases/{exempt}/exemption");
    assert_error(
        &app.post(&sup, &path, json!({ "reason": " " })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.assessment",
        Some("reason"),
    );
    assert_error(
        &app.post(&leader, &path, json!({ "reason": "不合理诉求" }))
            .await,
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        None,
    );
    let r = app
        .post(
            &sup,
            &path,
            json!({ "reason": "诉求人要求超出政策范围，属不合理诉求" }),
        )
        .await;
    assert_eq!(r.0, StatusCode::NO_CONTENT, "{}", r.1);
    assert_error(
        &app.post(&sup, &path, json!({ "reason": "再次" })).await,
        StatusCode::CONFLICT,
        "case.exemption",
        None,
    );

    // snapshot of the custom week
    let week = json!({ "kind": "custom", "from": "2026-03-02", "to": "2026-03-08" });
    assert_error(
        &app.post(&leader, "/api/v1/assessment/snapshots", week.clone())
            .await,
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        None,
    );
    assert_error(
        &app.post(
            &sup,
            "/api/v1/assessment/snapshots",
            json!({ "kind": "year" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.assessment",
        Some("kind"),
    );
    assert_error(
        &app.post(
            &sup,
            "/api/v1/assessment/snapshots",
            json!({ "kind": "custom", "from": "2026-03-02" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.assessment",
        Some("to"),
    );
    let (s, snap) = app.post(&sup, "/api/v1/assessment/snapshots", week).await;
    assert_eq!(s, StatusCode::CREATED, "{snap}");
    assert_eq!(snap["trigger"], "manual");
    let sid = snap["id"].as_str().unwrap().to_string();
    let a = &row(&snap, xy)["metrics"];
    assert_eq!(a["received"], 2);
    assert_eq!(a["signed_on_time"]["numerator"], 2);
    assert_eq!(a["signed_on_time"]["denominator"], 2);
    assert_eq!(a["resolved_on_time"]["rate"], 1.0);
    assert_eq!(a["satisfied"]["rate"], 1.0);
    let b = &row(&snap, js)["metrics"];
    // the exempted case counts nowhere and is listed
    assert_eq!(b["received"], 2);
    assert_eq!(b["exempted"], 1);
    assert_eq!(b["signed_on_time"]["numerator"], 1);
    assert_eq!(b["signed_on_time"]["denominator"], 2);
    assert_eq!(b["resolved_on_time"]["numerator"], 1);
    // (0 × 不满意 + 0.8 × 基本满意) / 2
    assert!(
        (b["satisfied"]["rate"].as_f64().unwrap() - 0.4).abs() < 1e-9,
        "{b}"
    );
    assert_eq!(row(&snap, xy)["rank"], 1);
    assert_eq!(row(&snap, js)["rank"], 2);
    assert_eq!(row(&snap, js)["of"], 2);
    assert_eq!(row(&snap, js)["group_label"], "街道");

    // drill-down from a number to its cases
    let drill = |part: &str, metric: &str| {
        format!("/api/v1/assessment/snapshots/{sid}/cases?unit_id={js}&metric={metric}&part={part}")
    };
    let (s, d) = app
        .get(&leader, &drill("numerator", "signed_on_time"))
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["cases"].as_array().unwrap().len(), 1);
    assert_eq!(d["cases"][0]["case_no"], "T-JS-2");
    let (_, d) = app
        .get(&leader, &drill("denominator", "signed_on_time"))
        .await;
    assert_eq!(d["cases"].as_array().unwrap().len(), 2);
    assert_eq!(d["exempted"][0]["case_no"], "T-JS-3");
    assert!(
        d["exempted"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("不合理")
    );
    assert_error(
        &app.get(&leader, &drill("all", "signed_on_time")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.assessment",
        Some("part"),
    );
    assert_error(
        &app.get(&leader, &drill("numerator", "speed")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.assessment",
        Some("metric"),
    );

    // the database refuses to change a snapshot
    let snap_id: Uuid = sid.parse().unwrap();
    let mut tx = app.store.begin().await.unwrap();
    assert!(tx.try_update_snapshot(snap_id).await.is_err());
    drop(tx);
    let mut tx = app.store.begin().await.unwrap();
    assert!(tx.try_update_snapshot_rows(snap_id).await.is_err());
    drop(tx);

    // a correction: the late case is exempted afterwards, the period recomputed as a new snapshot
    let r = app
        .post(
            &sup,
            &format!("/api/v1/cases/{late}/exemption"),
            json!({ "reason": "系统故障导致签收超时，经核实免于考核" }),
        )
        .await;
    assert_eq!(r.0, StatusCode::NO_CONTENT, "{}", r.1);
    let corr = format!("/api/v1/assessment/snapshots/{sid}/corrections");
    assert_error(
        &app.post(&sup, &corr, json!({ "reason": "" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.assessment",
        Some("reason"),
    );
    let (s, fixed) = app
        .post(&sup, &corr, json!({ "reason": "补充免于考核件后重新计算" }))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{fixed}");
    assert_eq!(fixed["trigger"], "correction");
    assert_eq!(fixed["corrects"], sid.as_str());
    assert_eq!(
        row(&fixed, js)["metrics"]["signed_on_time"]["denominator"],
        1
    );
    assert_eq!(row(&fixed, js)["metrics"]["exempted"], 2);
    let (_, old) = app
        .get(&leader, &format!("/api/v1/assessment/snapshots/{sid}"))
        .await;
    assert_eq!(old["corrected_by"], fixed["id"]);
    assert_eq!(
        row(&old, js)["metrics"]["signed_on_time"]["denominator"],
        2,
        "the original never changes"
    );
    assert_eq!(old["rows"], snap["rows"]);
    assert_error(
        &app.post(&sup, &corr, json!({ "reason": "再更正" })).await,
        StatusCode::CONFLICT,
        "assessment.already_corrected",
        None,
    );
    let (_, list) = app
        .get(&leader, "/api/v1/assessment/snapshots?kind=custom")
        .await;
    assert_eq!(list.as_array().unwrap().len(), 2);

    // settings: checked with the field, audited
    let (_, mut settings) = app.get(&leader, "/api/v1/assessment/settings").await;
    assert_eq!(settings["doc_prefix"], "经开督");
    settings["weights"]["resolved"] = json!(-1);
    assert_error(
        &body(app_put(&app, &sup, "/api/v1/assessment/settings", &settings).await).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.range",
        Some("weights.resolved"),
    );
    settings["weights"]["resolved"] = json!(20);
    settings["doc_prefix"] = json!("云开督");
    let r = body(app_put(&app, &sup, "/api/v1/assessment/settings", &settings).await).await;
    assert_eq!(r.0, StatusCode::OK, "{}", r.1);

    // letters from the corrected snapshot: 金山 is last of the two ranked streets
    let fid = fixed["id"].as_str().unwrap();
    let (s, issued) = app
        .post(
            &sup,
            &format!("/api/v1/assessment/snapshots/{fid}/letters"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{issued}");
    let letters = issued["issued"].as_array().unwrap();
    let mine: Vec<_> = letters
        .iter()
        .filter(|l| l["unit_id"] == js.to_string())
        .collect();
    assert_eq!(mine.len(), 1, "{issued}");
    let letter = mine[0];
    let year = OffsetDateTime::now_utc().to_offset(BEIJING).year();
    assert!(
        letter["doc_no"]
            .as_str()
            .unwrap()
            .starts_with(&format!("云开督〔{year}〕")),
        "{letter}"
    );
    assert_eq!(letter["tier"], "reminder");
    assert_eq!(letter["status"], "sent");
    assert!(letter["title"].as_str().unwrap().contains("金山街道"));
    assert_error(
        &app.post(
            &sup,
            &format!("/api/v1/assessment/snapshots/{fid}/letters"),
            json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "assessment.letters_issued",
        None,
    );
    let lid = letter["id"].as_str().unwrap();

    // the addressed unit sees it in its list and inbox; another street does not
    let js_head = app.login("handler_js").await;
    let xy_head = app.login("handler_xy").await;
    let (_, l) = app.get(&js_head, "/api/v1/letters").await;
    assert_eq!(l.as_array().unwrap().len(), 1);
    assert_eq!(l[0]["can_answer"], true);
    let (_, l) = app.get(&xy_head, "/api/v1/letters").await;
    assert_eq!(l.as_array().unwrap().len(), 0);
    assert_eq!(
        app.get(&xy_head, &format!("/api/v1/letters/{lid}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, inbox) = app.get(&js_head, "/api/v1/notifications").await;
    assert!(inbox.to_string().contains("提醒函"), "{inbox}");

    // PDF and Word
    let pdf = js_head
        .get(app.url(&format!("/api/v1/letters/{lid}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    let docx = js_head
        .get(app.url(&format!("/api/v1/letters/{lid}/docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(docx.status(), StatusCode::OK);
    assert!(docx.bytes().await.unwrap().starts_with(b"PK"));

    // an answer not given in time escalates, once
    let later = jiban_store::now() + Duration::days(30);
    assert_eq!(
        jiban_server::assessment::escalate_letters(&app.store, later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        jiban_server::assessment::escalate_letters(&app.store, later)
            .await
            .unwrap(),
        0
    );
    let (_, inbox) = app.get(&sup, "/api/v1/notifications").await;
    assert!(inbox.to_string().contains("逾期未答复"), "{inbox}");

    // acknowledge, answer
    let ack = format!("/api/v1/letters/{lid}/acknowledge");
    assert_eq!(
        app.post(&xy_head, &ack, json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    let (s, v) = app.post(&js_head, &ack, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "acknowledged");
    assert_error(
        &app.post(&js_head, &ack, json!({})).await,
        StatusCode::CONFLICT,
        "letter.state",
        None,
    );
    let ans = format!("/api/v1/letters/{lid}/answer");
    assert_error(
        &app.post(&js_head, &ans, json!({ "measures": "已整改" }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.assessment",
        Some("measures"),
    );
    assert_error(
        &app.post(
            &leader,
            &ans,
            json!({ "measures": "一、压实签收责任，专人值守工单系统。" }),
        )
        .await,
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        None,
    );
    let (s, v) = app
        .post(
            &js_head,
            &ans,
            json!({ "measures": "一、压实签收责任，专人值守工单系统；二、每周通报办理情况。" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "answered");
    assert!(v["escalated_at"].is_string());
    assert_error(
        &app.post(
            &js_head,
            &ans,
            json!({ "measures": "再次答复的整改措施内容。" }),
        )
        .await,
        StatusCode::CONFLICT,
        "letter.state",
        None,
    );

    // the weekly report
    let x = leader
        .get(app.url(&format!("/api/v1/assessment/snapshots/{fid}/report.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), StatusCode::OK);
    assert!(
        x.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));

    // the dashboard reads rollups kept with every change; they equal a rebuild from the cases
    let intake = app.login("intake").await;
    let (s, c) = app.post(&intake, "/api/v1/cases", json!({ "channel": "hotline", "title": "路灯不亮", "category_code": "CS01",
        "description": "锦绣路 188 号门口路灯连续三晚不亮。", "urgency": "urgent", "person_name": "王先生", "person_phone": "13955512345" })).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["case"]["state"], "pending_dispatch");
    let incremental = app.store.rollup_rows(app.zone_id).await.unwrap();
    app.store.rebuild_rollups(app.zone_id).await.unwrap();
    assert_eq!(
        app.store.rollup_rows(app.zone_id).await.unwrap(),
        incremental
    );
    // `jiban rollups` finds a spoiled cell and names it; the rebuild mends it
    assert_eq!(
        app.store.check_rollups(app.zone_id).await.unwrap().1,
        vec![]
    );
    jiban_store::with_pool!(app.store, |p| {
        sqlx::query("UPDATE case_live SET open = open + 5 WHERE zone_id = $1 AND dim = '*'")
            .bind(app.zone_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
    })
    .unwrap();
    let (_, diffs) = app.store.check_rollups(app.zone_id).await.unwrap();
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert_eq!(
        (diffs[0].bucket.as_str(), diffs[0].dim.as_str()),
        ("live", "*")
    );
    assert_eq!(diffs[0].stored.0, diffs[0].counted.0 + 5);
    app.store.rebuild_rollups(app.zone_id).await.unwrap();
    assert_eq!(
        app.store.check_rollups(app.zone_id).await.unwrap().1,
        vec![]
    );
    let (s, dash) = app.get(&leader, "/api/v1/dashboard").await;
    assert_eq!(s, StatusCode::OK, "{dash}");
    assert!(
        dash["today"]["received"].as_i64().unwrap_or(0) >= 1,
        "{dash}"
    );
    assert_eq!(dash["trend"].as_array().unwrap().len(), 30);
    let grid = app.login("grid_xy01").await;
    assert_error(
        &app.get(&grid, "/api/v1/dashboard").await,
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        None,
    );

    // every change left its audit row
    let (_, audit) = app
        .get(&app.login("admin").await, "/api/v1/audit?page_size=200")
        .await;
    let text = audit.to_string();
    for action in [
        "case.exempt",
        "assessment.snapshot.create",
        "assessment.snapshot.correct",
        "assessment.settings",
        "letter.issue",
        "letter.escalate",
        "letter.acknowledge",
        "letter.answer",
    ] {
        assert!(text.contains(action), "audit lacks {action}");
    }
}

async fn app_put(app: &TestApp, c: &reqwest::Client, path: &str, v: &Value) -> reqwest::Response {
    c.put(app.url(path)).json(v).send().await.unwrap()
}

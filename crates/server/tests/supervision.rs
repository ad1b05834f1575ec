//! The deadline sweep, supervision orders and the outbox, on both backends.

mod common;

use axum::routing::post;
use common::{TestApp, assert_error};
use jiban_server::config::OutboxConfig;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use time::Duration;

static HOURS: std::sync::LazyLock<jiban_core::calendar::OfficeHours> =
    std::sync::LazyLock::new(Default::default);

both_backends!(
    sweep_reminds_escalates_once,
    supervision_orders,
    outbox_retries_then_delivers
);

async fn dispatched_to(app: &TestApp, lead: &str) -> (String, Client) {
    let intake = app.login("intake").await;
    let (s, v) = app
        .post(&intake, "/api/v1/cases", json!({ "channel": "hotline", "title": "企业用电增容审批慢", "category_code": "QY05",
            "description": "申请增容两个月未批复。", "person_name": "赵女士", "person_phone": "13955500001" }))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["case"]["id"].as_str().unwrap().to_string();
    let dispatcher = app.login("dispatcher").await;
    let unit = app.unit_id(lead).await;
    let xy = app.unit_id("向阳街道").await;
    let (s, v) = app
        .post(
            &dispatcher,
            &format!("/api/v1/cases/{id}/dispatch"),
            json!({ "lead_unit_id": unit, "assist_unit_ids": [xy] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    (id, dispatcher)
}

fn actions_of(v: &Value) -> Vec<String> {
    v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

async fn sweep_reminds_escalates_once(app: TestApp) {
    let (id, dispatcher) = dispatched_to(&app, "经济发展部").await;
    let now = jiban_store::now();
    // nothing is due yet
    let r = jiban_server::sweep::sweep(&app.store, &HOURS, now)
        .await
        .unwrap();
    assert_eq!(r, Default::default());
    // a month later everything is: two passes at once act once
    let later = now + Duration::days(30);
    let (a, b) = tokio::join!(
        jiban_server::sweep::sweep(&app.store, &HOURS, later),
        jiban_server::sweep::sweep(&app.store, &HOURS, later)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        a.sign_overdue + b.sign_overdue,
        2,
        "lead and assist each reminded once"
    );
    assert_eq!(a.overdue + b.overdue, 2);
    assert_eq!(a.escalated_to_head + b.escalated_to_head, 1);
    assert_eq!(a.escalated_up + b.escalated_up, 1);
    assert_eq!(
        jiban_server::sweep::sweep(&app.store, &HOURS, later)
            .await
            .unwrap(),
        Default::default(),
        "idempotent"
    );
    let v = app.get(&dispatcher, &format!("/api/v1/cases/{id}")).await.1;
    let acts = actions_of(&v);
    assert_eq!(acts.iter().filter(|a| *a == "sign_overdue").count(), 2);
    assert_eq!(acts.iter().filter(|a| *a == "escalate").count(), 2);
    assert_eq!(
        v["events"].as_array().unwrap().last().unwrap()["actor_name"],
        "系统（期限巡查）"
    );
    // the head of 经济发展部 and the zone's leader got the escalation, with an SMS queued
    let head = app.login("head_jjfz").await;
    let inbox = app.get(&head, "/api/v1/notifications").await.1;
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "case.escalation"),
        "{inbox}"
    );
    let leader = app.login("leader").await;
    let inbox = app.get(&leader, "/api/v1/notifications").await.1;
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "case.escalation")
    );
    let queued = app.store.due_outbox(later, 100).await.unwrap();
    assert!(queued.iter().any(|m| m.channel == "sms" && m.payload.0["text"].as_str().unwrap().contains("已超期")));
    // the chain is intact with the system's events in it
    assert!(
        app.store
            .verify_case_chains(None)
            .await
            .unwrap()
            .1
            .is_empty()
    );
    // an approved extension moves the deadline and the sweep starts over for it
    let lead = app.login("handler_jjfz").await;
    app.post(&lead, &format!("/api/v1/cases/{id}/sign"), json!({}))
        .await;
    let (_, v) = app
        .post(
            &lead,
            &format!("/api/v1/cases/{id}/extensions"),
            json!({ "days": 10, "reason": "等待电网批复" }),
        )
        .await;
    let req = v["requests"][0]["id"].as_str().unwrap().to_string();
    app.post(
        &dispatcher,
        &format!("/api/v1/cases/{id}/decide"),
        json!({ "request_id": req, "approve": true }),
    )
    .await;
    let v = app.get(&dispatcher, &format!("/api/v1/cases/{id}")).await.1;
    assert!(
        v["case"]["due_at"].as_str().unwrap()
            > v["events"][2]["detail"]["due_at"].as_str().unwrap_or("")
    );
    let r = jiban_server::sweep::sweep(&app.store, &HOURS, later)
        .await
        .unwrap();
    assert_eq!(r.overdue, 2, "the new deadline is watched afresh: {r:?}");
}

async fn supervision_orders(app: TestApp) {
    let (id, dispatcher) = dispatched_to(&app, "经济发展部").await;
    let sup = app.login("supervisor").await;
    let r = app
        .post(
            &sup,
            &format!("/api/v1/cases/{id}/supervise"),
            json!({ "level": "urgent", "days": 3, "note": "x" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unknown_value",
        Some("level"),
    );
    let r = app
        .post(
            &sup,
            &format!("/api/v1/cases/{id}/supervise"),
            json!({ "level": "key", "days": 0, "note": "x" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.range",
        Some("days"),
    );
    assert_error(
        &app.post(
            &dispatcher,
            &format!("/api/v1/cases/{id}/supervise"),
            json!({ "level": "key", "days": 3, "note": "x" }),
        )
        .await,
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        None,
    );
    let (s, v) = app
        .post(
            &sup,
            &format!("/api/v1/cases/{id}/supervise"),
            json!({ "level": "key", "days": 3, "note": "企业反映强烈，重点督办" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let order = v["supervision_orders"][0].clone();
    assert_eq!(order["level_name"], "重点");
    assert!(
        order["deadline"]
            .as_str()
            .unwrap()
            .ends_with("17:30:00+08:00")
    );
    // the unit's head gets it in the inbox and by SMS
    let head = app.login("head_jjfz").await;
    let inbox = app.get(&head, "/api/v1/notifications").await.1;
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "case.supervision")
    );
    assert!(
        app.store
            .due_outbox(jiban_store::now(), 100)
            .await
            .unwrap()
            .iter()
            .any(|m| m.payload.0["text"].as_str().unwrap().contains("重点督办"))
    );
    // the lead unit acknowledges, once
    let lead = app.login("handler_jjfz").await;
    let v = app.get(&lead, &format!("/api/v1/cases/{id}")).await.1;
    assert!(
        v["allowed_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("acknowledge_supervision"))
    );
    let oid = order["id"].as_str().unwrap();
    let assist = app.login("handler_xy").await;
    assert_error(
        &app.post(
            &assist,
            &format!("/api/v1/cases/{id}/supervise/acknowledge"),
            json!({ "order_id": oid }),
        )
        .await,
        StatusCode::FORBIDDEN,
        "case.not_assigned",
        None,
    );
    let (s, v) = app
        .post(
            &lead,
            &format!("/api/v1/cases/{id}/supervise/acknowledge"),
            json!({ "order_id": oid }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["supervision_orders"][0]["acknowledged_at"].is_string());
    assert!(
        !v["allowed_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("acknowledge_supervision"))
    );
    assert_error(
        &app.post(
            &lead,
            &format!("/api/v1/cases/{id}/supervise/acknowledge"),
            json!({ "order_id": oid }),
        )
        .await,
        StatusCode::CONFLICT,
        "case.order_acknowledged",
        None,
    );
    // an order nobody acknowledges is escalated to the leaders by the sweep
    app.post(
        &sup,
        &format!("/api/v1/cases/{id}/supervise"),
        json!({ "level": "listed", "days": 1, "note": "挂牌督办" }),
    )
    .await;
    let r = jiban_server::sweep::sweep(&app.store, &HOURS, jiban_store::now() + Duration::days(20))
        .await
        .unwrap();
    assert_eq!(r.orders_escalated, 1);
    let v = app.get(&sup, &format!("/api/v1/cases/{id}")).await.1;
    assert!(v["supervision_orders"][1]["escalated_at"].is_string());
    assert!(actions_of(&v).contains(&"supervision_overdue".to_string()));
}

async fn outbox_retries_then_delivers(app: TestApp) {
    // a real HTTP receiver on loopback that fails once, then accepts
    let got: Arc<Mutex<Vec<Value>>> = Arc::default();
    let calls = Arc::new(Mutex::new(0u32));
    let (g, n) = (got.clone(), calls.clone());
    let receiver = axum::Router::new().route(
        "/sms",
        post(move |axum::Json(body): axum::Json<Value>| {
            let (g, n) = (g.clone(), n.clone());
            async move {
                let mut count = n.lock().unwrap();
                *count += 1;
                if *count == 1 {
                    return axum::http::StatusCode::INTERNAL_SERVER_ERROR;
                }
                g.lock().unwrap().push(body);
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, receiver).await.unwrap() });

    let mut tx = app.store.begin().await.unwrap();
    tx.enqueue_outbox(
        app.zone_id,
        "sms",
        "13900000000",
        json!({ "text": "测试短信" }),
    )
    .await
    .unwrap();
    tx.enqueue_outbox(
        app.zone_id,
        "superior",
        "12345",
        json!({ "case_no": "JB1" }),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let cfg = OutboxConfig {
        sms_url: Some(format!("http://{addr}/sms")),
        max_attempts: 2,
        ..Default::default()
    };
    let client = reqwest::Client::new();
    let now = jiban_store::now();
    let r = jiban_server::outbox::deliver_due(&app.store, &client, &cfg, now)
        .await
        .unwrap();
    assert_eq!(
        (r.sent, r.retrying, r.failed),
        (0, 2, 0),
        "the SMS gateway failed once; the superior URL is not configured"
    );
    // not yet due again
    let r = jiban_server::outbox::deliver_due(&app.store, &client, &cfg, now)
        .await
        .unwrap();
    assert_eq!(r, Default::default());
    let r =
        jiban_server::outbox::deliver_due(&app.store, &client, &cfg, now + Duration::minutes(5))
            .await
            .unwrap();
    assert_eq!(
        (r.sent, r.retrying, r.failed),
        (1, 0, 1),
        "delivered on retry; the other gave up after 2 attempts"
    );
    let body = got.lock().unwrap()[0].clone();
    assert_eq!(body["to"], "13900000000");
    assert_eq!(body["payload"]["text"], "测试短信");
    assert!(
        app.store
            .due_outbox(now + Duration::days(1), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

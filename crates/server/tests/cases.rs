//! The closed loop over HTTP, on both backends: every transition, the refused ones, deadlines,
//! idempotency, merging, and the tamper-evident event chain.

mod common;

use common::{TestApp, assert_error};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

both_backends!(
    whole_loop_with_rework,
    refused_transitions_are_clear,
    intake_validation_and_idempotency,
    returns_are_capped_then_a_supervisor_decides,
    extension_pause_and_park,
    merge_and_withdraw,
    the_event_chain_detects_tampering,
    calendar_and_sla_rules,
    visibility_follows_assignments,
);

async fn file(app: &TestApp, c: &Client, body: Value) -> Value {
    let (s, v) = app.post(c, "/api/v1/cases", body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

fn portal_case() -> Value {
    json!({ "channel": "portal", "title": "急需招聘普工 30 名", "category_code": "QY01", "urgency": "normal",
            "description": "订单增加，生产线缺普工 30 人，希望人社部门协助对接劳务资源。", "expected_outcome": "两周内到岗" })
}

async fn act(app: &TestApp, c: &Client, id: &str, step: &str, body: Value) -> Value {
    let (s, v) = app
        .post(c, &format!("/api/v1/cases/{id}/{step}"), body)
        .await;
    assert_eq!(s, StatusCode::OK, "{step}: {v}");
    v
}

fn actions(v: &Value) -> Vec<String> {
    v["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

async fn dispatched_case(app: &TestApp) -> (String, Client, Client, Client) {
    let qiye = app.login("qiye").await;
    let v = file(app, &qiye, portal_case()).await;
    let id = v["case"]["id"].as_str().unwrap().to_string();
    let intake = app.login("intake").await;
    act(app, &intake, &id, "accept", json!({})).await;
    let dispatcher = app.login("dispatcher").await;
    let rsj = app.unit_id("人社局").await;
    let xy = app.unit_id("向阳街道").await;
    act(
        app,
        &dispatcher,
        &id,
        "dispatch",
        json!({ "lead_unit_id": rsj, "assist_unit_ids": [xy], "note": "请人社局牵头对接" }),
    )
    .await;
    (id, qiye, intake, dispatcher)
}

async fn whole_loop_with_rework(app: TestApp) {
    let (id, qiye, _intake, dispatcher) = dispatched_case(&app).await;
    let lead = app.login("handler_rsj").await;
    let assist = app.login("handler_xy").await;
    let v = app.get(&lead, &format!("/api/v1/cases/{id}")).await.1;
    assert_eq!(v["case"]["state"], "dispatched");
    assert_eq!(
        actions(&v),
        ["sign", "return"],
        "a lead unit may sign, or return it unsigned"
    );
    assert_eq!(v["assignments"].as_array().unwrap().len(), 2);
    assert!(
        v["case"]["due_at"]
            .as_str()
            .unwrap()
            .ends_with("17:30:00+08:00")
    );
    act(&app, &assist, &id, "sign", json!({})).await;
    let v = act(&app, &lead, &id, "sign", json!({})).await;
    assert_eq!(v["case"]["state"], "handling");
    assert!(actions(&v).contains(&"reply".to_string()));
    act(
        &app,
        &assist,
        &id,
        "reply",
        json!({ "text": "向阳街道已摸排辖区劳务中介 3 家，名单附后。" }),
    )
    .await;
    let v = act(
        &app,
        &lead,
        &id,
        "reply",
        json!({ "text": "已组织专场招聘会，对接劳务公司 2 家，首批 18 人下周到岗。" }),
    )
    .await;
    assert_eq!(v["case"]["state"], "replied");
    let v = act(&app, &dispatcher, &id, "verify", json!({ "pass": true })).await;
    assert_eq!(v["case"]["state"], "pending_rating");
    // the enterprise is notified and rates 不满意: one automatic rework with a new deadline
    let v = app.get(&qiye, &format!("/api/v1/cases/{id}")).await.1;
    assert_eq!(actions(&v), ["rate"]);
    let v = act(
        &app,
        &qiye,
        &id,
        "rate",
        json!({ "level": "unsatisfied", "comment": "只到岗 18 人，缺口仍大" }),
    )
    .await;
    assert_eq!(v["case"]["state"], "handling");
    assert_eq!(v["case"]["reworks"], 1);
    act(
        &app,
        &lead,
        &id,
        "reply",
        json!({ "text": "第二批 12 人已到岗，缺口补齐。" }),
    )
    .await;
    act(&app, &dispatcher, &id, "verify", json!({ "pass": true })).await;
    let v = act(
        &app,
        &qiye,
        &id,
        "rate",
        json!({ "level": "satisfied", "comment": "感谢" }),
    )
    .await;
    assert_eq!(v["case"]["state"], "closed");
    assert_eq!(v["case"]["state_name"], "已办结");
    assert!(v["allowed_actions"].as_array().unwrap().is_empty());
    let steps: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "file", "accept", "dispatch", "sign", "sign", "reply", "reply", "verify", "rate",
            "reply", "verify", "rate"
        ]
    );
    // the enterprise sees who acted by name only; staff see the account too
    assert_eq!(v["events"][2]["actor_name"], "王芳");
    let staff = app.get(&dispatcher, &format!("/api/v1/cases/{id}")).await.1;
    assert!(
        staff["events"][2]["actor_name"]
            .as_str()
            .unwrap()
            .contains("（dispatcher）")
    );
    let (checked, breaks) = app.store.verify_case_chains(None).await.unwrap();
    assert_eq!((checked, breaks.len()), (1, 0));
    // the enterprise's list shows it; the lead unit's queue no longer does
    assert_eq!(app.get(&qiye, "/api/v1/cases").await.1["total"], 1);
    assert_eq!(
        app.get(&lead, "/api/v1/cases?queue=mine&state=dispatched,handling")
            .await
            .1["total"],
        0
    );
}

async fn refused_transitions_are_clear(app: TestApp) {
    let qiye = app.login("qiye").await;
    let v = file(&app, &qiye, portal_case()).await;
    let id = v["case"]["id"].as_str().unwrap().to_string();
    let dispatcher = app.login("dispatcher").await;
    let rsj = app.unit_id("人社局").await;
    // dispatch before intake accepted
    let r = app
        .post(
            &dispatcher,
            &format!("/api/v1/cases/{id}/dispatch"),
            json!({ "lead_unit_id": rsj }),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "case.transition_refused", None);
    assert_eq!(r.1["message"], "案件当前为“待受理”，不能执行“派单”");
    // a supervisor may not accept, an enterprise may not dispatch; a department not involved
    // does not even see the case
    let sup = app.login("supervisor").await;
    assert_error(
        &app.post(&sup, &format!("/api/v1/cases/{id}/accept"), json!({}))
            .await,
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        None,
    );
    let handler = app.login("handler_rsj").await;
    assert_error(
        &app.post(&handler, &format!("/api/v1/cases/{id}/accept"), json!({}))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    assert_error(
        &app.post(
            &qiye,
            &format!("/api/v1/cases/{id}/dispatch"),
            json!({ "lead_unit_id": rsj }),
        )
        .await,
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        None,
    );
    // reject needs a reason, and the submitter sees it
    let intake = app.login("intake").await;
    let r = app
        .post(
            &intake,
            &format!("/api/v1/cases/{id}/reject"),
            json!({ "reason": "  " }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.required",
        Some("reason"),
    );
    act(&app, &intake, &id, "accept", json!({})).await;
    // dispatch to a grid or an unknown unit
    let grid = app
        .store
        .org_units(app.zone_id)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.kind == "grid")
        .unwrap()
        .id;
    let r = app
        .post(
            &dispatcher,
            &format!("/api/v1/cases/{id}/dispatch"),
            json!({ "lead_unit_id": grid }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unit_kind",
        Some("lead_unit_id"),
    );
    let r = app
        .post(
            &dispatcher,
            &format!("/api/v1/cases/{id}/dispatch"),
            json!({ "lead_unit_id": rsj, "assist_unit_ids": [rsj] }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.duplicate_unit",
        Some("assist_unit_ids"),
    );
    act(
        &app,
        &dispatcher,
        &id,
        "dispatch",
        json!({ "lead_unit_id": rsj }),
    )
    .await;
    // another unit cannot sign; replying before signing is refused
    let other = app.login("handler_zhzf").await;
    let r = app
        .post(&other, &format!("/api/v1/cases/{id}/sign"), json!({}))
        .await;
    assert_eq!(
        r.0,
        StatusCode::NOT_FOUND,
        "not even visible to an unrelated department: {}",
        r.1
    );
    let r = app
        .post(
            &handler,
            &format!("/api/v1/cases/{id}/reply"),
            json!({ "text": "已办" }),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "case.not_signed", None);
    act(&app, &handler, &id, "sign", json!({})).await;
    assert_error(
        &app.post(&handler, &format!("/api/v1/cases/{id}/sign"), json!({}))
            .await,
        StatusCode::CONFLICT,
        "case.already_signed",
        None,
    );
    // the submitter can no longer withdraw once a unit signed; nobody rates before verification
    assert_error(
        &app.post(&qiye, &format!("/api/v1/cases/{id}/withdraw"), json!({}))
            .await,
        StatusCode::CONFLICT,
        "case.transition_refused",
        None,
    );
    let r = app
        .post(
            &qiye,
            &format!("/api/v1/cases/{id}/rate"),
            json!({ "level": "satisfied" }),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "case.transition_refused", None);
    let r = app
        .post(
            &qiye,
            &format!("/api/v1/cases/{id}/rate"),
            json!({ "level": "great" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unknown_value",
        Some("level"),
    );
    // verification failure needs a note and sends it back to the unit
    act(&app, &handler, &id, "reply", json!({ "text": "已对接" })).await;
    let r = app
        .post(
            &dispatcher,
            &format!("/api/v1/cases/{id}/verify"),
            json!({ "pass": false }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.required",
        Some("note"),
    );
    let v = act(
        &app,
        &dispatcher,
        &id,
        "verify",
        json!({ "pass": false, "note": "未附到岗名单" }),
    )
    .await;
    assert_eq!(v["case"]["state"], "handling");
    // nothing was written by any refused request: the chain has exactly the accepted steps
    let steps: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["file", "accept", "dispatch", "sign", "reply", "verify"]
    );
    let r = app.get(&handler, "/api/v1/cases/not-a-uuid").await;
    assert_error(&r, StatusCode::BAD_REQUEST, "request.invalid_path", None);
}

async fn intake_validation_and_idempotency(app: TestApp) {
    let intake = app.login("intake").await;
    let hotline = json!({ "channel": "hotline", "title": "路灯不亮", "category_code": "CS01", "description": "锦绣路 188 号门口路灯连续三晚不亮。",
                          "person_name": "王先生", "person_phone": "13955512345", "address": "锦绣路188号", "idempotency_key": "call-0001" });
    let (s, first) = app.post(&intake, "/api/v1/cases", hotline.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    assert_eq!(
        first["case"]["state"], "pending_dispatch",
        "an operator's hotline entry is accepted on filing"
    );
    assert_eq!(first["case"]["channel_name"], "热线");
    let no = first["case"]["case_no"].as_str().unwrap();
    assert!(
        no.starts_with("JB") && no.ends_with("-0001") && no.len() == 15,
        "{no}"
    );
    let (s, again) = app.post(&intake, "/api/v1/cases", hotline.clone()).await;
    assert_eq!(s, StatusCode::OK, "a retry creates nothing");
    assert_eq!(again["case"]["id"], first["case"]["id"]);
    let mut second = hotline.clone();
    second["idempotency_key"] = json!("call-0002");
    let (_, second) = app.post(&intake, "/api/v1/cases", second).await;
    assert!(
        second["case"]["case_no"]
            .as_str()
            .unwrap()
            .ends_with("-0002")
    );
    // bad input, each naming its field
    let with = |k: &str, v: Value| {
        let mut b = hotline.clone();
        b["idempotency_key"] = json!(null);
        b[k] = v;
        b
    };
    let cases = [
        (
            with("person_phone", json!(null)),
            "validation.required",
            "person_phone",
        ),
        (
            with("category_code", json!("QY")),
            "validation.category_leaf",
            "category_code",
        ),
        (
            with("category_code", json!("ZZ99")),
            "validation.category",
            "category_code",
        ),
        (
            with("description", json!("长".repeat(4001))),
            "validation.too_long",
            "description",
        ),
        (with("title", json!("")), "validation.required", "title"),
        (
            with("urgency", json!("asap")),
            "validation.unknown_value",
            "urgency",
        ),
        (
            with("enterprise_uscc", json!("91330100716105852X")),
            "validation.uscc.check_digit",
            "enterprise_uscc",
        ),
        (with("lat", json!(80.0)), "validation.range", "lat"),
    ];
    for (body, code, field) in cases {
        let r = app.post(&intake, "/api/v1/cases", body).await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, code, Some(field));
    }
    let r = app
        .post(&intake, "/api/v1/cases", with("channel", json!("portal")))
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
    // a grid worker reports in its own grid only, with a location
    let grid = app.login("grid_xy01").await;
    let me = app.get(&grid, "/api/v1/auth/me").await.1;
    let own = me["org_unit"]["id"].clone();
    let report = json!({ "channel": "grid", "title": "井盖缺失", "category_code": "CS01", "description": "人行道井盖缺失，有安全隐患。",
                         "grid_id": own, "address": "东湖路与锦绣路交口" , "urgency": "urgent" });
    let v = file(&app, &grid, report.clone()).await;
    assert_eq!(
        v["case"]["state"], "submitted",
        "a grid report waits for intake"
    );
    assert_eq!(v["case"]["grid_name"], me["org_unit"]["name"]);
    let other_grid = app
        .store
        .org_units(app.zone_id)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.kind == "grid" && u.id.to_string() != own.as_str().unwrap())
        .unwrap()
        .id;
    let mut elsewhere = report.clone();
    elsewhere["grid_id"] = json!(other_grid);
    assert_error(
        &app.post(&grid, "/api/v1/cases", elsewhere).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.grid",
        Some("grid_id"),
    );
    // by credit code, the enterprise is linked
    let admin = app.login("admin").await;
    let e = app.get(&admin, "/api/v1/enterprises?page_size=1").await.1["items"][0].clone();
    let v = file(&app, &intake, with("enterprise_uscc", e["uscc"].clone())).await;
    assert_eq!(v["case"]["enterprise_name"], e["name"]);
}

async fn returns_are_capped_then_a_supervisor_decides(app: TestApp) {
    let (id, _qiye, _intake, dispatcher) = dispatched_case(&app).await;
    let lead = app.login("handler_rsj").await;
    let rsj = app.unit_id("人社局").await;
    let r = app
        .post(
            &lead,
            &format!("/api/v1/cases/{id}/return"),
            json!({ "reason": "" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.required",
        Some("reason"),
    );
    // an assisting unit cannot return
    let assist = app.login("handler_xy").await;
    assert_error(
        &app.post(
            &assist,
            &format!("/api/v1/cases/{id}/return"),
            json!({ "reason": "不归我办" }),
        )
        .await,
        StatusCode::FORBIDDEN,
        "case.not_assigned",
        None,
    );
    for n in 1..=2 {
        let v = act(
            &app,
            &lead,
            &id,
            "return",
            json!({ "reason": "非本单位职责" }),
        )
        .await;
        assert_eq!(v["case"]["state"], "pending_dispatch");
        assert_eq!(v["case"]["bounces"], n);
        act(
            &app,
            &dispatcher,
            &id,
            "dispatch",
            json!({ "lead_unit_id": rsj }),
        )
        .await;
    }
    let v = act(
        &app,
        &lead,
        &id,
        "return",
        json!({ "reason": "仍非本单位职责" }),
    )
    .await;
    assert_eq!(
        v["case"]["state"], "supervisor_review",
        "the third bounce goes to a supervisor"
    );
    assert_error(
        &app.post(
            &dispatcher,
            &format!("/api/v1/cases/{id}/dispatch"),
            json!({ "lead_unit_id": rsj }),
        )
        .await,
        StatusCode::CONFLICT,
        "case.transition_refused",
        None,
    );
    let sup = app.login("supervisor").await;
    assert!(
        actions(&app.get(&sup, &format!("/api/v1/cases/{id}")).await.1)
            .contains(&"supervisor_redispatch".into())
    );
    let r = app
        .post(
            &sup,
            &format!("/api/v1/cases/{id}/supervisor-decision"),
            json!({ "decision": "later", "note": "x" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unknown_value",
        Some("decision"),
    );
    let v = act(
        &app,
        &sup,
        &id,
        "supervisor-decision",
        json!({ "decision": "redispatch", "note": "裁定由经济发展部主办" }),
    )
    .await;
    assert_eq!(v["case"]["state"], "pending_dispatch");
    // reassignment ends the old assignments
    let jjfz = app.unit_id("经济发展部").await;
    act(
        &app,
        &dispatcher,
        &id,
        "dispatch",
        json!({ "lead_unit_id": rsj }),
    )
    .await;
    let r = app
        .post(
            &dispatcher,
            &format!("/api/v1/cases/{id}/reassign"),
            json!({ "lead_unit_id": jjfz }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.required",
        Some("reason"),
    );
    let v = act(
        &app,
        &dispatcher,
        &id,
        "reassign",
        json!({ "lead_unit_id": jjfz, "reason": "督查裁定" }),
    )
    .await;
    assert_eq!(v["case"]["lead_unit_name"], "经济发展部");
    let active: Vec<_> = v["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["state"] == "pending")
        .collect();
    assert_eq!(active.len(), 1);
}

async fn extension_pause_and_park(app: TestApp) {
    let (id, _qiye, _intake, dispatcher) = dispatched_case(&app).await;
    let lead = app.login("handler_rsj").await;
    act(&app, &lead, &id, "sign", json!({})).await;
    let r = app
        .post(
            &lead,
            &format!("/api/v1/cases/{id}/extensions"),
            json!({ "days": 30, "reason": "需协调外地劳务" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.range",
        Some("days"),
    );
    let v = act(
        &app,
        &lead,
        &id,
        "extensions",
        json!({ "days": 3, "reason": "需协调外地劳务" }),
    )
    .await;
    let before = v["case"]["due_at"].as_str().unwrap().to_string();
    let req = v["requests"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(v["requests"][0]["state"], "pending");
    assert_error(
        &app.post(
            &lead,
            &format!("/api/v1/cases/{id}/decide"),
            json!({ "request_id": req, "approve": true }),
        )
        .await,
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        None,
    );
    let v = act(
        &app,
        &dispatcher,
        &id,
        "decide",
        json!({ "request_id": req, "approve": true, "note": "同意" }),
    )
    .await;
    let after = v["case"]["due_at"].as_str().unwrap().to_string();
    assert!(after > before, "{before} → {after}");
    assert_eq!(v["requests"][0]["state"], "approved");
    assert_error(
        &app.post(
            &dispatcher,
            &format!("/api/v1/cases/{id}/decide"),
            json!({ "request_id": req, "approve": true }),
        )
        .await,
        StatusCode::CONFLICT,
        "case.request_decided",
        None,
    );
    // park needs a review date; pause is approved, the clock stops, resume moves the deadline
    let r = app
        .post(
            &lead,
            &format!("/api/v1/cases/{id}/pauses"),
            json!({ "kind": "park", "reason": "待上级政策" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.required",
        Some("review_on"),
    );
    let v = act(
        &app,
        &lead,
        &id,
        "pauses",
        json!({ "kind": "pause", "reason": "企业停产检修两周" }),
    )
    .await;
    let req = v["requests"][1]["id"].as_str().unwrap().to_string();
    let v = act(
        &app,
        &dispatcher,
        &id,
        "decide",
        json!({ "request_id": req, "approve": true }),
    )
    .await;
    assert_eq!(v["case"]["state"], "paused");
    assert_error(
        &app.post(
            &lead,
            &format!("/api/v1/cases/{id}/reply"),
            json!({ "text": "x" }),
        )
        .await,
        StatusCode::CONFLICT,
        "case.transition_refused",
        None,
    );
    let v = act(
        &app,
        &dispatcher,
        &id,
        "resume",
        json!({ "note": "已复产" }),
    )
    .await;
    assert_eq!(v["case"]["state"], "handling");
    let ev = v["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(ev["action"], "resume");
    assert!(ev["detail"]["paused_working_minutes"].is_number());
    // a refused request changes nothing but the request
    let v = act(
        &app,
        &lead,
        &id,
        "pauses",
        json!({ "kind": "park", "reason": "待政策", "review_on": "2026-12-31" }),
    )
    .await;
    let req = v["requests"][2]["id"].as_str().unwrap().to_string();
    let v = act(
        &app,
        &dispatcher,
        &id,
        "decide",
        json!({ "request_id": req, "approve": false, "note": "不符合挂账条件" }),
    )
    .await;
    assert_eq!(v["case"]["state"], "handling");
    assert_eq!(v["requests"][2]["state"], "refused");
    // an approved park is brought back to the dispatchers on its review date, once
    let v = act(
        &app,
        &lead,
        &id,
        "pauses",
        json!({ "kind": "park", "reason": "待上级出台政策", "review_on": "2026-12-31" }),
    )
    .await;
    let req = v["requests"][3]["id"].as_str().unwrap().to_string();
    let v = act(
        &app,
        &dispatcher,
        &id,
        "decide",
        json!({ "request_id": req, "approve": true }),
    )
    .await;
    assert_eq!(v["case"]["state"], "parked");
    assert_eq!(v["case"]["review_on"], "2026-12-31");
    let hours: jiban_core::calendar::OfficeHours = Default::default();
    let before = time::macros::datetime!(2026-12-30 10:00 +8);
    let on = time::macros::datetime!(2026-12-31 10:00 +8);
    assert_eq!(
        jiban_server::sweep::sweep(&app.store, &hours, before)
            .await
            .unwrap()
            .parked_reviews,
        0
    );
    assert_eq!(
        jiban_server::sweep::sweep(&app.store, &hours, on)
            .await
            .unwrap()
            .parked_reviews,
        1
    );
    assert_eq!(
        jiban_server::sweep::sweep(&app.store, &hours, on)
            .await
            .unwrap()
            .parked_reviews,
        0
    );
    let inbox = app.get(&dispatcher, "/api/v1/notifications").await.1;
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "case.review_due")
    );
}

async fn merge_and_withdraw(app: TestApp) {
    let qiye = app.login("qiye").await;
    let a = file(&app, &qiye, portal_case()).await["case"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let b = file(&app, &qiye, portal_case()).await["case"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = file(&app, &qiye, portal_case()).await["case"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let intake = app.login("intake").await;
    act(&app, &intake, &a, "accept", json!({})).await;
    act(&app, &intake, &b, "accept", json!({})).await;
    let dispatcher = app.login("dispatcher").await;
    assert_error(
        &app.post(
            &dispatcher,
            &format!("/api/v1/cases/{b}/merge"),
            json!({ "master_id": b }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.merge_self",
        Some("master_id"),
    );
    let v = act(&app, &dispatcher, &b, "merge", json!({ "master_id": a })).await;
    assert_eq!(v["case"]["state"], "merged");
    assert_eq!(v["case"]["merged_into"], json!(a));
    // the submitter withdraws the third before handling
    let v = act(&app, &qiye, &c, "withdraw", json!({ "note": "已自行解决" })).await;
    assert_eq!(v["case"]["state"], "withdrawn");
    assert_error(
        &app.post(
            &dispatcher,
            &format!("/api/v1/cases/{c}/merge"),
            json!({ "master_id": a }),
        )
        .await,
        StatusCode::CONFLICT,
        "case.transition_refused",
        None,
    );
    assert_error(
        &app.post(
            &dispatcher,
            &format!("/api/v1/cases/{a}/merge"),
            json!({ "master_id": c }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.master_closed",
        Some("master_id"),
    );
    // filters
    assert_eq!(
        app.get(&dispatcher, "/api/v1/cases?state=merged,withdrawn")
            .await
            .1["total"],
        2
    );
    assert_eq!(
        app.get(&dispatcher, "/api/v1/cases?category=QY").await.1["total"],
        3
    );
    assert_eq!(
        app.get(&dispatcher, "/api/v1/cases?q=普工").await.1["total"],
        3
    );
    assert_error(
        &app.get(&dispatcher, "/api/v1/cases?state=lost").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unknown_value",
        Some("state"),
    );
    // when the master is answered, the duplicate's submitter is answered with it
    let rsj = app.unit_id("人社局").await;
    act(
        &app,
        &dispatcher,
        &a,
        "dispatch",
        json!({ "lead_unit_id": rsj }),
    )
    .await;
    let lead = app.login("handler_rsj").await;
    act(&app, &lead, &a, "sign", json!({})).await;
    act(
        &app,
        &lead,
        &a,
        "reply",
        json!({ "text": "已组织专场招聘会" }),
    )
    .await;
    act(&app, &dispatcher, &a, "verify", json!({ "pass": true })).await;
    let b_no =
        app.get(&dispatcher, &format!("/api/v1/cases/{b}")).await.1["case"]["case_no"].clone();
    let inbox = app.get(&qiye, "/api/v1/notifications").await.1;
    let dup = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["case_id"] == json!(b))
        .expect("duplicate answered");
    assert!(
        dup["title"]
            .as_str()
            .unwrap()
            .contains(b_no.as_str().unwrap())
    );
    assert_eq!(dup["body"], "已组织专场招聘会");
    let (_, stats) = app.get(&dispatcher, "/api/v1/cases/stats").await;
    let n: i64 = stats["by_state"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].as_i64().unwrap())
        .sum();
    assert_eq!(n, 3);
}

async fn the_event_chain_detects_tampering(app: TestApp) {
    let (id, _q, _i, _d) = dispatched_case(&app).await;
    let case_id: uuid::Uuid = id.parse().unwrap();
    assert!(
        app.store
            .verify_case_chains(Some(case_id))
            .await
            .unwrap()
            .1
            .is_empty()
    );
    // edit the detail of the second event behind the application's back
    let sql_edit =
        "UPDATE case_events SET detail = '{\"note\":\"篡改\"}' WHERE case_id = $1 AND seq = 2";
    let sql_del = "DELETE FROM case_events WHERE case_id = $1 AND seq = 3";
    match app.store.pool() {
        jiban_store::DbPool::Sqlite(p) => {
            sqlx::query(sql_edit)
                .bind(case_id)
                .execute(p)
                .await
                .unwrap();
        }
        jiban_store::DbPool::Postgres(p) => {
            sqlx::query("UPDATE case_events SET detail = '{\"note\":\"篡改\"}'::jsonb WHERE case_id = $1 AND seq = 2")
                .bind(case_id)
                .execute(p)
                .await
                .unwrap();
        }
    }
    let (_, breaks) = app.store.verify_case_chains(Some(case_id)).await.unwrap();
    assert_eq!(breaks.len(), 1);
    assert_eq!(breaks[0].seq, 2);
    // a deleted last event is found too
    let (id2, ..) = dispatched_case(&app).await;
    let case2: uuid::Uuid = id2.parse().unwrap();
    match app.store.pool() {
        jiban_store::DbPool::Sqlite(p) => {
            sqlx::query(sql_del).bind(case2).execute(p).await.unwrap();
        }
        jiban_store::DbPool::Postgres(p) => {
            sqlx::query(sql_del).bind(case2).execute(p).await.unwrap();
        }
    }
    let (checked, breaks) = app.store.verify_case_chains(None).await.unwrap();
    assert_eq!(checked, 2);
    assert_eq!(breaks.len(), 2);
    assert_eq!(breaks.iter().find(|b| b.case_id == case2).unwrap().seq, 3);
}

async fn calendar_and_sla_rules(app: TestApp) {
    let c = app.login("handler_xy").await;
    let (_, v) = app
        .get(&c, "/api/v1/calendar/deadline?from=2025-09-30&workdays=3")
        .await;
    assert_eq!(
        v["deadline"], "2025-10-11",
        "10-01…10-08 are holidays, 10-11 is a make-up working day"
    );
    let (_, v) = app
        .get(&c, "/api/v1/calendar/deadline?from=2026-02-13&workdays=1")
        .await;
    assert_eq!(
        v["deadline"], "2026-02-14",
        "2026-02-14 is a 春节 make-up working day"
    );
    assert_error(
        &app.get(&c, "/api/v1/calendar/deadline?from=2025-13-01&workdays=1")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "request.invalid_query",
        None,
    );
    let (_, rules) = app.get(&c, "/api/v1/sla-rules").await;
    assert!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["category_code"] == "*"
                && r["urgency"] == "urgent"
                && r["handle_days"] == 1)
    );
    let rule =
        json!({ "category_code": "QY01", "urgency": "normal", "sign_hours": 2, "handle_days": 3 });
    assert_error(
        &body_put(&app, &c, "/api/v1/sla-rules", rule.clone()).await,
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        None,
    );
    let admin = app.login("admin").await;
    let bad =
        json!({ "category_code": "QY01", "urgency": "normal", "sign_hours": 0, "handle_days": 3 });
    assert_error(
        &body_put(&app, &admin, "/api/v1/sla-rules", bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.range",
        Some("sign_hours"),
    );
    assert_eq!(
        body_put(&app, &admin, "/api/v1/sla-rules", rule).await.0,
        StatusCode::OK
    );
    // the administrator enters next year's holidays; deadlines follow at once
    let day = json!({ "date": "2027-01-01", "kind": "holiday", "name": "元旦" });
    assert_error(
        &body_put(&app, &c, "/api/v1/calendar/days", day.clone()).await,
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        None,
    );
    assert_eq!(
        app.get(&c, "/api/v1/calendar/deadline?from=2026-12-31&workdays=1")
            .await
            .1["deadline"],
        "2027-01-01"
    );
    assert_eq!(
        body_put(&app, &admin, "/api/v1/calendar/days", day).await.0,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&c, "/api/v1/calendar/deadline?from=2026-12-31&workdays=1")
            .await
            .1["deadline"],
        "2027-01-04"
    );
    let bad = json!({ "date": "2027-01-05", "kind": "workday", "name": "调休" });
    assert_error(
        &body_put(&app, &admin, "/api/v1/calendar/days", bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.calendar.workday",
        Some("date"),
    );
    let r = c
        .delete(app.url("/api/v1/calendar/days/2027-01-01"))
        .send()
        .await
        .unwrap();
    assert_error(
        &common::body(r).await,
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        None,
    );
    let r = admin
        .delete(app.url("/api/v1/calendar/days/2027-01-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&c, "/api/v1/calendar/deadline?from=2026-12-31&workdays=1")
            .await
            .1["deadline"],
        "2027-01-01"
    );
    // the new rule applies to the next dispatch
    let (id, ..) = dispatched_case(&app).await;
    let v = app.get(&admin, &format!("/api/v1/cases/{id}")).await.1;
    let dispatch = &v["events"][2]["detail"];
    assert_eq!(dispatch["sla"]["handle_days"], 3);
    assert_eq!(dispatch["sla"]["sign_hours"], 2);
}

async fn body_put(app: &TestApp, c: &Client, path: &str, json: Value) -> (StatusCode, Value) {
    common::body(c.put(app.url(path)).json(&json).send().await.unwrap()).await
}

async fn visibility_follows_assignments(app: TestApp) {
    let (id, ..) = dispatched_case(&app).await;
    // the lead department and the assisting street see it; another street and department do not
    for (user, sees) in [
        ("handler_rsj", true),
        ("handler_xy", true),
        ("head_xy", true),
        ("handler_js", false),
        ("handler_zhzf", false),
    ] {
        let c = app.login(user).await;
        let s = app.get(&c, &format!("/api/v1/cases/{id}")).await.0;
        assert_eq!(s == StatusCode::OK, sees, "{user}");
        let total = app.get(&c, "/api/v1/cases").await.1["total"]
            .as_i64()
            .unwrap();
        assert_eq!(total == 1, sees, "{user} list");
    }
    // another enterprise sees nothing
    let admin = app.login("admin").await;
    let other_e = app.get(&admin, "/api/v1/enterprises?page_size=5").await.1["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] != "云岭华芯半导体科技有限公司")
        .unwrap()["id"]
        .clone();
    let xy = app.unit_id("向阳街道").await;
    let (s, _) = app
        .post(
            &admin,
            "/api/v1/users",
            json!({ "username": "qiye_other", "display_name": "别家企业", "password": "Other2025ok",
        "role": "enterprise", "org_unit_id": xy, "enterprise_id": other_e }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let other = common::client();
    app.post(
        &other,
        "/api/v1/auth/login",
        json!({ "username": "qiye_other", "password": "Other2025ok" }),
    )
    .await;
    assert_eq!(
        app.get(&other, &format!("/api/v1/cases/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&other, "/api/v1/cases").await.1["total"], 0);
    // the queue of the lead unit puts unsigned work first
    let lead = app.login("handler_rsj").await;
    let q = app.get(&lead, "/api/v1/cases?queue=mine").await.1;
    assert_eq!(q["items"][0]["id"], json!(id));
}

mod extras {
    use super::*;

    both_backends!(remind_notifies_and_export_is_xlsx);

    async fn remind_notifies_and_export_is_xlsx(app: TestApp) {
        let (id, qiye, _intake, dispatcher) = dispatched_case(&app).await;
        let lead = app.login("handler_rsj").await;
        let before = app.get(&lead, "/api/v1/notifications/unread-count").await.1["count"]
            .as_i64()
            .unwrap();
        assert!(before >= 1, "the dispatch reached the unit's inbox");
        let v = act(
            &app,
            &dispatcher,
            &id,
            "remind",
            json!({ "note": "企业催问进度" }),
        )
        .await;
        assert_eq!(
            v["case"]["state"], "dispatched",
            "a reminder changes no state"
        );
        let (_, inbox) = app.get(&lead, "/api/v1/notifications?unread=true").await;
        assert_eq!(inbox["total"].as_i64().unwrap(), before + 1);
        let first = &inbox["items"][0];
        assert_eq!(first["kind"], "case.reminder");
        assert!(first["title"].as_str().unwrap().contains("请尽快签收"));
        let nid = first["id"].as_str().unwrap();
        let r = lead
            .post(app.url(&format!("/api/v1/notifications/{nid}/read")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            app.get(&lead, "/api/v1/notifications/unread-count").await.1["count"]
                .as_i64()
                .unwrap(),
            before
        );
        // someone else's message cannot be touched
        let r = qiye
            .post(app.url(&format!("/api/v1/notifications/{nid}/read")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_error(
            &app.post(&lead, &format!("/api/v1/cases/{id}/remind"), json!({}))
                .await,
            StatusCode::FORBIDDEN,
            "auth.forbidden",
            None,
        );
        // export of the filtered list
        let r = dispatcher
            .get(app.url("/api/v1/cases/export?state=dispatched"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("xlsx")
        );
        let bytes = r.bytes().await.unwrap();
        assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");
        assert!(bytes.len() > 3000);
        assert_error(
            &app.get(&dispatcher, "/api/v1/cases/export?state=nope")
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.unknown_value",
            Some("state"),
        );
    }
}

mod uploads {
    use super::*;

    both_backends!(attachments_are_checked_stored_and_scoped);

    fn png() -> Vec<u8> {
        let img = image::RgbImage::from_fn(640, 480, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut buf = std::io::Cursor::new(Vec::new());
        img.write_to(&mut buf, image::ImageFormat::Png).unwrap();
        buf.into_inner()
    }

    async fn upload(
        app: &TestApp,
        c: &Client,
        id: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, Value) {
        let boundary = "jibanBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n现场照片\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(&bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let r = c
            .post(app.url(&format!("/api/v1/cases/{id}/attachments")))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        common::body(r).await
    }

    async fn attachments_are_checked_stored_and_scoped(app: TestApp) {
        let (id, qiye, _intake, dispatcher) = dispatched_case(&app).await;
        let (s, a) = upload(&app, &qiye, &id, "现场.png", png()).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        assert_eq!(a["content_type"], "image/png");
        assert_eq!(a["note"], "现场照片");
        assert_eq!(a["sha256"].as_str().unwrap().len(), 64);
        let thumb = dispatcher
            .get(app.url(a["thumb_url"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(thumb.headers()["content-type"], "image/jpeg");
        let t = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
        assert_eq!((t.width(), t.height()), (320, 240));
        let file = dispatcher
            .get(app.url(a["url"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert!(
            file.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("UTF-8''")
        );
        assert_eq!(file.bytes().await.unwrap().to_vec(), png());
        // refused: a disguised executable, a broken image, nothing at all
        let r = upload(
            &app,
            &qiye,
            &id,
            "照片.jpg",
            b"MZ\x90\x00this is not an image".to_vec(),
        )
        .await;
        assert_error(
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.file_type",
            Some("file"),
        );
        let r = upload(
            &app,
            &qiye,
            &id,
            "坏图.png",
            b"\x89PNG\r\n\x1a\nbroken".to_vec(),
        )
        .await;
        assert_error(
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.image",
            Some("file"),
        );
        let big = vec![b'%'; 21 * 1024 * 1024];
        let r = upload(&app, &qiye, &id, "大文件.pdf", big).await;
        assert_eq!(r.0, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.1);
        // the upload is in the chain; nobody outside the case sees it
        let v = app.get(&dispatcher, &format!("/api/v1/cases/{id}")).await.1;
        assert_eq!(
            v["events"].as_array().unwrap().last().unwrap()["action"],
            "attach"
        );
        assert_eq!(
            app.get(&dispatcher, &format!("/api/v1/cases/{id}/attachments"))
                .await
                .1
                .as_array()
                .unwrap()
                .len(),
            1
        );
        let other = app.login("handler_js").await;
        let r = other
            .get(app.url(a["url"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert!(
            app.store
                .verify_case_chains(None)
                .await
                .unwrap()
                .1
                .is_empty()
        );
    }
}

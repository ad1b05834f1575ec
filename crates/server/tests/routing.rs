//! Search, smart dispatch and duplicates over HTTP, on both backends.

mod common;

use common::{TestApp, assert_error};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

both_backends!(
    search_finds_chinese_words_with_highlights_within_scope,
    suggestion_gives_category_lead_unit_and_reason,
    rules_are_admin_data_with_clear_errors,
    dispatch_records_feedback_and_training_learns,
    duplicates_at_intake_and_merge_at_once,
    nightly_sweep_lists_pairs_to_merge_or_dismiss,
);

async fn file(app: &TestApp, c: &Client, body: Value) -> String {
    let (s, v) = app.post(c, "/api/v1/cases", body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["case"]["id"].as_str().unwrap().to_string()
}

async fn grid_of(app: &TestApp, street_code: &str) -> uuid::Uuid {
    app.store
        .org_units(app.zone_id)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.kind == "grid" && u.code.starts_with(street_code))
        .unwrap()
        .id
}

fn hotline(title: &str, text: &str, category: &str, grid: uuid::Uuid) -> Value {
    json!({ "channel": "hotline", "title": title, "description": text, "category_code": category,
            "person_name": "王先生", "person_phone": "13912345678", "grid_id": grid })
}

async fn search_finds_chinese_words_with_highlights_within_scope(app: TestApp) {
    let intake = app.login("intake").await;
    let g_xy = grid_of(&app, "YL-S01").await;
    let g_js = grid_of(&app, "YL-S02").await;
    let a = file(
        &app,
        &intake,
        hotline(
            "口罩厂原料告急",
            "来电人反映其公司生产医用口罩，急需熔喷布约两吨，原供应商停产，请协调对接上游企业。",
            "QY03",
            g_xy,
        ),
    )
    .await;
    file(
        &app,
        &intake,
        hotline(
            "金山路井盖缺失",
            "金山路与翠微路口井盖缺失，夜间行人容易踩空。",
            "CS01",
            g_js,
        ),
    )
    .await;
    let (s, v) = app.get(&intake, "/api/v1/cases?q=熔喷布").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{v}");
    assert_eq!(items[0]["id"], a.as_str());
    assert_eq!(items[0]["match"]["terms"], json!(["熔喷布"]));
    assert!(
        items[0]["match"]["snippet"]
            .as_str()
            .unwrap()
            .contains("熔喷布")
    );
    // an exact phone number finds the caller's cases first
    let (_, v) = app.get(&intake, "/api/v1/cases?q=13912345678").await;
    assert_eq!(v["total"], 2, "{v}");
    // a handler of 金山街道 sees only what is in its scope
    let js = app.login("handler_js").await;
    let (_, v) = app.get(&js, "/api/v1/cases?q=熔喷布").await;
    assert_eq!(v["total"], 0, "{v}");
    // sorting is checked
    let got = app.get(&intake, "/api/v1/cases?q=井盖&sort=best").await;
    assert_error(
        &got,
        StatusCode::UNPROCESSABLE_ENTITY,
        "request.invalid_query",
        Some("sort"),
    );
    let (_, v) = app.get(&intake, "/api/v1/cases?q=井盖&sort=newest").await;
    assert_eq!(v["total"], 1, "{v}");
    // enterprises by a word inside the name, highlighted
    let (s, v) = app.get(&intake, "/api/v1/enterprises?q=半导体").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|e| {
        let terms = e["match"]["terms"].as_array().unwrap();
        let name = e["name"].as_str().unwrap();
        let hay = format!("{name}{}{}", e["former_names"], e["address"]);
        terms.iter().any(|t| hay.contains(t.as_str().unwrap()))
    }));
}

async fn suggestion_gives_category_lead_unit_and_reason(app: TestApp) {
    let intake = app.login("intake").await;
    let g_xy = grid_of(&app, "YL-S01").await;
    // a city matter at a known place: the street leads (先属地后属主)
    let (s, v) = app
        .post(
            &intake,
            "/api/v1/routing/suggest",
            json!({ "text": "小区门口的路灯坏了一个多星期，晚上一片漆黑", "grid_id": g_xy }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["candidates"][0]["category"], "CS01", "{v}");
    assert_eq!(v["candidates"].as_array().unwrap().len(), 3);
    assert_eq!(v["lead_unit"]["name"], "向阳街道", "{v}");
    assert_eq!(v["lead_unit"]["rule"], "territorial");
    assert!(v["reason"].as_str().unwrap().contains("路灯"), "{v}");
    // an enterprise's business goes to the functional department
    let (_, v) = app
        .post(
            &intake,
            "/api/v1/routing/suggest",
            json!({ "text": "公司老板拖欠我们三个月工资，打电话也不接" }),
        )
        .await;
    assert_eq!(v["candidates"][0]["category"], "CS05", "{v}");
    assert_eq!(v["lead_unit"]["name"], "人社局", "{v}");
    assert_eq!(v["lead_unit"]["rule"], "category");
    // refused roles and bad input
    let handler = app.login("handler_jjfz").await;
    let got = app
        .post(
            &handler,
            "/api/v1/routing/suggest",
            json!({ "text": "路灯坏了很久" }),
        )
        .await;
    assert_error(&got, StatusCode::FORBIDDEN, "auth.forbidden", None);
    let got = app
        .post(&intake, "/api/v1/routing/suggest", json!({ "text": "  " }))
        .await;
    assert_error(
        &got,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.required",
        Some("text"),
    );
    let got = app
        .post(
            &intake,
            "/api/v1/routing/suggest",
            json!({ "text": "啊？" }),
        )
        .await;
    assert_error(
        &got,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.too_short",
        Some("text"),
    );
    let got = app
        .post(
            &intake,
            "/api/v1/routing/suggest",
            json!({ "text": "路灯坏了很久", "grid_id": uuid::Uuid::nil() }),
        )
        .await;
    assert_error(
        &got,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.grid",
        Some("grid_id"),
    );
}

async fn rules_are_admin_data_with_clear_errors(app: TestApp) {
    let admin = app.login("admin").await;
    let (s, v) = app.get(&admin, "/api/v1/routing/rules").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 24, "{v}");
    let rsj = app.unit_id("人社局").await;
    let r = admin
        .put(app.url("/api/v1/routing/rules/QY06"))
        .json(&json!({ "lead_unit_id": rsj, "territorial": false }))
        .send()
        .await
        .unwrap();
    let got = common::body(r).await;
    assert_eq!(got.0, StatusCode::OK, "{}", got.1);
    assert_eq!(got.1["lead_unit_name"], "人社局");
    let (_, v) = app
        .get(&admin, "/api/v1/audit?action=routing_rule.update")
        .await;
    assert!(v["total"].as_i64().unwrap() >= 1, "{v}");
    // a department-only rule needs its unit; unknown categories and units are named
    let put = |code: &'static str, body: Value| {
        let admin = admin.clone();
        let url = app.url(&format!("/api/v1/routing/rules/{code}"));
        async move { common::body(admin.put(url).json(&body).send().await.unwrap()).await }
    };
    assert_error(
        &put(
            "QY06",
            json!({ "lead_unit_id": null, "territorial": false }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.required",
        Some("lead_unit_id"),
    );
    assert_error(
        &put("QY", json!({ "lead_unit_id": rsj, "territorial": false })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.category",
        Some("code"),
    );
    let grid = grid_of(&app, "YL-S01").await;
    assert_error(
        &put(
            "QY06",
            json!({ "lead_unit_id": grid, "territorial": false }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unit_kind",
        Some("lead_unit_id"),
    );
    let dispatcher = app.login("dispatcher").await;
    let r = dispatcher
        .put(app.url("/api/v1/routing/rules/QY06"))
        .json(&json!({ "lead_unit_id": rsj, "territorial": false }))
        .send()
        .await
        .unwrap();
    assert_error(
        &common::body(r).await,
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        None,
    );
    let got = app
        .post(&dispatcher, "/api/v1/routing/train", json!({}))
        .await;
    assert_error(&got, StatusCode::FORBIDDEN, "auth.forbidden", None);
}

async fn dispatch_records_feedback_and_training_learns(app: TestApp) {
    let intake = app.login("intake").await;
    let dispatcher = app.login("dispatcher").await;
    let admin = app.login("admin").await;
    let g = grid_of(&app, "YL-S01").await;
    let id = file(
        &app,
        &intake,
        hotline(
            "工资拖欠",
            "来电人反映在某电子厂打工，老板拖欠三个月工资共一万二千元。",
            "CS05",
            g,
        ),
    )
    .await;
    // an operator's hotline case goes straight to dispatch
    let rsj = app.unit_id("人社局").await;
    let (s, v) = app
        .post(
            &dispatcher,
            &format!("/api/v1/cases/{id}/dispatch"),
            json!({ "lead_unit_id": rsj, "assist_unit_ids": [] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = app.get(&admin, "/api/v1/routing/model").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["version"], "builtin");
    assert_eq!(v["feedback"]["dispatches"], 1, "{v}");
    assert_eq!(v["feedback"]["category_accepted"], 1.0, "{v}");
    assert_eq!(v["feedback"]["unit_accepted"], 1.0, "{v}");
    assert!(v["heldout"]["top1"].as_f64().unwrap() >= 0.85, "{v}");
    // retraining takes in the zone's confirmed dispatches (the demo's and this one)
    let (s, v) = app.post(&admin, "/api/v1/routing/train", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_ne!(v["version"], "builtin");
    assert!(v["zone_documents"].as_u64().unwrap() >= 1, "{v}");
    assert!(v["trained_at"].as_str().unwrap().ends_with("+08:00"), "{v}");
    // the stored model serves the next suggestion
    let (_, s) = app
        .post(
            &intake,
            "/api/v1/routing/suggest",
            json!({ "text": "老板拖欠工资不给" }),
        )
        .await;
    assert_eq!(s["model_version"], v["version"], "{s}");
}

async fn duplicates_at_intake_and_merge_at_once(app: TestApp) {
    let intake = app.login("intake").await;
    let g = grid_of(&app, "YL-S01").await;
    let master = file(
        &app,
        &intake,
        hotline(
            "锦绣路井盖丢失",
            "锦绣路与文华路口东南角的井盖丢了，晚上很危险，请尽快处理。",
            "CS01",
            g,
        ),
    )
    .await;
    let text = "来电人反映锦绣路文华路路口东南角井盖缺失，行人容易掉下去";
    let (s, v) = app
        .post(
            &intake,
            "/api/v1/cases/duplicates/check",
            json!({ "text": text, "grid_id": g }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items[0]["case_id"], master.as_str(), "{v}");
    assert!(items[0]["reason"].as_str().unwrap().contains("井盖"), "{v}");
    assert!(items[0]["same_grid"].as_bool().unwrap());
    // a different matter in the same grid is not listed
    let (_, v) = app
        .post(
            &intake,
            "/api/v1/cases/duplicates/check",
            json!({ "text": "东湖路夜市油烟太大，熏得人没法开窗", "grid_id": g }),
        )
        .await;
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["case_id"] != master.as_str()),
        "{v}"
    );
    // the operator files the call and merges it at once
    let dup = file(&app, &intake, hotline("井盖缺失", text, "CS01", g)).await;
    let (s, v) = app
        .get(&intake, &format!("/api/v1/cases/{dup}/duplicates"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["items"][0]["case_id"], master.as_str(), "{v}");
    let (s, v) = app
        .post(
            &intake,
            &format!("/api/v1/cases/{dup}/merge"),
            json!({ "master_id": master }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["case"]["state"], "merged");
    // refused and bad input
    let handler = app.login("handler_xy").await;
    let got = app
        .post(
            &handler,
            "/api/v1/cases/duplicates/check",
            json!({ "text": text }),
        )
        .await;
    assert_error(&got, StatusCode::FORBIDDEN, "auth.forbidden", None);
    let got = app
        .post(
            &intake,
            "/api/v1/cases/duplicates/check",
            json!({ "text": text, "enterprise_id": uuid::Uuid::nil() }),
        )
        .await;
    assert_error(
        &got,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.enterprise",
        Some("enterprise_id"),
    );
}

async fn nightly_sweep_lists_pairs_to_merge_or_dismiss(app: TestApp) {
    let intake = app.login("intake").await;
    let g = grid_of(&app, "YL-S02").await;
    let a = file(
        &app,
        &intake,
        hotline(
            "工地夜间施工扰民",
            "明珠大道人才公寓工地每天夜里十一点以后还在浇筑混凝土，噪声太大睡不着。",
            "AQ02",
            g,
        ),
    )
    .await;
    let b = file(
        &app,
        &intake,
        hotline(
            "夜间施工噪声",
            "明珠大道人才公寓工地深夜浇筑混凝土施工，噪声扰民，请执法局夜里来查。",
            "AQ02",
            g,
        ),
    )
    .await;
    let models = jiban_server::routing::Models::default();
    let new = jiban_server::routing::sweep_duplicates(
        &app.store,
        &models,
        app.zone_id,
        time::OffsetDateTime::now_utc(),
        30,
    )
    .await
    .unwrap();
    assert!(new >= 1);
    // running it again finds nothing new
    let again = jiban_server::routing::sweep_duplicates(
        &app.store,
        &models,
        app.zone_id,
        time::OffsetDateTime::now_utc(),
        30,
    )
    .await
    .unwrap();
    assert_eq!(again, 0);
    let dispatcher = app.login("dispatcher").await;
    let (s, v) = app.get(&dispatcher, "/api/v1/duplicates").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let pair = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["case"]["id"] == b.as_str())
        .unwrap_or_else(|| panic!("{v}"))
        .clone();
    assert_eq!(pair["other"]["id"], a.as_str());
    let pid = pair["id"].as_str().unwrap();
    let (s, _) = app
        .post(
            &dispatcher,
            &format!("/api/v1/duplicates/{pid}/dismiss"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let got = app
        .post(
            &dispatcher,
            &format!("/api/v1/duplicates/{pid}/dismiss"),
            json!({}),
        )
        .await;
    assert_error(&got, StatusCode::CONFLICT, "duplicate.decided", None);
    let (_, v) = app.get(&dispatcher, "/api/v1/duplicates").await;
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != pid),
        "{v}"
    );
    let handler = app.login("handler_js").await;
    let got = app.get(&handler, "/api/v1/duplicates").await;
    assert_error(&got, StatusCode::FORBIDDEN, "auth.forbidden", None);
}

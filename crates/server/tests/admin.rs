//! Administering the org tree and the accounts, on both backends.

mod common;

use common::{TestApp, assert_error};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(
    org_tree_changes_keep_history_and_scope,
    accounts_and_permission_changes
);

async fn org_tree_changes_keep_history_and_scope(app: TestApp) {
    let c = app.login("admin").await;
    let xy = app.unit_id("向阳街道").await;
    let js = app.unit_id("金山街道").await;
    // a grid cannot sit directly under a street
    let r = app
        .post(
            &c,
            "/api/v1/org/units",
            json!({ "parent_id": xy, "kind": "grid", "name": "临时网格" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.org.kind",
        Some("kind"),
    );
    let (s, comm) = app
        .post(&c, "/api/v1/org/units", json!({ "parent_id": xy, "kind": "community", "name": "新桥社区", "code": "YL-S01-NEW" }))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{comm}");
    let comm_id = comm["id"].as_str().unwrap().to_string();
    let (s, grid) = app
        .post(
            &c,
            "/api/v1/org/units",
            json!({ "parent_id": comm_id, "kind": "grid", "name": "新桥社区第一网格" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(grid["street_id"], json!(xy));
    let r = app
        .post(
            &c,
            "/api/v1/org/units",
            json!({ "parent_id": xy, "kind": "community", "name": "重复", "code": "YL-S01-NEW" }),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "conflict.duplicate", Some("code"));

    // move a populated community of 向阳街道 to 金山街道: its enterprises follow it in every scope
    let handler_js = app.login("handler_js").await;
    let before_js = app.get(&handler_js, "/api/v1/enterprises").await.1["total"]
        .as_i64()
        .unwrap();
    let handler_xy = app.login("handler_xy").await;
    let before_xy = app.get(&handler_xy, "/api/v1/enterprises").await.1["total"]
        .as_i64()
        .unwrap();
    let units = app.store.org_units(app.zone_id).await.unwrap();
    let populated = units
        .iter()
        .filter(|u| u.kind == "community" && u.street_id == Some(xy) && u.id.to_string() != comm_id)
        .map(|u| u.id)
        .next()
        .unwrap();
    let (_, moved_list) = app
        .get(
            &c,
            &format!("/api/v1/enterprises?street_id={xy}&page_size=200"),
        )
        .await;
    let moving = units
        .iter()
        .filter(|g| g.parent_id == Some(populated))
        .map(|g| {
            moved_list["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["grid_id"] == json!(g.id))
                .count() as i64
        })
        .sum::<i64>();
    let r = app
        .patch(
            &c,
            &format!("/api/v1/org/units/{populated}"),
            json!({ "parent_id": js }),
        )
        .await;
    assert_eq!(r.0, StatusCode::OK, "{}", r.1);
    assert_eq!(
        app.get(&handler_js, "/api/v1/enterprises").await.1["total"]
            .as_i64()
            .unwrap(),
        before_js + moving
    );
    assert_eq!(
        app.get(&handler_xy, "/api/v1/enterprises").await.1["total"]
            .as_i64()
            .unwrap(),
        before_xy - moving
    );
    // cycles and wrong kinds are refused
    let grid_id = grid["id"].as_str().unwrap();
    let r = app
        .patch(
            &c,
            &format!("/api/v1/org/units/{comm_id}"),
            json!({ "parent_id": grid_id }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.org.cycle",
        Some("parent_id"),
    );
    let r = app
        .patch(
            &c,
            &format!("/api/v1/org/units/{comm_id}"),
            json!({ "parent_id": app.zone_id }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.org.kind",
        Some("parent_id"),
    );
    // deactivation: children first
    let r = app
        .patch(
            &c,
            &format!("/api/v1/org/units/{comm_id}"),
            json!({ "active": false }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.org.active_children",
        Some("active"),
    );
    assert_eq!(
        app.patch(
            &c,
            &format!("/api/v1/org/units/{grid_id}"),
            json!({ "active": false })
        )
        .await
        .0,
        StatusCode::OK
    );
    let (s, u) = app
        .patch(
            &c,
            &format!("/api/v1/org/units/{comm_id}"),
            json!({ "active": false, "name": "新桥社区（撤并）" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(u["active"], false);
    let r = app
        .post(
            &c,
            "/api/v1/org/units",
            json!({ "parent_id": comm_id, "kind": "grid", "name": "不可新增" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.parent_inactive",
        Some("parent_id"),
    );
    let r = app
        .patch(
            &c,
            &format!("/api/v1/org/units/{}", app.zone_id),
            json!({ "active": false }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.org.zone",
        Some("active"),
    );
    // the history of each change is kept
    let (_, hist) = app
        .get(&c, &format!("/api/v1/org/units/{populated}/history"))
        .await;
    assert_eq!(hist[0]["action"], "org.move");
    assert_eq!(hist[0]["detail"]["to_parent_name"], "金山街道");
    let (_, hist) = app
        .get(&c, &format!("/api/v1/org/units/{comm_id}/history"))
        .await;
    let actions: Vec<_> = hist
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["org.deactivate", "org.update", "org.create"]);
    // the deactivated unit is still listed (greyed in the UI), with its id
    let (_, all) = app.get(&c, "/api/v1/org/units").await;
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == json!(comm_id) && u["active"] == false)
    );
}

async fn accounts_and_permission_changes(app: TestApp) {
    let c = app.login("admin").await;
    let xy = app.unit_id("向阳街道").await;
    let js = app.unit_id("金山街道").await;
    let new_user = json!({ "username": "wangwu", "display_name": "王五", "password": "Start2025go",
                           "role": "handler", "org_unit_id": xy, "phone": "13912345678" });
    let (s, u) = app.post(&c, "/api/v1/users", new_user.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    assert_eq!(u["phone"], "139****5678");
    assert_eq!(u["role_name"], "承办人");
    let id = u["id"].as_str().unwrap().to_string();
    assert_error(
        &app.post(&c, "/api/v1/users", new_user.clone()).await,
        StatusCode::CONFLICT,
        "conflict.duplicate",
        Some("username"),
    );
    let mut weak = new_user.clone();
    weak["username"] = json!("zhaoliu");
    weak["password"] = json!("12345678");
    assert_eq!(
        app.post(&c, "/api/v1/users", weak).await.1["field"],
        "password"
    );
    let mut ent = new_user.clone();
    ent["username"] = json!("qiye2");
    ent["role"] = json!("enterprise");
    assert_error(
        &app.post(&c, "/api/v1/users", ent).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.required",
        Some("enterprise_id"),
    );
    let mut bad_phone = new_user.clone();
    bad_phone["username"] = json!("sunqi");
    bad_phone["phone"] = json!("12345");
    assert_eq!(
        app.post(&c, "/api/v1/users", bad_phone).await.1["field"],
        "phone"
    );

    // the new account works and sees its street
    let w = common::client();
    let r = app
        .post(
            &w,
            "/api/v1/auth/login",
            json!({ "username": "wangwu", "password": "Start2025go" }),
        )
        .await;
    assert_eq!(r.0, StatusCode::OK, "{}", r.1);
    let me = app.get(&w, "/api/v1/auth/me").await.1;
    assert_eq!(me["must_change_password"], true);
    // a permission change (unit moved) ends its sessions and is audited with before/after
    let r = app
        .patch(
            &c,
            &format!("/api/v1/users/{id}"),
            json!({ "org_unit_id": js }),
        )
        .await;
    assert_eq!(r.0, StatusCode::OK, "{}", r.1);
    assert_eq!(r.1["org_unit_name"], "金山街道");
    assert_error(
        &app.get(&w, "/api/v1/auth/me").await,
        StatusCode::UNAUTHORIZED,
        "auth.unauthenticated",
        None,
    );
    let (_, audit) = app.get(&c, &format!("/api/v1/audit?target_id={id}")).await;
    let ev = &audit["items"][0];
    assert_eq!(ev["action"], "user.permission_change");
    assert_eq!(ev["detail"]["before"]["org_unit_id"], json!(xy));
    assert_eq!(ev["detail"]["after"]["org_unit_id"], json!(js));
    assert!(ev["actor_name"].as_str().unwrap().contains("admin"));
    // a name change alone is not a permission change
    let r = app
        .patch(
            &c,
            &format!("/api/v1/users/{id}"),
            json!({ "display_name": "王五一" }),
        )
        .await;
    assert_eq!(r.0, StatusCode::OK);
    let (_, audit) = app.get(&c, &format!("/api/v1/audit?target_id={id}")).await;
    assert_eq!(audit["items"][0]["action"], "user.update");
    // disabled accounts cannot sign in
    app.patch(
        &c,
        &format!("/api/v1/users/{id}"),
        json!({ "active": false }),
    )
    .await;
    let r = app
        .post(
            &common::client(),
            "/api/v1/auth/login",
            json!({ "username": "wangwu", "password": "Start2025go" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNAUTHORIZED,
        "auth.invalid_credentials",
        None,
    );
    // an administrator cannot lock themself out
    let (_, me) = app.get(&c, "/api/v1/auth/me").await;
    let r = app
        .patch(
            &c,
            &format!("/api/v1/users/{}", me["id"].as_str().unwrap()),
            json!({ "role": "leader" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.user.self",
        Some("role"),
    );
    // filters
    let (_, l) = app.get(&c, "/api/v1/users?role=grid_worker").await;
    assert!(
        l["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["role"] == "grid_worker")
    );
    let r = app.get(&c, "/api/v1/users?role=boss").await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unknown_value",
        Some("role"),
    );
}

//! The storage contract: every test here runs against SQLite and against PostgreSQL.

use jiban_store::audit::{Actor, AuditFilter, NewAudit};
use jiban_store::cases::{CaseFilter, CaseOrder, CaseVisibility, NewCase};
use jiban_store::enterprises::{EnterpriseFilter, NewEnterprise, Visibility};
use jiban_store::org::{NewOrgUnit, OrgUnitRow};
use jiban_store::users::{NewUser, UserFilter};
use jiban_store::{Backend, Page, Store, StoreError};
use serde_json::json;
use time::Duration;

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() {
                let store = jiban_store::testing::fresh_store(jiban_store::Backend::Sqlite).await.unwrap();
                super::$name(store).await;
            } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() {
                if let Some(store) = jiban_store::testing::fresh_store(jiban_store::Backend::Postgres).await {
                    super::$name(store).await;
                }
            } )*
        }
    };
}

contract!(
    migrations_are_idempotent,
    org_tree_paths_and_moves,
    unique_violations_name_the_field,
    users_round_trip_and_lockout,
    sessions_expire_and_tokens_revoke,
    enterprise_visibility_bounds_every_read,
    audit_is_written_in_the_transaction,
    rolled_back_transactions_leave_nothing,
    leases_have_one_holder,
    search_finds_words_inside_text_within_scope,
    search_follows_updates_and_deletes,
);

struct Tree {
    zone: OrgUnitRow,
    street_a: OrgUnitRow,
    street_b: OrgUnitRow,
    comm_a: OrgUnitRow,
    grid_a: OrgUnitRow,
    grid_b: OrgUnitRow,
    dept: OrgUnitRow,
}

async fn unit(
    tx: &mut jiban_store::Tx,
    parent: Option<&OrgUnitRow>,
    kind: &str,
    name: &str,
    code: &str,
) -> OrgUnitRow {
    tx.insert_org_unit(NewOrgUnit {
        parent,
        kind,
        name,
        code,
        sort_order: 0,
    })
    .await
    .unwrap()
}

async fn tree(store: &Store) -> Tree {
    let mut tx = store.begin().await.unwrap();
    let zone = unit(&mut tx, None, "zone", "测试经开区", "Z").await;
    let dept = unit(&mut tx, Some(&zone), "department", "经济发展部", "Z-D1").await;
    let street_a = unit(&mut tx, Some(&zone), "street", "向阳街道", "Z-S1").await;
    let street_b = unit(&mut tx, Some(&zone), "street", "金山街道", "Z-S2").await;
    let comm_a = unit(&mut tx, Some(&street_a), "community", "向阳社区", "Z-S1-C1").await;
    let comm_b = unit(&mut tx, Some(&street_b), "community", "金山社区", "Z-S2-C1").await;
    let grid_a = unit(&mut tx, Some(&comm_a), "grid", "向阳第一网格", "Z-S1-C1-G1").await;
    let grid_b = unit(&mut tx, Some(&comm_b), "grid", "金山第一网格", "Z-S2-C1-G1").await;
    tx.commit().await.unwrap();
    Tree {
        zone,
        street_a,
        street_b,
        comm_a,
        grid_a,
        grid_b,
        dept,
    }
}

fn enterprise(zone: &OrgUnitRow, grid: &OrgUnitRow, uscc: &str, name: &str) -> NewEnterprise {
    NewEnterprise {
        zone_id: zone.id,
        uscc: uscc.into(),
        name: name.into(),
        former_names: vec!["旧名称有限公司".into()],
        legal_rep: "张三".into(),
        registered_capital_wan: Some(500.0),
        founded_on: Some(time::macros::date!(2015 - 06 - 01)),
        address: "锦绣路1号".into(),
        grid_id: Some(grid.id),
        industry_code: "C38".into(),
        employees: Some(120),
        revenue_wan: Some(8000.0),
        assets_wan: Some(6000.0),
        size_class: "medium".into(),
        tags: vec!["高新技术企业".into()],
        contact_name: "李四".into(),
        contact_phone: "13800138000".into(),
        lon: Some(117.3),
        lat: Some(31.8),
        uscc_exception: None,
        service_staff_id: None,
        revenue_last_year_wan: None,
        rd_spend_wan: None,
    }
}

/// A database from before the dashboard's rollups (migration 8) that already holds cases has them
/// counted when it is migrated.
async fn upgrade_counts_the_existing_cases(backend: Backend) {
    let Some(url) = jiban_store::testing::fresh_url(backend).await else {
        return;
    };
    let store = Store::connect_without_migrating(&url, &Default::default())
        .await
        .unwrap();
    jiban_store::testing::migrate_to(&store, 7).await.unwrap();
    let t = tree(&store).await;
    let mut tx = store.begin().await.unwrap();
    let intake = tx
        .insert_user(new_user(&t, "intake", &t.dept))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let now = jiban_store::now();
    for (i, state) in ["filed", "handling", "closed"].into_iter().enumerate() {
        jiban_store::with_pool!(store, |p| {
            sqlx::query(
                "INSERT INTO cases (id, zone_id, case_no, channel, state, title, description, category_code, urgency, \
                 grid_id, filed_by, created_at, updated_at, closed_at) \
                 VALUES ($1, $2, $3, 'hotline', $4, '路灯不亮', '锦绣路路灯连续三晚不亮。', 'CS01', 'normal', $5, $6, $7, $7, $8)",
            )
            .bind(jiban_store::new_id())
            .bind(t.zone.id)
            .bind(format!("Z-20261207-{i:04}"))
            .bind(state)
            .bind(t.grid_a.id)
            .bind(intake)
            .bind(now)
            .bind((state == "closed").then_some(now))
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })
        .unwrap();
    }

    store.migrate().await.unwrap();
    let (rows, live) = store.rollup_rows(t.zone.id).await.unwrap();
    let month = jiban_store::assessment::month_bucket(
        now.to_offset(time::macros::offset!(+8)).year(),
        now.to_offset(time::macros::offset!(+8)).month() as u8,
    );
    let zone_month = rows
        .iter()
        .find(|r| r.bucket == month && r.dim == "*")
        .expect("this month's row");
    assert_eq!((zone_month.received, zone_month.closed), (3, 1));
    let open = live.iter().find(|r| r.dim == "*").expect("the live row");
    assert_eq!((open.open, open.overdue), (2, 0));
    assert_eq!(store.check_rollups(t.zone.id).await.unwrap(), (3, vec![]));
    // migrating again counts nothing twice
    store.migrate().await.unwrap();
    assert_eq!(store.rollup_rows(t.zone.id).await.unwrap(), (rows, live));
}

#[tokio::test]
async fn upgrade_counts_the_existing_cases_sqlite() {
    upgrade_counts_the_existing_cases(Backend::Sqlite).await;
}

#[tokio::test]
async fn upgrade_counts_the_existing_cases_postgres() {
    upgrade_counts_the_existing_cases(Backend::Postgres).await;
}

async fn migrations_are_idempotent(store: Store) {
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
}

async fn org_tree_paths_and_moves(store: Store) {
    let t = tree(&store).await;
    assert_eq!(t.grid_a.street_id, Some(t.street_a.id));
    assert!(t.grid_a.path.starts_with(&t.street_a.path));
    assert_eq!(t.dept.street_id, None);
    // move the community (with its grid) from street A to street B
    let mut tx = store.begin().await.unwrap();
    tx.move_org_unit(&t.comm_a, &t.street_b).await.unwrap();
    tx.commit().await.unwrap();
    let grid = store.org_unit(t.grid_a.id).await.unwrap().unwrap();
    assert!(grid.path.starts_with(&t.street_b.path), "{}", grid.path);
    assert_eq!(grid.street_id, Some(t.street_b.id));
    let comm = store.org_unit(t.comm_a.id).await.unwrap().unwrap();
    assert_eq!(comm.parent_id, Some(t.street_b.id));
    // deactivate keeps the row and its id
    let mut tx = store.begin().await.unwrap();
    tx.update_org_unit(t.grid_b.id, "金山第一网格（撤并）", 3, false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let all = store.org_units(t.zone.id).await.unwrap();
    assert_eq!(all.len(), 8);
    let g = all.iter().find(|u| u.id == t.grid_b.id).unwrap();
    assert!(!g.active);
    assert_eq!(g.sort_order, 3);
    assert_eq!(all[0].id, t.zone.id, "parents come first");
    assert_eq!(store.zones().await.unwrap().len(), 1);
    assert_eq!(
        store
            .org_unit_by_code(t.zone.id, "Z-S2")
            .await
            .unwrap()
            .unwrap()
            .id,
        t.street_b.id
    );
}

async fn unique_violations_name_the_field(store: Store) {
    let t = tree(&store).await;
    let mut tx = store.begin().await.unwrap();
    let err = tx
        .insert_org_unit(NewOrgUnit {
            parent: Some(&t.zone),
            kind: "department",
            name: "重复",
            code: "Z-D1",
            sort_order: 0,
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Duplicate { field } if field == "code"),
        "{err:?}"
    );
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    tx.insert_enterprises(&[enterprise(
        &t.zone,
        &t.grid_a,
        "91330100716105852F",
        "甲公司",
    )])
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let err = tx
        .insert_enterprises(&[enterprise(
            &t.zone,
            &t.grid_a,
            "91330100716105852F",
            "乙公司",
        )])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Duplicate { field } if field == "uscc"),
        "{err:?}"
    );
}

fn new_user<'a>(t: &'a Tree, username: &'a str, unit: &'a OrgUnitRow) -> NewUser<'a> {
    NewUser {
        zone_id: t.zone.id,
        username,
        display_name: "测试用户",
        password_hash: "$argon2id$dummy",
        role: "handler",
        org_unit_id: unit.id,
        enterprise_id: None,
        phone: Some("13800138000"),
        must_change_password: false,
    }
}

async fn users_round_trip_and_lockout(store: Store) {
    let t = tree(&store).await;
    let mut tx = store.begin().await.unwrap();
    let id = tx
        .insert_user(new_user(&t, "handler_a", &t.street_a))
        .await
        .unwrap();
    tx.insert_user(new_user(&t, "handler_b", &t.street_b))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let u = store.user_by_username("handler_a").await.unwrap().unwrap();
    assert_eq!(u.id, id);
    assert_eq!(u.org_unit_name, "向阳街道");
    assert_eq!(u.org_unit_path, t.street_a.path);
    let mut tx = store.begin().await.unwrap();
    let err = tx
        .insert_user(new_user(&t, "handler_a", &t.street_a))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Duplicate { field } if field == "username"),
        "{err:?}"
    );
    drop(tx);

    let (rows, total) = store
        .list_users(
            t.zone.id,
            &UserFilter {
                q: Some("_b".into()),
                ..Default::default()
            },
            Page::new(None, None),
        )
        .await
        .unwrap();
    assert_eq!(total, 1, "underscore is matched literally");
    assert_eq!(rows[0].username, "handler_b");
    let (_, total) = store
        .list_users(
            t.zone.id,
            &UserFilter::default(),
            Page::new(Some(1), Some(1)),
        )
        .await
        .unwrap();
    assert_eq!(total, 2);
    assert_eq!(store.count_users(t.zone.id).await.unwrap(), 2);

    let until = jiban_store::now() + Duration::minutes(15);
    for expected in 1..=2 {
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            tx.record_login_failure(id, 3, until).await.unwrap(),
            expected
        );
        tx.commit().await.unwrap();
    }
    assert!(
        store
            .user_by_id(id)
            .await
            .unwrap()
            .unwrap()
            .locked_until
            .is_none()
    );
    let mut tx = store.begin().await.unwrap();
    tx.record_login_failure(id, 3, until).await.unwrap();
    tx.commit().await.unwrap();
    let locked = store.user_by_id(id).await.unwrap().unwrap();
    assert_eq!(locked.locked_until, Some(jiban_store::ts(until)));
    let mut tx = store.begin().await.unwrap();
    tx.set_password(id, "$argon2id$new", true).await.unwrap();
    tx.commit().await.unwrap();
    let u = store.user_by_id(id).await.unwrap().unwrap();
    assert!(
        u.locked_until.is_none() && u.must_change_password && u.password_hash == "$argon2id$new"
    );
}

async fn sessions_expire_and_tokens_revoke(store: Store) {
    let t = tree(&store).await;
    let mut tx = store.begin().await.unwrap();
    let uid = tx.insert_user(new_user(&t, "u1", &t.zone)).await.unwrap();
    let now = jiban_store::now();
    tx.insert_session(
        "live",
        uid,
        t.zone.id,
        now + Duration::hours(1),
        Some("127.0.0.1"),
        None,
    )
    .await
    .unwrap();
    tx.insert_session(
        "old",
        uid,
        t.zone.id,
        now - Duration::seconds(1),
        None,
        None,
    )
    .await
    .unwrap();
    let tok = tx
        .insert_token(t.zone.id, uid, "对接", "abcd1234", "hash1", None)
        .await
        .unwrap();
    tx.insert_token(
        t.zone.id,
        uid,
        "过期",
        "efgh5678",
        "hash2",
        Some(now - Duration::days(1)),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    assert!(store.live_session("live", now).await.unwrap().is_some());
    assert!(store.live_session("old", now).await.unwrap().is_none());
    assert!(store.session_exists("old").await.unwrap());
    assert!(!store.session_exists("never").await.unwrap());
    store
        .touch_session("live", now + Duration::hours(8))
        .await
        .unwrap();
    assert_eq!(
        store
            .live_session("live", now)
            .await
            .unwrap()
            .unwrap()
            .expires_at,
        jiban_store::ts(now + Duration::hours(8))
    );

    assert_eq!(
        store.token_by_hash("hash1", now).await.unwrap().unwrap().id,
        tok.id
    );
    assert!(
        store.token_by_hash("hash2", now).await.unwrap().is_none(),
        "expired token"
    );
    let mut tx = store.begin().await.unwrap();
    assert!(tx.revoke_token(uid, tok.id).await.unwrap());
    assert!(!tx.revoke_token(uid, tok.id).await.unwrap());
    assert_eq!(tx.delete_sessions_of(uid, Some("live")).await.unwrap(), 1);
    tx.commit().await.unwrap();
    assert!(store.token_by_hash("hash1", now).await.unwrap().is_none());
    assert!(
        store.live_session("live", now).await.unwrap().is_some(),
        "kept session"
    );
    assert_eq!(
        store
            .purge_expired(now + Duration::days(1), now)
            .await
            .unwrap(),
        1
    );
}

async fn enterprise_visibility_bounds_every_read(store: Store) {
    let t = tree(&store).await;
    let mut tx = store.begin().await.unwrap();
    let ids = tx
        .insert_enterprises(&[
            enterprise(
                &t.zone,
                &t.grid_a,
                "91330100716105852F",
                "向阳熔喷布科技有限公司",
            ),
            enterprise(&t.zone, &t.grid_b, "9144030071526726XG", "金山物流有限公司"),
        ])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let all = Page::new(None, None);
    let none = EnterpriseFilter::default();
    let (rows, total) = store
        .list_enterprises(t.zone.id, &Visibility::Zone, &none, all)
        .await
        .unwrap();
    assert_eq!((rows.len(), total), (2, 2));
    let street_a = Visibility::Subtree {
        path_prefix: t.street_a.path.clone(),
    };
    let (rows, total) = store
        .list_enterprises(t.zone.id, &street_a, &none, all)
        .await
        .unwrap();
    assert_eq!(total, 1);
    assert_eq!(rows[0].street_name.as_deref(), Some("向阳街道"));
    assert_eq!(rows[0].grid_name.as_deref(), Some("向阳第一网格"));
    assert_eq!(rows[0].tags.0, vec!["高新技术企业".to_string()]);
    assert!(
        store
            .enterprise(t.zone.id, &street_a, ids[1])
            .await
            .unwrap()
            .is_none(),
        "other street"
    );
    assert!(
        store
            .enterprise(t.zone.id, &street_a, ids[0])
            .await
            .unwrap()
            .is_some()
    );
    let own = Visibility::Enterprise(ids[1]);
    let (rows, _) = store
        .list_enterprises(t.zone.id, &own, &none, all)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, ids[1]);
    // filters: name part, credit code part (case-insensitive), street
    let by = |q: &str| EnterpriseFilter {
        q: Some(q.into()),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_enterprises(t.zone.id, &Visibility::Zone, &by("熔喷布"), all)
            .await
            .unwrap()
            .1,
        1
    );
    assert_eq!(
        store
            .list_enterprises(t.zone.id, &Visibility::Zone, &by("26726xg"), all)
            .await
            .unwrap()
            .1,
        1
    );
    assert_eq!(
        store
            .list_enterprises(t.zone.id, &street_a, &by("金山"), all)
            .await
            .unwrap()
            .1,
        0
    );
    let f = EnterpriseFilter {
        street_id: Some(t.street_b.id),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_enterprises(t.zone.id, &Visibility::Zone, &f, all)
            .await
            .unwrap()
            .1,
        1
    );
    // another zone sees nothing
    assert_eq!(
        store
            .list_enterprises(t.street_a.id, &Visibility::Zone, &none, all)
            .await
            .unwrap()
            .1,
        0
    );
    let by_street = store
        .enterprises_by_street(t.zone.id, &Visibility::Zone)
        .await
        .unwrap();
    assert_eq!(by_street.iter().map(|c| c.count).sum::<i64>(), 2);
    let by_size = store
        .enterprises_by_size(t.zone.id, &street_a)
        .await
        .unwrap();
    assert_eq!(by_size.len(), 1);
    assert_eq!(by_size[0].count, 1);
    assert!(
        store
            .enterprise_by_uscc(t.zone.id, "91330100716105852F")
            .await
            .unwrap()
            .is_some()
    );
}

async fn audit_is_written_in_the_transaction(store: Store) {
    let t = tree(&store).await;
    let actor = Actor {
        name: Some("测试".into()),
        ip: Some("127.0.0.1".into()),
        ..Default::default()
    };
    let mut tx = store.begin().await.unwrap();
    for action in ["org.create", "org.move", "org.create"] {
        tx.audit(
            &actor,
            NewAudit {
                zone_id: t.zone.id,
                action,
                target_type: "org_unit",
                target_id: Some(t.grid_a.id),
                detail: json!({ "名称": "向阳第一网格", "n": 1 }),
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let f = AuditFilter {
        action: Some("org.create".into()),
        ..Default::default()
    };
    let (rows, total) = store
        .list_audit(t.zone.id, &f, Page::new(None, None))
        .await
        .unwrap();
    assert_eq!(total, 2);
    assert_eq!(rows[0].detail.0["名称"], "向阳第一网格");
    assert!(rows[0].id > rows[1].id, "newest first");
    let f = AuditFilter {
        target_id: Some(t.grid_a.id),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_audit(t.zone.id, &f, Page::new(None, None))
            .await
            .unwrap()
            .1,
        3
    );
}

async fn rolled_back_transactions_leave_nothing(store: Store) {
    let t = tree(&store).await;
    {
        let mut tx = store.begin().await.unwrap();
        tx.insert_user(new_user(&t, "ghost", &t.zone))
            .await
            .unwrap();
        tx.audit(
            &Actor::default(),
            NewAudit {
                zone_id: t.zone.id,
                action: "user.create",
                target_type: "user",
                target_id: None,
                detail: json!({}),
            },
        )
        .await
        .unwrap();
        // dropped without commit
    }
    assert!(store.user_by_username("ghost").await.unwrap().is_none());
    assert_eq!(
        store
            .list_audit(t.zone.id, &AuditFilter::default(), Page::new(None, None))
            .await
            .unwrap()
            .1,
        0
    );
    assert_eq!(
        store.backend() == Backend::Sqlite,
        matches!(store.pool(), jiban_store::DbPool::Sqlite(_))
    );
}

async fn leases_have_one_holder(store: Store) {
    let ttl = Duration::minutes(5);
    assert!(store.try_lease("sweep", "node-a", ttl).await.unwrap());
    assert!(!store.try_lease("sweep", "node-b", ttl).await.unwrap());
    assert!(
        store.try_lease("sweep", "node-a", ttl).await.unwrap(),
        "renewal by the holder"
    );
    assert!(store.try_lease("other", "node-b", ttl).await.unwrap());
    assert!(
        store
            .try_lease("expired", "node-a", Duration::minutes(-1))
            .await
            .unwrap()
    );
    assert!(
        store.try_lease("expired", "node-b", ttl).await.unwrap(),
        "an expired lease is taken over"
    );
}

fn new_case(t: &Tree, filed_by: uuid::Uuid, no: &str, title: &str, text: &str) -> NewCase {
    NewCase {
        zone_id: t.zone.id,
        case_no: no.into(),
        channel: "hotline".into(),
        state: "filed".into(),
        title: title.into(),
        description: text.into(),
        category_code: "QY03".into(),
        urgency: "normal".into(),
        enterprise_id: None,
        person_name: Some("王先生".into()),
        person_phone: Some(format!("1390000{}", &no[no.len() - 4..])),
        address: None,
        grid_id: Some(t.grid_a.id),
        lon: None,
        lat: None,
        expected_outcome: None,
        submitter_id: None,
        filed_by,
        idempotency_key: None,
    }
}

async fn search_cases(store: &Store, t: &Tree, vis: &CaseVisibility, q: &str) -> Vec<String> {
    let f = CaseFilter {
        q: Some(q.into()),
        ..Default::default()
    };
    let (rows, total) = store
        .list_cases(
            t.zone.id,
            vis,
            &f,
            CaseOrder::Relevance,
            Page::new(None, None),
        )
        .await
        .unwrap();
    assert_eq!(rows.len() as i64, total, "{q}");
    rows.into_iter().map(|r| r.case_no).collect()
}

async fn search_finds_words_inside_text_within_scope(store: Store) {
    let t = tree(&store).await;
    let mut tx = store.begin().await.unwrap();
    let user = tx
        .insert_user(new_user(&t, "intake1", &t.zone))
        .await
        .unwrap();
    tx.insert_case(&new_case(
        &t,
        user,
        "JB20261125-0001",
        "原料断供",
        "我公司生产口罩急需熔喷布，原供应商停产，请帮忙对接上游企业",
    ))
    .await
    .unwrap();
    tx.insert_case(&new_case(
        &t,
        user,
        "JB20261125-0002",
        "熔喷布供应",
        "熔喷布采购渠道咨询",
    ))
    .await
    .unwrap();
    let mut other = new_case(&t, user, "JB20261125-0003", "路灯不亮", "锦绣路路灯坏了");
    other.grid_id = Some(t.grid_b.id);
    tx.insert_case(&other).await.unwrap();
    tx.commit().await.unwrap();

    // a word inside a sentence; the title match ranks first
    let zone = CaseVisibility::Zone;
    assert_eq!(
        search_cases(&store, &t, &zone, "熔喷布").await,
        ["JB20261125-0002", "JB20261125-0001"]
    );
    // every word must match; a word that appears nowhere finds nothing
    assert_eq!(
        search_cases(&store, &t, &zone, "熔喷布 上游").await,
        ["JB20261125-0001"]
    );
    assert!(search_cases(&store, &t, &zone, "退税").await.is_empty());
    assert!(search_cases(&store, &t, &zone, "，的").await.is_empty());
    // identifiers match exactly
    assert_eq!(
        search_cases(&store, &t, &zone, "JB20261125-0003").await,
        ["JB20261125-0003"]
    );
    assert_eq!(
        search_cases(&store, &t, &zone, "13900000002").await,
        ["JB20261125-0002"]
    );
    // the caller's data scope holds: street B sees only its own case
    let street_b = CaseVisibility::Units {
        path_prefix: t.street_b.path.clone(),
        user: uuid::Uuid::nil(),
    };
    assert!(
        search_cases(&store, &t, &street_b, "熔喷布")
            .await
            .is_empty()
    );
    assert_eq!(
        search_cases(&store, &t, &street_b, "路灯").await,
        ["JB20261125-0003"]
    );
    // search combines with the other filters
    let f = CaseFilter {
        q: Some("熔喷布".into()),
        street_id: Some(t.street_b.id),
        ..Default::default()
    };
    let (rows, _) = store
        .list_cases(
            t.zone.id,
            &zone,
            &f,
            CaseOrder::Newest,
            Page::new(None, None),
        )
        .await
        .unwrap();
    assert!(rows.is_empty());
}

async fn search_follows_updates_and_deletes(store: Store) {
    let t = tree(&store).await;
    let mut tx = store.begin().await.unwrap();
    let user = tx
        .insert_user(new_user(&t, "intake1", &t.zone))
        .await
        .unwrap();
    let id = tx
        .insert_case(&new_case(
            &t,
            user,
            "JB20261125-0001",
            "用电",
            "厂区需要用电增容",
        ))
        .await
        .unwrap();
    let ids = tx
        .insert_enterprises(&[enterprise(
            &t.zone,
            &t.grid_a,
            "91330100716105852F",
            "向阳熔喷布科技有限公司",
        )])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let zone = CaseVisibility::Zone;
    assert!(search_cases(&store, &t, &zone, "变压器").await.is_empty());

    // a reply becomes searchable in the transaction that saves it
    let mut tx = store.begin().await.unwrap();
    let case = tx.lock_case(t.zone.id, id).await.unwrap();
    let now = time::OffsetDateTime::now_utc();
    tx.insert_assignment(&case, t.dept.id, "lead", None, now, now)
        .await
        .unwrap();
    let mut a = tx.assignments(id).await.unwrap().remove(0);
    a.reply = Some("已协调供电公司更换变压器".into());
    tx.save_assignment(&a).await.unwrap();
    // not visible from outside until commit (SQLite serialises writers, so only read after)
    tx.commit().await.unwrap();
    assert_eq!(
        search_cases(&store, &t, &zone, "变压器").await,
        ["JB20261125-0001"]
    );
    // a rolled-back reply leaves the index as it was
    let mut tx = store.begin().await.unwrap();
    a.reply = Some("改为安装光伏组件".into());
    tx.save_assignment(&a).await.unwrap();
    tx.rollback().await.unwrap();
    assert!(search_cases(&store, &t, &zone, "光伏组件").await.is_empty());
    assert_eq!(search_cases(&store, &t, &zone, "变压器").await.len(), 1);
    // a changed reply replaces the old words
    let mut tx = store.begin().await.unwrap();
    a.reply = Some("改为安装光伏组件".into());
    tx.save_assignment(&a).await.unwrap();
    tx.commit().await.unwrap();
    assert!(search_cases(&store, &t, &zone, "变压器").await.is_empty());
    assert_eq!(search_cases(&store, &t, &zone, "光伏组件").await.len(), 1);

    // enterprises: a rename keeps the old name findable as a former name
    let find = |q: &'static str| {
        let store = store.clone();
        let zone_id = t.zone.id;
        async move {
            let f = EnterpriseFilter {
                q: Some(q.into()),
                ..Default::default()
            };
            let (rows, _) = store
                .list_enterprises(zone_id, &Visibility::Zone, &f, Page::new(None, None))
                .await
                .unwrap();
            rows.into_iter().map(|r| r.name).collect::<Vec<_>>()
        }
    };
    assert_eq!(find("熔喷布").await, ["向阳熔喷布科技有限公司"]);
    assert_eq!(find("91330100716105852F").await, ["向阳熔喷布科技有限公司"]);
    let mut e = store
        .enterprise(t.zone.id, &Visibility::Zone, ids[0])
        .await
        .unwrap()
        .unwrap();
    e.former_names.0.push(e.name.clone());
    e.name = "云岭新材料股份有限公司".into();
    let mut tx = store.begin().await.unwrap();
    tx.save_enterprise(&e).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(find("新材料").await, ["云岭新材料股份有限公司"]);
    assert_eq!(find("熔喷布").await, ["云岭新材料股份有限公司"]);
    // a deleted enterprise is gone from the index
    let mut tx = store.begin().await.unwrap();
    tx.delete_enterprise(ids[0]).await.unwrap();
    tx.commit().await.unwrap();
    assert!(find("新材料").await.is_empty());
    assert!(find("91330100716105852F").await.is_empty());

    // reindex rebuilds the same answers
    let mut seen = Vec::new();
    let n = store
        .reindex(jiban_store::search::SearchKind::Cases, 10, |d, t| {
            seen.push((d, t))
        })
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(seen.last(), Some(&(1, 1)));
    assert_eq!(search_cases(&store, &t, &zone, "光伏组件").await.len(), 1);
}

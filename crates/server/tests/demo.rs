//! The full demo zone loads on both backends, with cases in every stage and intact chains.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_demo_on_sqlite() {
    full_demo(jiban_store::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_demo_on_postgres() {
    full_demo(jiban_store::Backend::Postgres).await;
}

async fn full_demo(backend: jiban_store::Backend) {
    let Some(store) = jiban_store::testing::fresh_store(backend).await else {
        return;
    };
    let s = jiban_server::demo::load(&store).await.unwrap();
    assert_eq!(s.enterprises, 5000);
    assert!(s.units >= 1 + 10 + 3 + 12 + 40);
    assert_eq!(s.cases, 25);
    use jiban_store::cases::{CaseFilter, CaseOrder, CaseVisibility};
    let (_, total) = store
        .list_cases(
            s.zone_id,
            &CaseVisibility::Zone,
            &CaseFilter::default(),
            CaseOrder::Newest,
            jiban_store::Page::new(None, None),
        )
        .await
        .unwrap();
    // the demo cases, one 走访 task per early warning of the operating data, and the handled
    // cases of the past weeks that the assessment's snapshots and letters were taken from
    assert!(s.warnings >= 10, "{}", s.warnings);
    let (history, snapshots, letters) = s.history;
    assert!(history >= 500, "{history} historic cases");
    assert!(
        snapshots >= 5 && letters >= 1,
        "{snapshots} snapshots, {letters} letters"
    );
    assert_eq!(total, (25 + s.warnings + history) as i64);
    let counts = store.band_counts(s.zone_id).await.unwrap();
    for band in ["green", "blue", "yellow", "red"] {
        assert!(
            counts.iter().any(|c| c.band.as_deref() == Some(band)),
            "no enterprise is {band}"
        );
    }
    assert!(store.zone_geo(s.zone_id).await.unwrap().is_some());
    let states = store
        .case_state_counts(s.zone_id, &CaseVisibility::Zone)
        .await
        .unwrap();
    for want in [
        "submitted",
        "pending_dispatch",
        "dispatched",
        "handling",
        "replied",
        "pending_rating",
        "closed",
    ] {
        assert!(
            states.iter().any(|(st, n)| st == want && *n > 0),
            "no demo case is {want}: {states:?}"
        );
    }
    let (checked, breaks) = store.verify_case_chains(None).await.unwrap();
    assert_eq!((checked, breaks.len()), (25 + s.warnings + history, 0));
    // loading twice is refused (the zone code is taken) and changes nothing
    assert!(jiban_server::demo::load(&store).await.is_err());
    assert_eq!(store.zones().await.unwrap().len(), 1);
}

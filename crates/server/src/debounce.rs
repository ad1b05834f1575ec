//! Work that may be asked for many times in a row (values arriving one by one, an import, a
//! series of edits) but only needs to run once shortly after: one pending run per (kind, zone)
//! on this node.

use std::collections::HashSet;
use std::future::Future;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;
use uuid::Uuid;

static PENDING: LazyLock<Mutex<HashSet<(&'static str, Uuid)>>> = LazyLock::new(Default::default);

/// Runs `work` on a background task `delay` from now, unless a run of the same kind for the
/// same zone is already pending (then this call is absorbed by it).
pub fn soon<F, Fut>(kind: &'static str, zone_id: Uuid, delay: Duration, work: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    if !PENDING
        .lock()
        .map(|mut p| p.insert((kind, zone_id)))
        .unwrap_or(false)
    {
        return;
    }
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        if let Ok(mut p) = PENDING.lock() {
            p.remove(&(kind, zone_id));
        }
        work().await;
    });
}

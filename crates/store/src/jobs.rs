//! Leases for scheduled jobs, so that with several app nodes one node runs each job at a time.

use crate::{Result, Store, now, ts, with_pool};
use time::Duration;

impl Store {
    /// Takes (or renews) the lease `name` for `holder` for `ttl`; true if this holder has it now.
    /// Safe under concurrency: one conditional upsert decides.
    pub async fn try_lease(&self, name: &str, holder: &str, ttl: Duration) -> Result<bool> {
        let t = now();
        let done = with_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
                 WHERE job_leases.holder = excluded.holder OR job_leases.expires_at < $4",
            )
            .bind(name)
            .bind(holder)
            .bind(ts(t + ttl))
            .bind(t)
            .execute(p)
            .await.map(|r| r.rows_affected())
        })?;
        Ok(done > 0)
    }
}

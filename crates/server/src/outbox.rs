//! The outbox worker: delivers queued messages (SMS gateway, webhooks, the superior platform) by
//! HTTP POST, outside any request, with exponential back-off, and gives up after a set number of
//! attempts. Runs on the node holding the `outbox` lease.

use crate::config::OutboxConfig;
use jiban_store::Store;
use jiban_store::supervision::OutboxRow;
use serde_json::json;
use time::{Duration, OffsetDateTime};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// Back-off before attempt `n + 1`: 30 s, 1 min, 2 min … capped at one hour.
pub fn backoff(attempts_so_far: i32) -> Duration {
    let secs = 30i64.saturating_mul(1i64 << attempts_so_far.clamp(0, 20));
    Duration::seconds(secs.min(3600))
}

fn endpoint<'a>(cfg: &'a OutboxConfig, row: &'a OutboxRow) -> Option<&'a str> {
    match row.channel.as_str() {
        "sms" => cfg.sms_url.as_deref(),
        "superior" => cfg.superior_url.as_deref(),
        // a webhook row carries its own URL when it has one
        _ => {
            if row.target.starts_with("http://") || row.target.starts_with("https://") {
                Some(row.target.as_str())
            } else {
                cfg.webhook_url.as_deref()
            }
        }
    }
}

async fn send(client: &reqwest::Client, cfg: &OutboxConfig, row: &OutboxRow) -> Result<(), String> {
    let Some(url) = endpoint(cfg, row) else {
        return Err(format!("未配置 {} 通道的地址", row.channel));
    };
    let body =
        json!({ "id": row.id, "channel": row.channel, "to": row.target, "payload": row.payload.0 });
    let r = client
        .post(url)
        .header("idempotency-key", row.id.to_string())
        .json(&body)
        .send()
        .await
        .map_err(|e| format!("连接失败：{e}"))?;
    if r.status().is_success() {
        Ok(())
    } else {
        Err(format!("对端返回 HTTP {}", r.status().as_u16()))
    }
}

/// Attempts every message due at `now`.
pub async fn deliver_due(
    store: &Store,
    client: &reqwest::Client,
    cfg: &OutboxConfig,
    now: OffsetDateTime,
) -> anyhow::Result<DeliveryReport> {
    let mut report = DeliveryReport::default();
    for row in store.due_outbox(now, 200).await? {
        match send(client, cfg, &row).await {
            Ok(()) => {
                store.outbox_attempted(row.id, true, None, None).await?;
                report.sent += 1;
            }
            Err(e) => {
                let attempts = row.attempts + 1;
                let retry = (attempts < cfg.max_attempts).then(|| now + backoff(row.attempts));
                if retry.is_some() {
                    report.retrying += 1;
                } else {
                    report.failed += 1;
                    tracing::warn!(id = %row.id, channel = %row.channel, error = %e, "outbox message failed for good");
                }
                store
                    .outbox_attempted(row.id, false, Some(&e), retry)
                    .await?;
            }
        }
    }
    Ok(report)
}

/// Delivers every `every`, on the node that holds the lease.
pub async fn run_forever(store: Store, cfg: OutboxConfig, every: std::time::Duration) {
    let holder = jiban_store::new_id().to_string();
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("http client");
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let ttl = Duration::seconds(every.as_secs() as i64 * 2 + 30);
        match store.try_lease("outbox", &holder, ttl).await {
            Ok(true) => match deliver_due(&store, &client, &cfg, jiban_store::now()).await {
                Ok(r) if r != DeliveryReport::default() => tracing::info!(report = ?r, "outbox"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox pass failed"),
            },
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "outbox lease failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(super::backoff(0).whole_seconds(), 30);
        assert_eq!(super::backoff(1).whole_seconds(), 60);
        assert_eq!(super::backoff(3).whole_seconds(), 240);
        assert_eq!(super::backoff(30).whole_seconds(), 3600);
    }
}

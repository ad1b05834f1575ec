//! Server-side sessions, API tokens and the login-failure log used for throttling.
//! Only hashes of secrets are stored: a stolen database yields no usable cookie or token.

use crate::{Result, Store, Tx, now, ts, with_pool, with_tx};
use serde::Serialize;
use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub id: String,
    pub user_id: Uuid,
    pub zone_id: Uuid,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ApiTokenRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

impl Store {
    /// The session with this hash, if it has not expired at `at`.
    pub async fn live_session(
        &self,
        id_hash: &str,
        at: OffsetDateTime,
    ) -> Result<Option<SessionRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, SessionRow>(
                "SELECT id, user_id, zone_id, created_at, last_seen_at, expires_at FROM sessions \
                 WHERE id = $1 AND expires_at > $2",
            )
            .bind(id_hash)
            .bind(ts(at))
            .fetch_optional(p)
            .await
        })?)
    }

    /// Whether a session with this hash ever existed (to tell "expired" from "never signed in").
    pub async fn session_exists(&self, id_hash: &str) -> Result<bool> {
        let n: i64 = with_pool!(self, |p| {
            sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE id = $1")
                .bind(id_hash)
                .fetch_one(p)
                .await
        })?;
        Ok(n > 0)
    }

    /// Slides a session's expiry (called at most once a minute per session).
    pub async fn touch_session(&self, id_hash: &str, expires_at: OffsetDateTime) -> Result<()> {
        with_pool!(self, |p| {
            sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3")
                .bind(now())
                .bind(ts(expires_at))
                .bind(id_hash)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// The live token with this hash and its owner id.
    pub async fn token_by_hash(
        &self,
        hash: &str,
        at: OffsetDateTime,
    ) -> Result<Option<ApiTokenRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, ApiTokenRow>(
                "SELECT id, zone_id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at \
                 FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL \
                 AND (expires_at IS NULL OR expires_at > $2)",
            )
            .bind(hash)
            .bind(ts(at))
            .fetch_optional(p)
            .await
        })?)
    }

    pub async fn mark_token_used(&self, id: Uuid) -> Result<()> {
        with_pool!(self, |p| {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now())
                .bind(id)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// The account's tokens that are not revoked, newest first.
    pub async fn tokens_of(&self, user_id: Uuid) -> Result<Vec<ApiTokenRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, ApiTokenRow>(
                "SELECT id, zone_id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at \
                 FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id DESC",
            )
            .bind(user_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// Failed logins from `ip` since `since`.
    pub async fn login_failures_since(&self, ip: &str, since: OffsetDateTime) -> Result<i64> {
        Ok(with_pool!(self, |p| {
            sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE ip = $1 AND at > $2")
                .bind(ip)
                .bind(ts(since))
                .fetch_one(p)
                .await
        })?)
    }

    /// Removes expired sessions and old login failures; returns how many rows went.
    pub async fn purge_expired(
        &self,
        at: OffsetDateTime,
        failures_before: OffsetDateTime,
    ) -> Result<u64> {
        let a = with_pool!(self, |p| {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(ts(at))
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        let b = with_pool!(self, |p| {
            sqlx::query("DELETE FROM login_failures WHERE at <= $1")
                .bind(ts(failures_before))
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(a + b)
    }
}

impl Tx {
    pub async fn insert_session(
        &mut self,
        id_hash: &str,
        user_id: Uuid,
        zone_id: Uuid,
        expires_at: OffsetDateTime,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> Result<()> {
        let t = now();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO sessions (id, user_id, zone_id, created_at, last_seen_at, expires_at, ip, user_agent) \
                 VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
            )
            .bind(id_hash)
            .bind(user_id)
            .bind(zone_id)
            .bind(t)
            .bind(ts(expires_at))
            .bind(ip)
            .bind(user_agent)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    pub async fn delete_session(&mut self, id_hash: &str) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(id_hash)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Ends every session of an account except `keep` (after a password change or a lock).
    pub async fn delete_sessions_of(&mut self, user_id: Uuid, keep: Option<&str>) -> Result<u64> {
        let done = with_tx!(self, |c| {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR id <> $2)")
                .bind(user_id)
                .bind(keep)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(done)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_token(
        &mut self,
        zone_id: Uuid,
        user_id: Uuid,
        name: &str,
        prefix: &str,
        token_hash: &str,
        expires_at: Option<OffsetDateTime>,
    ) -> Result<ApiTokenRow> {
        let row = ApiTokenRow {
            id: crate::new_id(),
            zone_id,
            user_id,
            name: name.to_string(),
            prefix: prefix.to_string(),
            created_at: now(),
            last_used_at: None,
            expires_at: expires_at.map(ts),
            revoked_at: None,
        };
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO api_tokens (id, zone_id, user_id, name, prefix, token_hash, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(row.id)
            .bind(zone_id)
            .bind(user_id)
            .bind(name)
            .bind(prefix)
            .bind(token_hash)
            .bind(row.created_at)
            .bind(row.expires_at)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
        })?;
        Ok(row)
    }

    /// Revokes one of `user_id`'s tokens; false if it has no such live token.
    pub async fn revoke_token(&mut self, user_id: Uuid, token_id: Uuid) -> Result<bool> {
        let done = with_tx!(self, |c| {
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
            )
            .bind(now())
            .bind(token_id)
            .bind(user_id)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
        })?;
        Ok(done > 0)
    }

    pub async fn insert_login_failure(&mut self, ip: &str, username: &str) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query("INSERT INTO login_failures (id, ip, username, at) VALUES ($1, $2, $3, $4)")
                .bind(crate::new_id())
                .bind(ip)
                .bind(username)
                .bind(now())
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}

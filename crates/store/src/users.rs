//! Accounts. Passwords are stored only as argon2 hashes (hashed by the server crate).

use crate::{Page, Result, Store, StoreError, Tx, like_contains, now, with_pool, with_tx};
use serde::Serialize;
use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

/// An account with the names of its unit and enterprise joined in.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct UserRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: String,
    pub org_unit_id: Uuid,
    pub org_unit_name: String,
    pub org_unit_kind: String,
    pub org_unit_path: String,
    pub enterprise_id: Option<Uuid>,
    pub enterprise_name: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
    pub must_change_password: bool,
    pub failed_logins: i32,
    pub locked_until: Option<OffsetDateTime>,
    pub last_login_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    #[serde(skip)]
    #[sqlx(default)]
    pub total_count: i64,
}

/// The SELECT shared by every account query (placeholders start after it).
macro_rules! user_select {
    ($where:literal) => {
        concat!(
            "SELECT u.id, u.zone_id, u.username, u.display_name, u.password_hash, u.role, u.org_unit_id, \
             o.name AS org_unit_name, o.kind AS org_unit_kind, o.path AS org_unit_path, u.enterprise_id, \
             e.name AS enterprise_name, u.phone, u.active, u.must_change_password, u.failed_logins, \
             u.locked_until, u.last_login_at, u.created_at, u.updated_at, COUNT(*) OVER () AS total_count \
             FROM users u JOIN org_units o ON o.id = u.org_unit_id \
             LEFT JOIN enterprises e ON e.id = u.enterprise_id ",
            $where
        )
    };
}

#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub zone_id: Uuid,
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub org_unit_id: Uuid,
    pub enterprise_id: Option<Uuid>,
    pub phone: Option<&'a str>,
    pub must_change_password: bool,
}

/// Filters of the account list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub q: Option<String>,
    pub role: Option<String>,
    pub org_unit_id: Option<Uuid>,
}

/// Editable account fields (already validated by the caller).
#[derive(Debug, Clone)]
pub struct UserChanges {
    pub display_name: String,
    pub role: String,
    pub org_unit_id: Uuid,
    pub enterprise_id: Option<Uuid>,
    pub phone: Option<String>,
    pub active: bool,
}

impl Store {
    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, UserRow>(user_select!("WHERE u.username = $1"))
                .bind(username)
                .fetch_optional(p)
                .await
        })?)
    }

    pub async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, UserRow>(user_select!("WHERE u.id = $1"))
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// A page of the accounts of a zone, newest first, with the total.
    pub async fn list_users(
        &self,
        zone_id: Uuid,
        f: &UserFilter,
        page: Page,
    ) -> Result<(Vec<UserRow>, i64)> {
        let q = f.q.as_deref().map(like_contains);
        let rows = with_pool!(self, |p| {
            sqlx::query_as::<_, UserRow>(user_select!(
                "WHERE u.zone_id = $1 \
                 AND ($2 IS NULL OR u.username LIKE $2 ESCAPE '\\' OR u.display_name LIKE $2 ESCAPE '\\') \
                 AND ($3 IS NULL OR u.role = $3) \
                 AND ($4 IS NULL OR u.org_unit_id = $4) \
                 ORDER BY u.id DESC LIMIT $5 OFFSET $6"
            ))
            .bind(zone_id)
            .bind(q.as_deref())
            .bind(f.role.as_deref())
            .bind(f.org_unit_id)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(p)
            .await
        })?;
        let total = rows.first().map(|r| r.total_count).unwrap_or(0);
        Ok((rows, total))
    }
}

impl Tx {
    /// The zone's system account (the author of what jiban does by itself, such as the visit
    /// tasks of early warnings): created inactive, with a hash nothing verifies against, so it can
    /// never sign in.
    pub async fn ensure_system_user(
        &mut self,
        zone_id: Uuid,
        username: &str,
        display_name: &str,
    ) -> Result<Uuid> {
        let existing: Option<(Uuid,)> = with_tx!(self, |c| {
            sqlx::query_as("SELECT id FROM users WHERE username = $1")
                .bind(username)
                .fetch_optional(&mut *c)
                .await
        })?;
        if let Some((id,)) = existing {
            return Ok(id);
        }
        let id = crate::new_id();
        let t = now();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO users (id, zone_id, username, display_name, password_hash, role, org_unit_id, \
                 enterprise_id, phone, active, must_change_password, failed_logins, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, '!', 'dispatcher', $2, NULL, NULL, FALSE, FALSE, 0, $5, $5)",
            )
            .bind(id)
            .bind(zone_id)
            .bind(username)
            .bind(display_name)
            .bind(t)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(id)
    }

    pub async fn insert_user(&mut self, u: NewUser<'_>) -> Result<Uuid> {
        let id = crate::new_id();
        let t = now();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO users (id, zone_id, username, display_name, password_hash, role, org_unit_id, \
                 enterprise_id, phone, active, must_change_password, failed_logins, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, $10, 0, $11, $11)",
            )
            .bind(id)
            .bind(u.zone_id)
            .bind(u.username)
            .bind(u.display_name)
            .bind(u.password_hash)
            .bind(u.role)
            .bind(u.org_unit_id)
            .bind(u.enterprise_id)
            .bind(u.phone)
            .bind(u.must_change_password)
            .bind(t)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
        })?;
        Ok(id)
    }

    pub async fn update_user(&mut self, id: Uuid, ch: &UserChanges) -> Result<()> {
        let done = with_tx!(self, |c| {
            sqlx::query(
                "UPDATE users SET display_name = $1, role = $2, org_unit_id = $3, enterprise_id = $4, \
                 phone = $5, active = $6, updated_at = $7 WHERE id = $8",
            )
            .bind(&ch.display_name)
            .bind(&ch.role)
            .bind(ch.org_unit_id)
            .bind(ch.enterprise_id)
            .bind(ch.phone.as_deref())
            .bind(ch.active)
            .bind(now())
            .bind(id)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
        })?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Sets a new password hash; also clears any lock.
    pub async fn set_password(
        &mut self,
        id: Uuid,
        password_hash: &str,
        must_change: bool,
    ) -> Result<()> {
        let done = with_tx!(self, |c| {
            sqlx::query(
                "UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0, \
                 locked_until = NULL, updated_at = $3 WHERE id = $4",
            )
            .bind(password_hash)
            .bind(must_change)
            .bind(now())
            .bind(id)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
        })?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn record_login_success(&mut self, id: Uuid) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
                "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $1 WHERE id = $2",
            )
            .bind(now())
            .bind(id)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Counts a failed password; at `max_failures` the account is locked until `lock_until`.
    /// Returns the new failure count.
    pub async fn record_login_failure(
        &mut self,
        id: Uuid,
        max_failures: i32,
        lock_until: OffsetDateTime,
    ) -> Result<i32> {
        let count: i32 = with_tx!(self, |c| {
            sqlx::query_scalar(
                "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
            )
            .bind(id)
            .fetch_one(&mut *c)
            .await
        })?;
        if count >= max_failures {
            with_tx!(self, |c| {
                sqlx::query("UPDATE users SET locked_until = $1, failed_logins = 0 WHERE id = $2")
                    .bind(crate::ts(lock_until))
                    .bind(id)
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected())
            })?;
        }
        Ok(count)
    }
}

impl Store {
    /// Active accounts of a zone.
    pub async fn count_users(&self, zone_id: Uuid) -> Result<i64> {
        Ok(with_pool!(self, |p| {
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE zone_id = $1 AND active = TRUE")
                .bind(zone_id)
                .fetch_one(p)
                .await
        })?)
    }
}

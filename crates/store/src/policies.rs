//! The policy library (政策库): policies and their items, who qualifies (matches), pushes
//! (送政策), applications with their review and payout (申报、审核、兑现), and the files of policies
//! and applications. The rules themselves are `jiban_policy` JSON, checked by the server before
//! they are written. See docs/POLICIES.md.

use crate::{
    Json, Page, Result, Store, Tx, like_contains, new_id, now, placeholders, with_pool, with_tx,
};
use serde::Serialize;
use sqlx::FromRow;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A policy.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct PolicyRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub title: String,
    pub issuer: String,
    pub doc_no: String,
    pub issued_on: Date,
    pub effective_on: Date,
    pub expires_on: Option<Date>,
    pub apply_from: Option<Date>,
    pub apply_to: Option<Date>,
    pub body: String,
    /// `draft` | `published` | `archived`
    pub status: String,
    pub created_by: Uuid,
    pub created_by_name: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    #[serde(skip)]
    #[sqlx(default)]
    pub total_count: i64,
}

/// The fields of a policy to write (checked by the server).
#[derive(Debug, Clone)]
pub struct PolicyWrite {
    pub title: String,
    pub issuer: String,
    pub doc_no: String,
    pub issued_on: Date,
    pub effective_on: Date,
    pub expires_on: Option<Date>,
    pub apply_from: Option<Date>,
    pub apply_to: Option<Date>,
    pub body: String,
    pub status: String,
}

/// An item (条款) of a policy.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ItemRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub policy_id: Uuid,
    pub seq: i64,
    pub title: String,
    pub summary: String,
    /// `subsidy` | `reduction` | `right` | `qualification`
    pub benefit_type: String,
    /// `jiban_policy::Amount` JSON.
    pub amount: Json<serde_json::Value>,
    /// `jiban_policy::Rule` JSON.
    pub rule: Json<serde_json::Value>,
    pub materials: Json<Vec<String>>,
    pub dept_id: Uuid,
    pub dept_name: Option<String>,
    pub auto_grant: bool,
    pub review_days: i64,
    pub updated_at: OffsetDateTime,
}

/// The fields of an item to write; `id` keeps an existing item.
#[derive(Debug, Clone)]
pub struct ItemWrite {
    pub id: Option<Uuid>,
    pub title: String,
    pub summary: String,
    pub benefit_type: String,
    pub amount: serde_json::Value,
    pub rule: serde_json::Value,
    pub materials: Vec<String>,
    pub dept_id: Uuid,
    pub auto_grant: bool,
    pub review_days: i64,
}

/// Counts of an item.
#[derive(Debug, Clone, Default, FromRow, Serialize)]
pub struct ItemCounts {
    pub item_id: Uuid,
    pub qualified: i64,
    /// Applications in any state but refused.
    pub applied: i64,
    pub paid: i64,
    pub paid_wan: Option<f64>,
}

/// What the rules of every item read about an enterprise (its indicators come separately).
#[derive(Debug, Clone, FromRow)]
pub struct FactsRow {
    pub id: Uuid,
    pub industry_code: String,
    pub size_class: String,
    pub street_code: Option<String>,
    pub tags: Json<Vec<String>>,
    pub founded_on: Option<Date>,
    pub employees: Option<i64>,
    pub revenue_wan: Option<f64>,
    pub revenue_last_year_wan: Option<f64>,
    pub rd_spend_wan: Option<f64>,
    pub band: Option<String>,
}

/// One qualifying (item, enterprise) pair to store.
#[derive(Debug, Clone)]
pub struct NewMatch {
    pub item_id: Uuid,
    pub enterprise_id: Uuid,
    pub amount_wan: Option<f64>,
    pub amount_note: Option<String>,
}

/// Which enterprises of an item to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemAudience {
    /// Qualify now.
    Qualified,
    /// Have an application that is not refused (for 免申即享: paid), qualifying or not.
    Applied,
    /// Qualify and have not applied.
    NotApplied,
}

/// One enterprise in an item's list.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ItemEnterpriseRow {
    pub enterprise_id: Uuid,
    pub name: String,
    pub uscc: String,
    pub street_name: Option<String>,
    pub size_class: String,
    pub qualified: bool,
    pub amount_wan: Option<f64>,
    pub amount_note: Option<String>,
    pub application_id: Option<Uuid>,
    pub application_status: Option<String>,
    pub push_id: Option<Uuid>,
    pub pushed_at: Option<OffsetDateTime>,
    pub read_at: Option<OffsetDateTime>,
    #[serde(skip)]
    #[sqlx(default)]
    pub total_count: i64,
}

/// A push (送政策) as the enterprise sees it.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct PushRow {
    pub id: Uuid,
    pub item_id: Uuid,
    pub item_title: String,
    pub policy_id: Uuid,
    pub policy_title: String,
    pub doc_no: String,
    pub enterprise_id: Uuid,
    pub note: Option<String>,
    pub pushed_by_name: Option<String>,
    pub pushed_at: OffsetDateTime,
    pub read_at: Option<OffsetDateTime>,
}

/// A material handed in with an application.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Material {
    /// The name of the required material (申报材料名称).
    pub name: String,
    /// What the enterprise wrote for it (a description, a number, a link to where it is kept).
    pub text: String,
}

/// An application (申报).
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ApplicationRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub item_id: Uuid,
    pub item_title: String,
    pub benefit_type: String,
    pub dept_id: Uuid,
    pub dept_name: Option<String>,
    pub policy_id: Uuid,
    pub policy_title: String,
    pub doc_no: String,
    pub enterprise_id: Uuid,
    pub enterprise_name: String,
    pub uscc: String,
    /// `submitted` | `returned` | `refused` | `approved` | `paid`
    pub status: String,
    /// `portal` | `auto` (免申即享, recorded by the department)
    pub source: String,
    pub materials: Json<Vec<Material>>,
    pub note: Option<String>,
    pub expected_amount_wan: Option<f64>,
    pub submitted_at: OffsetDateTime,
    pub review_due: Option<Date>,
    pub reviewed_at: Option<OffsetDateTime>,
    pub reviewed_by_name: Option<String>,
    pub review_on_time: Option<bool>,
    pub review_reason: Option<String>,
    pub paid_amount_wan: Option<f64>,
    pub paid_on: Option<Date>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    #[serde(skip)]
    #[sqlx(default)]
    pub total_count: i64,
}

/// A step of an application.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ApplicationEventRow {
    pub id: Uuid,
    pub at: OffsetDateTime,
    pub actor_name: String,
    /// `submit` | `resubmit` | `pass` | `return` | `refuse` | `payout` | `file`
    pub action: String,
    pub note: Option<String>,
}

/// A new application.
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub zone_id: Uuid,
    pub item_id: Uuid,
    pub enterprise_id: Uuid,
    pub status: String,
    pub source: String,
    pub materials: Vec<Material>,
    pub note: Option<String>,
    pub expected_amount_wan: Option<f64>,
    pub review_due: Option<Date>,
    pub created_by: Uuid,
}

/// Which applications to list.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub status: Option<String>,
    pub item_id: Option<Uuid>,
    pub enterprise_id: Option<Uuid>,
    /// Only items of this department (a department officer).
    pub dept_id: Option<Uuid>,
    /// A part of the enterprise name, the item or the policy title.
    pub q: Option<String>,
}

/// A file of a policy or an application.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct PolicyFileRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub policy_id: Option<Uuid>,
    pub application_id: Option<Uuid>,
    pub material: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by_name: Option<String>,
    pub created_at: OffsetDateTime,
}

/// Which policies to list.
#[derive(Debug, Clone, Default)]
pub struct PolicyFilter {
    /// Full text (jieba) over title, 文号 + issuer, body and items.
    pub q: Option<String>,
    /// Only this status (`None`: all).
    pub status: Option<String>,
    pub benefit_type: Option<String>,
    pub dept_id: Option<Uuid>,
}

const POLICY_COLS: &str = "p.id, p.zone_id, p.title, p.issuer, p.doc_no, p.issued_on, p.effective_on, \
     p.expires_on, p.apply_from, p.apply_to, p.body, p.status, p.created_by, u.display_name AS created_by_name, \
     p.created_at, p.updated_at";

const ITEM_SELECT: &str = "SELECT i.id, i.zone_id, i.policy_id, i.seq, i.title, i.summary, i.benefit_type, \
     i.amount, i.rule, i.materials, i.dept_id, d.name AS dept_name, i.auto_grant, i.review_days, i.updated_at \
     FROM policy_items i LEFT JOIN org_units d ON d.id = i.dept_id ";

const APPLICATION_SELECT: &str = "SELECT a.id, a.zone_id, a.item_id, i.title AS item_title, i.benefit_type, \
     i.dept_id, d.name AS dept_name, p.id AS policy_id, p.title AS policy_title, p.doc_no, a.enterprise_id, \
     e.name AS enterprise_name, e.uscc, a.status, a.source, a.materials, a.note, a.expected_amount_wan, \
     a.submitted_at, a.review_due, a.reviewed_at, r.display_name AS reviewed_by_name, a.review_on_time, \
     a.review_reason, a.paid_amount_wan, a.paid_on, a.created_at, a.updated_at, COUNT(*) OVER () AS total_count \
     FROM policy_applications a JOIN policy_items i ON i.id = a.item_id JOIN policies p ON p.id = i.policy_id \
     JOIN enterprises e ON e.id = a.enterprise_id LEFT JOIN org_units d ON d.id = i.dept_id \
     LEFT JOIN users r ON r.id = a.reviewed_by ";

impl Store {
    /// Policies, newest first, or by relevance when `q` is given.
    pub async fn policies(
        &self,
        zone_id: Uuid,
        f: &PolicyFilter,
        page: Page,
    ) -> Result<(Vec<PolicyRow>, i64)> {
        let search = self.policy_search_cte(f.q.as_deref());
        let mut sql = search.clone().unwrap_or_default();
        sql.push_str(&format!(
            "SELECT {POLICY_COLS}, COUNT(*) OVER () AS total_count FROM policies p \
             LEFT JOIN users u ON u.id = p.created_by "
        ));
        if search.is_some() {
            sql.push_str("JOIN m ON m.sid = p.id ");
        }
        sql.push_str(
            "WHERE p.zone_id = $1 AND ($2 IS NULL OR p.status = $2) \
             AND ($3 IS NULL OR EXISTS (SELECT 1 FROM policy_items i WHERE i.policy_id = p.id AND i.benefit_type = $3)) \
             AND ($4 IS NULL OR EXISTS (SELECT 1 FROM policy_items i WHERE i.policy_id = p.id AND i.dept_id = $4)) ",
        );
        if search.is_some() {
            sql.push_str("ORDER BY m.rank, p.issued_on DESC, p.id DESC ");
        } else {
            sql.push_str("ORDER BY p.issued_on DESC, p.id DESC ");
        }
        sql.push_str("LIMIT $5 OFFSET $6");
        let rows = with_pool!(self, |p| {
            sqlx::query_as::<_, PolicyRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .bind(f.status.as_deref())
                .bind(f.benefit_type.as_deref())
                .bind(f.dept_id)
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(p)
                .await
        })?;
        let total = rows.first().map(|r| r.total_count).unwrap_or(0);
        Ok((rows, total))
    }

    pub async fn policy(&self, zone_id: Uuid, id: Uuid) -> Result<Option<PolicyRow>> {
        let sql = format!(
            "SELECT {POLICY_COLS} FROM policies p LEFT JOIN users u ON u.id = p.created_by \
             WHERE p.zone_id = $1 AND p.id = $2"
        );
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, PolicyRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Some policies of the zone (in no particular order).
    pub async fn policies_by_ids(&self, zone_id: Uuid, ids: &[Uuid]) -> Result<Vec<PolicyRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {POLICY_COLS} FROM policies p LEFT JOIN users u ON u.id = p.created_by \
             WHERE p.zone_id = $1 AND p.id IN ({})",
            placeholders(2, ids.len())
        );
        Ok(with_pool!(self, |p| {
            let mut q =
                sqlx::query_as::<_, PolicyRow>(sqlx::AssertSqlSafe(sql.clone())).bind(zone_id);
            for id in ids {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?)
    }

    /// Whether another policy of the zone has this 文号.
    pub async fn policy_doc_no_taken(
        &self,
        zone_id: Uuid,
        doc_no: &str,
        except: Option<Uuid>,
    ) -> Result<bool> {
        let n: i64 = with_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM policies WHERE zone_id = $1 AND doc_no = $2 AND ($3 IS NULL OR id <> $3)",
            )
            .bind(zone_id)
            .bind(doc_no)
            .bind(except)
            .fetch_one(p)
            .await
        })?;
        Ok(n > 0)
    }

    /// The items of some policies, in policy and item order.
    pub async fn policy_items(&self, policy_ids: &[Uuid]) -> Result<Vec<ItemRow>> {
        if policy_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{ITEM_SELECT}WHERE i.policy_id IN ({}) ORDER BY i.policy_id, i.seq",
            placeholders(1, policy_ids.len())
        );
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(sql.clone()));
            for id in policy_ids {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?)
    }

    pub async fn policy_item(&self, zone_id: Uuid, id: Uuid) -> Result<Option<ItemRow>> {
        let sql = format!("{ITEM_SELECT}WHERE i.zone_id = $1 AND i.id = $2");
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// The items that can be matched on `today`: of published policies in force, whose
    /// application window (if any) is open.
    pub async fn open_policy_items(&self, zone_id: Uuid, today: Date) -> Result<Vec<ItemRow>> {
        let sql = format!(
            "{ITEM_SELECT}JOIN policies p ON p.id = i.policy_id WHERE i.zone_id = $1 AND p.status = 'published' \
             AND p.effective_on <= $2 AND (p.expires_on IS NULL OR p.expires_on >= $2) \
             AND (p.apply_from IS NULL OR p.apply_from <= $2) AND (p.apply_to IS NULL OR p.apply_to >= $2) \
             ORDER BY p.issued_on DESC, i.policy_id, i.seq"
        );
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .bind(today)
                .fetch_all(p)
                .await
        })?)
    }

    /// Counts per item (qualified now, applied, paid and the sum paid).
    pub async fn item_counts(&self, item_ids: &[Uuid]) -> Result<Vec<ItemCounts>> {
        if item_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT i.id AS item_id, \
             (SELECT COUNT(*) FROM policy_matches m WHERE m.item_id = i.id) AS qualified, \
             (SELECT COUNT(*) FROM policy_applications a WHERE a.item_id = i.id AND a.status <> 'refused') AS applied, \
             (SELECT COUNT(*) FROM policy_applications a WHERE a.item_id = i.id AND a.status = 'paid') AS paid, \
             (SELECT SUM(a.paid_amount_wan) FROM policy_applications a WHERE a.item_id = i.id AND a.status = 'paid') AS paid_wan \
             FROM policy_items i WHERE i.id IN ({})",
            placeholders(1, item_ids.len())
        );
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::query_as::<_, ItemCounts>(sqlx::AssertSqlSafe(sql.clone()));
            for id in item_ids {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?)
    }

    /// How many enterprises qualify for any item of each policy.
    pub async fn policy_qualified_counts(&self, policy_ids: &[Uuid]) -> Result<Vec<(Uuid, i64)>> {
        if policy_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT i.policy_id, COUNT(DISTINCT m.enterprise_id) FROM policy_matches m \
             JOIN policy_items i ON i.id = m.item_id WHERE i.policy_id IN ({}) GROUP BY i.policy_id",
            placeholders(1, policy_ids.len())
        );
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::query_as::<_, (Uuid, i64)>(sqlx::AssertSqlSafe(sql.clone()));
            for id in policy_ids {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?)
    }

    /// Whether an item has applications or pushes (and so cannot be deleted).
    pub async fn policy_item_in_use(&self, item_id: Uuid) -> Result<bool> {
        let n: i64 = with_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM policy_applications WHERE item_id = $1) + \
                 (SELECT COUNT(*) FROM policy_pushes WHERE item_id = $1)",
            )
            .bind(item_id)
            .fetch_one(p)
            .await
        })?;
        Ok(n > 0)
    }

    /// The facts of the zone's enterprises (or of one).
    pub async fn policy_facts(&self, zone_id: Uuid, only: Option<Uuid>) -> Result<Vec<FactsRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, FactsRow>(
                "SELECT e.id, e.industry_code, e.size_class, s.code AS street_code, e.tags, e.founded_on, \
                 e.employees, e.revenue_wan, e.revenue_last_year_wan, e.rd_spend_wan, e.band \
                 FROM enterprises e LEFT JOIN org_units g ON g.id = e.grid_id LEFT JOIN org_units s ON s.id = g.street_id \
                 WHERE e.zone_id = $1 AND ($2 IS NULL OR e.id = $2) ORDER BY e.id",
            )
            .bind(zone_id)
            .bind(only)
            .fetch_all(p)
            .await
        })?)
    }

    /// Current values of the given (indicator, period) pairs, for the zone or one enterprise:
    /// `(enterprise, indicator, period, value)`.
    pub async fn current_values(
        &self,
        zone_id: Uuid,
        only: Option<Uuid>,
        pairs: &[(Uuid, Date)],
    ) -> Result<Vec<(Uuid, Uuid, Date, f64)>> {
        let mut out = Vec::new();
        for (indicator, period) in pairs {
            let rows: Vec<(Uuid, Uuid, Date, f64)> = with_pool!(self, |p| {
                sqlx::query_as(
                    "SELECT enterprise_id, indicator_id, period, value FROM indicator_values \
                     WHERE zone_id = $1 AND indicator_id = $2 AND period = $3 AND superseded_at IS NULL \
                     AND ($4 IS NULL OR enterprise_id = $4)",
                )
                .bind(zone_id)
                .bind(*indicator)
                .bind(*period)
                .bind(only)
                .fetch_all(p)
                .await
            })?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// The enterprises of an item: who qualifies, who applied, who has not.
    pub async fn item_enterprises(
        &self,
        item_id: Uuid,
        audience: ItemAudience,
        q: Option<&str>,
        page: Page,
    ) -> Result<(Vec<ItemEnterpriseRow>, i64)> {
        // (what drives the list, how the other side is joined, the audience's condition)
        let (from, other, cond) = match audience {
            ItemAudience::Qualified | ItemAudience::NotApplied => (
                "policy_matches m JOIN enterprises e ON e.id = m.enterprise_id",
                "LEFT JOIN policy_applications a ON a.item_id = m.item_id AND a.enterprise_id = e.id \
                 AND a.status <> 'refused'",
                if audience == ItemAudience::NotApplied {
                    "m.item_id = $1 AND a.id IS NULL"
                } else {
                    "m.item_id = $1"
                },
            ),
            ItemAudience::Applied => (
                "policy_applications a JOIN enterprises e ON e.id = a.enterprise_id",
                "LEFT JOIN policy_matches m ON m.item_id = a.item_id AND m.enterprise_id = e.id",
                "a.item_id = $1 AND a.status <> 'refused'",
            ),
        };
        let sql = format!(
            "SELECT e.id AS enterprise_id, e.name, e.uscc, s.name AS street_name, e.size_class, \
             (m.enterprise_id IS NOT NULL) AS qualified, m.amount_wan, m.amount_note, a.id AS application_id, \
             a.status AS application_status, pu.id AS push_id, pu.pushed_at, pu.read_at, COUNT(*) OVER () AS total_count \
             FROM {from} {other} \
             LEFT JOIN org_units g ON g.id = e.grid_id LEFT JOIN org_units s ON s.id = g.street_id \
             LEFT JOIN policy_pushes pu ON pu.item_id = $1 AND pu.enterprise_id = e.id \
             WHERE {cond} AND ($2 IS NULL OR e.name LIKE $2 ESCAPE '\\' OR e.uscc LIKE $2 ESCAPE '\\') \
             ORDER BY COALESCE(m.amount_wan, -1) DESC, e.name LIMIT $3 OFFSET $4"
        );
        let pattern = q
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(like_contains);
        let rows = with_pool!(self, |p| {
            sqlx::query_as::<_, ItemEnterpriseRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(item_id)
                .bind(pattern.as_deref())
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(p)
                .await
        })?;
        let total = rows.first().map(|r| r.total_count).unwrap_or(0);
        Ok((rows, total))
    }

    /// (qualified, applied, not applied) of an item.
    pub async fn item_audience_counts(&self, item_id: Uuid) -> Result<(i64, i64, i64)> {
        let row: (i64, i64, i64) = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM policy_matches WHERE item_id = $1), \
                 (SELECT COUNT(*) FROM policy_applications WHERE item_id = $1 AND status <> 'refused'), \
                 (SELECT COUNT(*) FROM policy_matches m WHERE m.item_id = $1 AND NOT EXISTS \
                   (SELECT 1 FROM policy_applications a WHERE a.item_id = $1 AND a.enterprise_id = m.enterprise_id AND a.status <> 'refused'))",
            )
            .bind(item_id)
            .fetch_one(p)
            .await
        })?;
        Ok(row)
    }

    /// The stored match of an enterprise for an item.
    pub async fn policy_match(
        &self,
        item_id: Uuid,
        enterprise_id: Uuid,
    ) -> Result<Option<(Option<f64>, Option<String>)>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT amount_wan, amount_note FROM policy_matches WHERE item_id = $1 AND enterprise_id = $2",
            )
            .bind(item_id)
            .bind(enterprise_id)
            .fetch_optional(p)
            .await
        })?)
    }

    /// The pushes an enterprise received, newest first.
    pub async fn enterprise_pushes(&self, enterprise_id: Uuid) -> Result<Vec<PushRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, PushRow>(
                "SELECT pu.id, pu.item_id, i.title AS item_title, p.id AS policy_id, p.title AS policy_title, p.doc_no, \
                 pu.enterprise_id, pu.note, u.display_name AS pushed_by_name, pu.pushed_at, pu.read_at \
                 FROM policy_pushes pu JOIN policy_items i ON i.id = pu.item_id JOIN policies p ON p.id = i.policy_id \
                 LEFT JOIN users u ON u.id = pu.pushed_by WHERE pu.enterprise_id = $1 ORDER BY pu.pushed_at DESC, pu.id DESC",
            )
            .bind(enterprise_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// Applications, newest first.
    pub async fn policy_applications(
        &self,
        zone_id: Uuid,
        f: &ApplicationFilter,
        page: Page,
    ) -> Result<(Vec<ApplicationRow>, i64)> {
        let sql = format!(
            "{APPLICATION_SELECT}WHERE a.zone_id = $1 AND ($2 IS NULL OR a.status = $2) AND ($3 IS NULL OR a.item_id = $3) \
             AND ($4 IS NULL OR a.enterprise_id = $4) AND ($5 IS NULL OR i.dept_id = $5) \
             AND ($6 IS NULL OR e.name LIKE $6 ESCAPE '\\' OR i.title LIKE $6 ESCAPE '\\' OR p.title LIKE $6 ESCAPE '\\') \
             ORDER BY a.submitted_at DESC, a.id DESC LIMIT $7 OFFSET $8"
        );
        let pattern =
            f.q.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(like_contains);
        let rows = with_pool!(self, |p| {
            sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .bind(f.status.as_deref())
                .bind(f.item_id)
                .bind(f.enterprise_id)
                .bind(f.dept_id)
                .bind(pattern.as_deref())
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(p)
                .await
        })?;
        let total = rows.first().map(|r| r.total_count).unwrap_or(0);
        Ok((rows, total))
    }

    /// Counts of applications per status under the same scope (for the tabs).
    pub async fn policy_application_counts(
        &self,
        zone_id: Uuid,
        enterprise_id: Option<Uuid>,
        dept_id: Option<Uuid>,
    ) -> Result<Vec<(String, i64)>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT a.status, COUNT(*) FROM policy_applications a JOIN policy_items i ON i.id = a.item_id \
                 WHERE a.zone_id = $1 AND ($2 IS NULL OR a.enterprise_id = $2) AND ($3 IS NULL OR i.dept_id = $3) \
                 GROUP BY a.status",
            )
            .bind(zone_id)
            .bind(enterprise_id)
            .bind(dept_id)
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn policy_application(
        &self,
        zone_id: Uuid,
        id: Uuid,
    ) -> Result<Option<ApplicationRow>> {
        let sql = format!("{APPLICATION_SELECT}WHERE a.zone_id = $1 AND a.id = $2");
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// The applications of one enterprise for some items (any state), newest first.
    pub async fn enterprise_applications(
        &self,
        zone_id: Uuid,
        enterprise_id: Uuid,
    ) -> Result<Vec<ApplicationRow>> {
        let f = ApplicationFilter {
            enterprise_id: Some(enterprise_id),
            ..Default::default()
        };
        Ok(self
            .policy_applications(zone_id, &f, Page::new(Some(1), Some(200)))
            .await?
            .0)
    }

    pub async fn policy_application_events(
        &self,
        application_id: Uuid,
    ) -> Result<Vec<ApplicationEventRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, ApplicationEventRow>(
                "SELECT id, at, actor_name, action, note FROM policy_application_events \
                 WHERE application_id = $1 ORDER BY at, id",
            )
            .bind(application_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// The files of a policy (`policy`) or an application.
    pub async fn policy_files(
        &self,
        policy_id: Option<Uuid>,
        application_id: Option<Uuid>,
    ) -> Result<Vec<PolicyFileRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, PolicyFileRow>(
                "SELECT f.id, f.zone_id, f.policy_id, f.application_id, f.material, f.file_name, f.content_type, \
                 f.size, f.sha256, u.display_name AS uploaded_by_name, f.created_at FROM policy_files f \
                 LEFT JOIN users u ON u.id = f.uploaded_by \
                 WHERE ($1 IS NULL OR f.policy_id = $1) AND ($2 IS NULL OR f.application_id = $2) \
                 AND ($1 IS NOT NULL OR $2 IS NOT NULL) ORDER BY f.created_at, f.id",
            )
            .bind(policy_id)
            .bind(application_id)
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn policy_file(&self, zone_id: Uuid, id: Uuid) -> Result<Option<PolicyFileRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, PolicyFileRow>(
                "SELECT f.id, f.zone_id, f.policy_id, f.application_id, f.material, f.file_name, f.content_type, \
                 f.size, f.sha256, u.display_name AS uploaded_by_name, f.created_at FROM policy_files f \
                 LEFT JOIN users u ON u.id = f.uploaded_by WHERE f.zone_id = $1 AND f.id = $2",
            )
            .bind(zone_id)
            .bind(id)
            .fetch_optional(p)
            .await
        })?)
    }
}

impl Tx {
    /// Inserts a policy (the items come with [`Tx::save_policy_items`]) and indexes it.
    pub async fn insert_policy(
        &mut self,
        zone_id: Uuid,
        w: &PolicyWrite,
        created_by: Uuid,
    ) -> Result<Uuid> {
        let id = new_id();
        let t = now();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO policies (id, zone_id, title, issuer, doc_no, issued_on, effective_on, expires_on, \
                 apply_from, apply_to, body, status, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            )
            .bind(id)
            .bind(zone_id)
            .bind(&w.title)
            .bind(&w.issuer)
            .bind(&w.doc_no)
            .bind(w.issued_on)
            .bind(w.effective_on)
            .bind(w.expires_on)
            .bind(w.apply_from)
            .bind(w.apply_to)
            .bind(&w.body)
            .bind(&w.status)
            .bind(created_by)
            .bind(t)
            .bind(t)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(id)
    }

    pub async fn update_policy(&mut self, id: Uuid, w: &PolicyWrite) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
                "UPDATE policies SET title = $1, issuer = $2, doc_no = $3, issued_on = $4, effective_on = $5, \
                 expires_on = $6, apply_from = $7, apply_to = $8, body = $9, status = $10, updated_at = $11 WHERE id = $12",
            )
            .bind(&w.title)
            .bind(&w.issuer)
            .bind(&w.doc_no)
            .bind(w.issued_on)
            .bind(w.effective_on)
            .bind(w.expires_on)
            .bind(w.apply_from)
            .bind(w.apply_to)
            .bind(&w.body)
            .bind(&w.status)
            .bind(now())
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Writes the items of a policy in the given order: an item with an id is updated, one
    /// without is inserted, and the policy's other items are deleted with their matches (the
    /// caller checks they are not in use). Re-indexes the policy. Returns the ids in order.
    pub async fn save_policy_items(
        &mut self,
        zone_id: Uuid,
        policy_id: Uuid,
        items: &[ItemWrite],
    ) -> Result<Vec<Uuid>> {
        let t = now();
        let mut ids = Vec::with_capacity(items.len());
        for (k, it) in items.iter().enumerate() {
            let seq = k as i64 + 1;
            let id = match it.id {
                Some(id) => {
                    with_tx!(self, |c| {
                        sqlx::query(
                            "UPDATE policy_items SET seq = $1, title = $2, summary = $3, benefit_type = $4, amount = $5, \
                             rule = $6, materials = $7, dept_id = $8, auto_grant = $9, review_days = $10, updated_at = $11 \
                             WHERE id = $12 AND policy_id = $13",
                        )
                        .bind(seq)
                        .bind(&it.title)
                        .bind(&it.summary)
                        .bind(&it.benefit_type)
                        .bind(Json(&it.amount))
                        .bind(Json(&it.rule))
                        .bind(Json(&it.materials))
                        .bind(it.dept_id)
                        .bind(it.auto_grant)
                        .bind(it.review_days)
                        .bind(t)
                        .bind(id)
                        .bind(policy_id)
                        .execute(&mut *c)
                        .await
                        .map(|r| r.rows_affected())
                    })?;
                    id
                }
                None => {
                    let id = new_id();
                    with_tx!(self, |c| {
                        sqlx::query(
                            "INSERT INTO policy_items (id, zone_id, policy_id, seq, title, summary, benefit_type, amount, \
                             rule, materials, dept_id, auto_grant, review_days, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                        )
                        .bind(id)
                        .bind(zone_id)
                        .bind(policy_id)
                        .bind(seq)
                        .bind(&it.title)
                        .bind(&it.summary)
                        .bind(&it.benefit_type)
                        .bind(Json(&it.amount))
                        .bind(Json(&it.rule))
                        .bind(Json(&it.materials))
                        .bind(it.dept_id)
                        .bind(it.auto_grant)
                        .bind(it.review_days)
                        .bind(t)
                        .execute(&mut *c)
                        .await
                        .map(|r| r.rows_affected())
                    })?;
                    id
                }
            };
            ids.push(id);
        }
        let existing: Vec<Uuid> = with_tx!(self, |c| {
            sqlx::query_scalar("SELECT id FROM policy_items WHERE policy_id = $1")
                .bind(policy_id)
                .fetch_all(&mut *c)
                .await
        })?;
        for old in existing.into_iter().filter(|id| !ids.contains(id)) {
            for sql in [
                "DELETE FROM policy_matches WHERE item_id = $1",
                "DELETE FROM policy_items WHERE id = $1",
            ] {
                with_tx!(self, |c| sqlx::query(sql)
                    .bind(old)
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected()))?;
            }
        }
        self.index_policy(policy_id).await?;
        Ok(ids)
    }

    /// Replaces the stored matches: of the whole zone, or (with `only`) of one enterprise.
    pub async fn replace_policy_matches(
        &mut self,
        zone_id: Uuid,
        only: Option<Uuid>,
        rows: &[NewMatch],
    ) -> Result<()> {
        with_tx!(self, |c| sqlx::query(
            "DELETE FROM policy_matches WHERE zone_id = $1 AND ($2 IS NULL OR enterprise_id = $2)"
        )
        .bind(zone_id)
        .bind(only)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        let t = now();
        for chunk in rows.chunks(200) {
            with_tx!(self, |c| {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO policy_matches (item_id, enterprise_id, zone_id, amount_wan, amount_note, computed_at) ",
                );
                qb.push_values(chunk, |mut b, m| {
                    b.push_bind(m.item_id)
                        .push_bind(m.enterprise_id)
                        .push_bind(zone_id)
                        .push_bind(m.amount_wan)
                        .push_bind(m.amount_note.clone())
                        .push_bind(t);
                });
                qb.build().execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Records pushes; an enterprise already pushed this item is skipped. Returns the
    /// enterprises newly pushed.
    pub async fn insert_policy_pushes(
        &mut self,
        zone_id: Uuid,
        item_id: Uuid,
        enterprise_ids: &[Uuid],
        note: Option<&str>,
        pushed_by: Uuid,
    ) -> Result<Vec<Uuid>> {
        let t = now();
        let mut pushed = Vec::new();
        for e in enterprise_ids {
            let n = with_tx!(self, |c| {
                sqlx::query(
                    "INSERT INTO policy_pushes (id, zone_id, item_id, enterprise_id, note, pushed_by, pushed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (item_id, enterprise_id) DO NOTHING",
                )
                .bind(new_id())
                .bind(zone_id)
                .bind(item_id)
                .bind(*e)
                .bind(note)
                .bind(pushed_by)
                .bind(t)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
            })?;
            if n > 0 {
                pushed.push(*e);
            }
        }
        Ok(pushed)
    }

    /// Marks a push of this enterprise read (the first read is kept). `None` when there is no
    /// such push; `Some(true)` when this call marked it.
    pub async fn mark_policy_push_read(
        &mut self,
        push_id: Uuid,
        enterprise_id: Uuid,
        user: Uuid,
    ) -> Result<Option<bool>> {
        let found: Option<Option<OffsetDateTime>> = with_tx!(self, |c| {
            sqlx::query_scalar(
                "SELECT read_at FROM policy_pushes WHERE id = $1 AND enterprise_id = $2",
            )
            .bind(push_id)
            .bind(enterprise_id)
            .fetch_optional(&mut *c)
            .await
        })?;
        match found {
            None => Ok(None),
            Some(Some(_)) => Ok(Some(false)),
            Some(None) => {
                with_tx!(self, |c| sqlx::query(
                    "UPDATE policy_pushes SET read_at = $1, read_by = $2 WHERE id = $3"
                )
                .bind(now())
                .bind(user)
                .bind(push_id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
                Ok(Some(true))
            }
        }
    }

    /// Whether the enterprise has an application for the item that is not refused.
    pub async fn open_application_for(
        &mut self,
        item_id: Uuid,
        enterprise_id: Uuid,
    ) -> Result<Option<Uuid>> {
        Ok(with_tx!(self, |c| {
            sqlx::query_scalar(
                "SELECT id FROM policy_applications WHERE item_id = $1 AND enterprise_id = $2 AND status <> 'refused'",
            )
            .bind(item_id)
            .bind(enterprise_id)
            .fetch_optional(&mut *c)
            .await
        })?)
    }

    pub async fn insert_policy_application(&mut self, a: &NewApplication) -> Result<Uuid> {
        let id = new_id();
        let t = now();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO policy_applications (id, zone_id, item_id, enterprise_id, status, source, materials, note, \
                 expected_amount_wan, submitted_at, review_due, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(id)
            .bind(a.zone_id)
            .bind(a.item_id)
            .bind(a.enterprise_id)
            .bind(&a.status)
            .bind(&a.source)
            .bind(Json(&a.materials))
            .bind(a.note.as_deref())
            .bind(a.expected_amount_wan)
            .bind(t)
            .bind(a.review_due)
            .bind(a.created_by)
            .bind(t)
            .bind(t)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(id)
    }

    /// The status of an application, locked for the rest of the transaction (PostgreSQL).
    pub async fn lock_policy_application(
        &mut self,
        zone_id: Uuid,
        id: Uuid,
    ) -> Result<Option<String>> {
        let sql = if self.is_postgres() {
            "SELECT status FROM policy_applications WHERE zone_id = $1 AND id = $2 FOR UPDATE"
        } else {
            "SELECT status FROM policy_applications WHERE zone_id = $1 AND id = $2"
        };
        Ok(with_tx!(self, |c| {
            sqlx::query_scalar(sql)
                .bind(zone_id)
                .bind(id)
                .fetch_optional(&mut *c)
                .await
        })?)
    }

    /// The enterprise resubmits: new materials, a new review deadline.
    pub async fn resubmit_policy_application(
        &mut self,
        id: Uuid,
        materials: &[Material],
        note: Option<&str>,
        review_due: Option<Date>,
    ) -> Result<()> {
        let t = now();
        with_tx!(self, |c| {
            sqlx::query(
                "UPDATE policy_applications SET status = 'submitted', materials = $1, note = $2, submitted_at = $3, \
                 review_due = $4, reviewed_at = NULL, reviewed_by = NULL, review_on_time = NULL, updated_at = $3 \
                 WHERE id = $5",
            )
            .bind(Json(materials))
            .bind(note)
            .bind(t)
            .bind(review_due)
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Records a review decision (`approved` | `returned` | `refused`).
    pub async fn review_policy_application(
        &mut self,
        id: Uuid,
        status: &str,
        reason: Option<&str>,
        on_time: bool,
        by: Uuid,
    ) -> Result<()> {
        let t = now();
        with_tx!(self, |c| {
            sqlx::query(
                "UPDATE policy_applications SET status = $1, review_reason = $2, review_on_time = $3, reviewed_at = $4, \
                 reviewed_by = $5, updated_at = $4 WHERE id = $6",
            )
            .bind(status)
            .bind(reason)
            .bind(on_time)
            .bind(t)
            .bind(by)
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Records the payout (兑现).
    pub async fn pay_policy_application(
        &mut self,
        id: Uuid,
        amount_wan: f64,
        paid_on: Date,
        by: Uuid,
    ) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
                "UPDATE policy_applications SET status = 'paid', paid_amount_wan = $1, paid_on = $2, paid_by = $3, \
                 updated_at = $4 WHERE id = $5",
            )
            .bind(amount_wan)
            .bind(paid_on)
            .bind(by)
            .bind(now())
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    pub async fn add_policy_application_event(
        &mut self,
        application_id: Uuid,
        actor_id: Option<Uuid>,
        actor_name: &str,
        action: &str,
        note: Option<&str>,
    ) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO policy_application_events (id, application_id, at, actor_id, actor_name, action, note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(new_id())
            .bind(application_id)
            .bind(now())
            .bind(actor_id)
            .bind(actor_name)
            .bind(action)
            .bind(note)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_policy_file(
        &mut self,
        zone_id: Uuid,
        policy_id: Option<Uuid>,
        application_id: Option<Uuid>,
        material: Option<&str>,
        file_name: &str,
        content_type: &str,
        size: i64,
        sha256: &str,
        uploaded_by: Uuid,
    ) -> Result<Uuid> {
        let id = new_id();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO policy_files (id, zone_id, policy_id, application_id, material, file_name, content_type, \
                 size, sha256, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(id)
            .bind(zone_id)
            .bind(policy_id)
            .bind(application_id)
            .bind(material)
            .bind(file_name)
            .bind(content_type)
            .bind(size)
            .bind(sha256)
            .bind(uploaded_by)
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(id)
    }

    pub async fn delete_policy_file(&mut self, id: Uuid) -> Result<()> {
        with_tx!(self, |c| sqlx::query(
            "DELETE FROM policy_files WHERE id = $1"
        )
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}

impl Store {
    /// The active accounts of some enterprises (to notify them).
    pub async fn enterprise_user_ids(&self, enterprise_ids: &[Uuid]) -> Result<Vec<Uuid>> {
        if enterprise_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for chunk in enterprise_ids.chunks(500) {
            let sql = format!(
                "SELECT id FROM users WHERE active AND enterprise_id IN ({})",
                placeholders(1, chunk.len())
            );
            let ids: Vec<Uuid> = with_pool!(self, |p| {
                let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()));
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await
            })?;
            out.extend(ids);
        }
        Ok(out)
    }
}

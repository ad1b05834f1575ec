//! The enterprise registry (一企一档). Reads are always bounded by a [`Visibility`].

use crate::{Json, Page, Result, Store, Tx, now, with_pool, with_tx};
use serde::Serialize;
use sqlx::FromRow;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// How much of a zone's registry a caller may read (computed from the account by the server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// The whole zone.
    Zone,
    /// Enterprises located in the subtree whose materialised path starts with this prefix.
    Subtree { path_prefix: String },
    /// One enterprise only (an enterprise contact).
    Enterprise(Uuid),
}

impl Visibility {
    fn path_like(&self) -> Option<String> {
        match self {
            Visibility::Subtree { path_prefix } => Some(format!("{path_prefix}%")),
            _ => None,
        }
    }
    fn enterprise(&self) -> Option<Uuid> {
        match self {
            Visibility::Enterprise(id) => Some(*id),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct EnterpriseRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub uscc: String,
    pub name: String,
    pub former_names: Json<Vec<String>>,
    pub legal_rep: String,
    pub registered_capital_wan: Option<f64>,
    pub founded_on: Option<Date>,
    pub address: String,
    pub grid_id: Option<Uuid>,
    pub grid_name: Option<String>,
    pub street_id: Option<Uuid>,
    pub street_name: Option<String>,
    pub industry_code: String,
    pub employees: Option<i64>,
    pub revenue_wan: Option<f64>,
    pub assets_wan: Option<f64>,
    pub size_class: String,
    pub tags: Json<Vec<String>>,
    pub contact_name: String,
    pub contact_phone: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Why an administrator kept a credit code that fails the GB 32100 check.
    pub uscc_exception: Option<String>,
    pub service_staff_id: Option<Uuid>,
    pub service_staff_name: Option<String>,
    /// The current colour band (五色图), its score and since when.
    pub band: Option<String>,
    pub band_score: Option<f64>,
    pub band_since: Option<OffsetDateTime>,
    /// 去年营业收入, 万元 (policy rules: growth; amounts).
    pub revenue_last_year_wan: Option<f64>,
    /// 研发费用 this year, 万元 (policy rules: R&D intensity; amounts).
    pub rd_spend_wan: Option<f64>,
    #[serde(skip)]
    #[sqlx(default)]
    pub total_count: i64,
}

macro_rules! enterprise_select {
    ($where:literal) => {
        concat!(
            "SELECT e.id, e.zone_id, e.uscc, e.name, e.former_names, e.legal_rep, e.registered_capital_wan, \
             e.founded_on, e.address, e.grid_id, g.name AS grid_name, g.street_id, s.name AS street_name, \
             e.industry_code, e.employees, e.revenue_wan, e.assets_wan, e.size_class, e.tags, e.contact_name, \
             e.contact_phone, e.lon, e.lat, e.created_at, e.updated_at, e.uscc_exception, e.service_staff_id, \
             su.display_name AS service_staff_name, e.band, e.band_score, e.band_since, e.revenue_last_year_wan, \
             e.rd_spend_wan, COUNT(*) OVER () AS total_count \
             FROM enterprises e LEFT JOIN org_units g ON g.id = e.grid_id \
             LEFT JOIN org_units s ON s.id = g.street_id LEFT JOIN users su ON su.id = e.service_staff_id ",
            $where
        )
    };
}

#[derive(Debug, Clone, Default)]
pub struct EnterpriseFilter {
    /// Words searched in the name, former names and address; a credit code matches exactly.
    pub q: Option<String>,
    pub street_id: Option<Uuid>,
    pub grid_id: Option<Uuid>,
    /// A band code, or `none` for enterprises without a band.
    pub band: Option<String>,
    /// One tag of the zone's vocabulary.
    pub tag: Option<String>,
    pub size_class: Option<String>,
    /// A prefix of the GB/T 4754 code (`C`, `C39`).
    pub industry: Option<String>,
}

/// A new registry entry (already parsed and validated).
#[derive(Debug, Clone)]
pub struct NewEnterprise {
    pub zone_id: Uuid,
    pub uscc: String,
    pub name: String,
    pub former_names: Vec<String>,
    pub legal_rep: String,
    pub registered_capital_wan: Option<f64>,
    pub founded_on: Option<Date>,
    pub address: String,
    pub grid_id: Option<Uuid>,
    pub industry_code: String,
    pub employees: Option<i64>,
    pub revenue_wan: Option<f64>,
    pub assets_wan: Option<f64>,
    pub size_class: String,
    pub tags: Vec<String>,
    pub contact_name: String,
    pub contact_phone: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub uscc_exception: Option<String>,
    pub service_staff_id: Option<Uuid>,
    pub revenue_last_year_wan: Option<f64>,
    pub rd_spend_wan: Option<f64>,
}

/// Counts behind the workbench, within one visibility.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct CountBy {
    pub key: Option<String>,
    pub label: Option<String>,
    pub count: i64,
}

impl Store {
    pub async fn list_enterprises(
        &self,
        zone_id: Uuid,
        vis: &Visibility,
        f: &EnterpriseFilter,
        page: Page,
    ) -> Result<(Vec<EnterpriseRow>, i64)> {
        let rows = self
            .query_enterprises(zone_id, vis, f, page.limit(), page.offset())
            .await?;
        let total = rows.first().map(|r| r.total_count).unwrap_or(0);
        Ok((rows, total))
    }

    /// The first `limit` enterprises of a filtered list, in list order (exports).
    pub async fn export_enterprises(
        &self,
        zone_id: Uuid,
        vis: &Visibility,
        f: &EnterpriseFilter,
        limit: i64,
    ) -> Result<Vec<EnterpriseRow>> {
        self.query_enterprises(zone_id, vis, f, limit, 0).await
    }

    async fn query_enterprises(
        &self,
        zone_id: Uuid,
        vis: &Visibility,
        f: &EnterpriseFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<EnterpriseRow>> {
        // a search joins the matches (m: sid, rank) of the full-text index, best first
        let search = self.enterprise_search_cte(f.q.as_deref());
        let (cte, join, order) = match &search {
            Some(cte) => (
                cte.as_str(),
                "JOIN m ON m.sid = e.id ",
                "m.rank, e.name, e.id",
            ),
            None => ("", "", "e.name, e.id"),
        };
        let sql = format!(
            "{cte}{}{join}WHERE e.zone_id = $1 AND ($2 IS NULL OR g.path LIKE $2) AND ($3 IS NULL OR e.id = $3) \
             AND ($4 IS NULL OR g.street_id = $4) AND ($5 IS NULL OR e.grid_id = $5) \
             AND ($6 IS NULL OR e.band = $6 OR ($6 = 'none' AND e.band IS NULL)) \
             AND ($7 IS NULL OR CAST(e.tags AS TEXT) LIKE $7) AND ($8 IS NULL OR e.size_class = $8) \
             AND ($9 IS NULL OR e.industry_code LIKE $9) \
             ORDER BY {order} LIMIT $10 OFFSET $11",
            enterprise_select!("")
        );
        // a tag is matched as a whole JSON string inside the array (quotes included)
        let tag_like = f
            .tag
            .as_ref()
            .map(|t| format!("%{}%", serde_json::to_string(t).unwrap_or_default()));
        let industry_like = f.industry.as_ref().map(|i| format!("{i}%"));
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, EnterpriseRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .bind(vis.path_like())
                .bind(vis.enterprise())
                .bind(f.street_id)
                .bind(f.grid_id)
                .bind(f.band.clone())
                .bind(tag_like.clone())
                .bind(f.size_class.clone())
                .bind(industry_like.clone())
                .bind(limit)
                .bind(offset)
                .fetch_all(p)
                .await
        })?)
    }

    /// The enterprises of a zone with these credit codes (imports look them up in chunks).
    pub async fn enterprises_by_usccs(
        &self,
        zone_id: Uuid,
        usccs: &[String],
    ) -> Result<Vec<EnterpriseRow>> {
        let mut out = Vec::new();
        for chunk in usccs.chunks(500) {
            let placeholders: Vec<String> =
                (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "{} AND e.uscc IN ({})",
                enterprise_select!("WHERE e.zone_id = $1"),
                placeholders.join(", ")
            );
            let rows = with_pool!(self, |p| {
                let mut q = sqlx::query_as::<_, EnterpriseRow>(sqlx::AssertSqlSafe(sql.clone()))
                    .bind(zone_id);
                for u in chunk {
                    q = q.bind(u.clone());
                }
                q.fetch_all(p).await
            })?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// The zone's tag vocabulary, with how many enterprises carry each tag, then the tags in use
    /// that are not in the vocabulary (`false`).
    pub async fn enterprise_tags(&self, zone_id: Uuid) -> Result<Vec<(String, i64, bool)>> {
        let vocab: Vec<(String,)> = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT name FROM enterprise_tags WHERE zone_id = $1 ORDER BY sort, name",
            )
            .bind(zone_id)
            .fetch_all(p)
            .await
        })?;
        let used: Vec<(Json<Vec<String>>,)> = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT tags FROM enterprises WHERE zone_id = $1 AND CAST(tags AS TEXT) <> '[]'",
            )
            .bind(zone_id)
            .fetch_all(p)
            .await
        })?;
        let mut counts: std::collections::BTreeMap<String, i64> = Default::default();
        for (t,) in used {
            for tag in t.0 {
                *counts.entry(tag).or_default() += 1;
            }
        }
        let mut out: Vec<(String, i64, bool)> = vocab
            .into_iter()
            .map(|(n,)| {
                let c = counts.remove(&n).unwrap_or(0);
                (n, c, true)
            })
            .collect();
        out.extend(counts.into_iter().map(|(n, c)| (n, c, false)));
        Ok(out)
    }

    /// One enterprise, if the visibility allows it.
    pub async fn enterprise(
        &self,
        zone_id: Uuid,
        vis: &Visibility,
        id: Uuid,
    ) -> Result<Option<EnterpriseRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, EnterpriseRow>(enterprise_select!(
                "WHERE e.zone_id = $1 AND ($2 IS NULL OR g.path LIKE $2) AND ($3 IS NULL OR e.id = $3) AND e.id = $4"
            ))
            .bind(zone_id)
            .bind(vis.path_like())
            .bind(vis.enterprise())
            .bind(id)
            .fetch_optional(p)
            .await
        })?)
    }

    pub async fn enterprise_by_uscc(
        &self,
        zone_id: Uuid,
        uscc: &str,
    ) -> Result<Option<EnterpriseRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, EnterpriseRow>(enterprise_select!(
                "WHERE e.zone_id = $1 AND e.uscc = $2"
            ))
            .bind(zone_id)
            .bind(uscc)
            .fetch_optional(p)
            .await
        })?)
    }

    /// Enterprises per street within the visibility (`key` = street id as text, `label` = name).
    pub async fn enterprises_by_street(
        &self,
        zone_id: Uuid,
        vis: &Visibility,
    ) -> Result<Vec<CountBy>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, CountBy>(
                "SELECT s.code AS key, s.name AS label, COUNT(*) AS count FROM enterprises e \
                 LEFT JOIN org_units g ON g.id = e.grid_id LEFT JOIN org_units s ON s.id = g.street_id \
                 WHERE e.zone_id = $1 AND ($2 IS NULL OR g.path LIKE $2) AND ($3 IS NULL OR e.id = $3) \
                 GROUP BY s.code, s.name ORDER BY s.code",
            )
            .bind(zone_id)
            .bind(vis.path_like())
            .bind(vis.enterprise())
            .fetch_all(p)
            .await
        })?)
    }

    /// Enterprises per size class within the visibility (`key` = size class).
    pub async fn enterprises_by_size(
        &self,
        zone_id: Uuid,
        vis: &Visibility,
    ) -> Result<Vec<CountBy>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, CountBy>(
                "SELECT e.size_class AS key, e.size_class AS label, COUNT(*) AS count FROM enterprises e \
                 LEFT JOIN org_units g ON g.id = e.grid_id \
                 WHERE e.zone_id = $1 AND ($2 IS NULL OR g.path LIKE $2) AND ($3 IS NULL OR e.id = $3) \
                 GROUP BY e.size_class ORDER BY e.size_class",
            )
            .bind(zone_id)
            .bind(vis.path_like())
            .bind(vis.enterprise())
            .fetch_all(p)
            .await
        })?)
    }
}

impl Tx {
    /// Inserts many enterprises in multi-row statements (demo load, imports).
    pub async fn insert_enterprises(&mut self, rows: &[NewEnterprise]) -> Result<Vec<Uuid>> {
        let t = now();
        let ids: Vec<Uuid> = rows.iter().map(|_| crate::new_id()).collect();
        for (chunk, chunk_ids) in rows.chunks(100).zip(ids.chunks(100)) {
            with_tx!(self, |c| {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO enterprises (id, zone_id, uscc, name, former_names, legal_rep, \
                     registered_capital_wan, founded_on, address, grid_id, industry_code, employees, revenue_wan, \
                     assets_wan, size_class, tags, contact_name, contact_phone, lon, lat, created_at, updated_at, \
                     uscc_exception, service_staff_id, revenue_last_year_wan, rd_spend_wan) ",
                );
                qb.push_values(chunk.iter().zip(chunk_ids), |mut b, (e, id)| {
                    b.push_bind(*id)
                        .push_bind(e.zone_id)
                        .push_bind(e.uscc.clone())
                        .push_bind(e.name.clone())
                        .push_bind(Json(e.former_names.clone()))
                        .push_bind(e.legal_rep.clone())
                        .push_bind(e.registered_capital_wan)
                        .push_bind(e.founded_on)
                        .push_bind(e.address.clone())
                        .push_bind(e.grid_id)
                        .push_bind(e.industry_code.clone())
                        .push_bind(e.employees)
                        .push_bind(e.revenue_wan)
                        .push_bind(e.assets_wan)
                        .push_bind(e.size_class.clone())
                        .push_bind(Json(e.tags.clone()))
                        .push_bind(e.contact_name.clone())
                        .push_bind(e.contact_phone.clone())
                        .push_bind(e.lon)
                        .push_bind(e.lat)
                        .push_bind(t)
                        .push_bind(t)
                        .push_bind(e.uscc_exception.clone())
                        .push_bind(e.service_staff_id)
                        .push_bind(e.revenue_last_year_wan)
                        .push_bind(e.rd_spend_wan);
                });
                qb.build().execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        for id in &ids {
            self.index_enterprise(*id).await?;
        }
        Ok(ids)
    }

    /// Writes back the editable columns of an enterprise and re-indexes it.
    pub async fn save_enterprise(&mut self, e: &EnterpriseRow) -> Result<()> {
        let n = with_tx!(self, |c| {
            sqlx::query(
                "UPDATE enterprises SET uscc = $1, name = $2, former_names = $3, legal_rep = $4, \
                 registered_capital_wan = $5, founded_on = $6, address = $7, grid_id = $8, industry_code = $9, \
                 employees = $10, revenue_wan = $11, assets_wan = $12, size_class = $13, tags = $14, \
                 contact_name = $15, contact_phone = $16, lon = $17, lat = $18, uscc_exception = $19, \
                 service_staff_id = $20, updated_at = $21, revenue_last_year_wan = $22, rd_spend_wan = $23 \
                 WHERE id = $24",
            )
            .bind(&e.uscc)
            .bind(&e.name)
            .bind(&e.former_names)
            .bind(&e.legal_rep)
            .bind(e.registered_capital_wan)
            .bind(e.founded_on)
            .bind(&e.address)
            .bind(e.grid_id)
            .bind(&e.industry_code)
            .bind(e.employees)
            .bind(e.revenue_wan)
            .bind(e.assets_wan)
            .bind(&e.size_class)
            .bind(&e.tags)
            .bind(&e.contact_name)
            .bind(&e.contact_phone)
            .bind(e.lon)
            .bind(e.lat)
            .bind(&e.uscc_exception)
            .bind(e.service_staff_id)
            .bind(now())
            .bind(e.revenue_last_year_wan)
            .bind(e.rd_spend_wan)
            .bind(e.id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if n == 0 {
            return Err(crate::StoreError::NotFound);
        }
        self.index_enterprise(e.id).await
    }

    /// Makes one staff member the service staff (服务专员) of these enterprises.
    pub async fn assign_service_staff(&mut self, enterprises: &[Uuid], user: Uuid) -> Result<()> {
        for id in enterprises {
            with_tx!(self, |c| sqlx::query(
                "UPDATE enterprises SET service_staff_id = $1 WHERE id = $2"
            )
            .bind(user)
            .bind(*id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Replaces the zone's tag vocabulary.
    pub async fn set_enterprise_tags(&mut self, zone_id: Uuid, tags: &[String]) -> Result<()> {
        with_tx!(self, |c| sqlx::query(
            "DELETE FROM enterprise_tags WHERE zone_id = $1"
        )
        .bind(zone_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        for (i, t) in tags.iter().enumerate() {
            with_tx!(self, |c| sqlx::query(
                "INSERT INTO enterprise_tags (zone_id, name, sort) VALUES ($1, $2, $3)"
            )
            .bind(zone_id)
            .bind(t)
            .bind(i as i64)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Deletes an enterprise entered by mistake, with its index entry. Refused by the database
    /// ([`StoreError::Constraint`](crate::StoreError::Constraint)) while a case, an account or
    /// anything else refers to it.
    pub async fn delete_enterprise(&mut self, id: Uuid) -> Result<()> {
        self.unindex_enterprise(id).await?;
        let n = with_tx!(self, |c| sqlx::query(
            "DELETE FROM enterprises WHERE id = $1"
        )
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(crate::StoreError::NotFound);
        }
        Ok(())
    }
}

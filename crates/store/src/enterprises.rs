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
             e.contact_phone, e.lon, e.lat, e.created_at, e.updated_at, COUNT(*) OVER () AS total_count \
             FROM enterprises e LEFT JOIN org_units g ON g.id = e.grid_id \
             LEFT JOIN org_units s ON s.id = g.street_id ",
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
             ORDER BY {order} LIMIT $6 OFFSET $7",
            enterprise_select!("")
        );
        let rows = with_pool!(self, |p| {
            sqlx::query_as::<_, EnterpriseRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .bind(vis.path_like())
                .bind(vis.enterprise())
                .bind(f.street_id)
                .bind(f.grid_id)
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(p)
                .await
        })?;
        let total = rows.first().map(|r| r.total_count).unwrap_or(0);
        Ok((rows, total))
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
                     assets_wan, size_class, tags, contact_name, contact_phone, lon, lat, created_at, updated_at) ",
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
                        .push_bind(t);
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
                "UPDATE enterprises SET name = $1, former_names = $2, legal_rep = $3, address = $4, grid_id = $5, \
                 tags = $6, contact_name = $7, contact_phone = $8, updated_at = $9 WHERE id = $10",
            )
            .bind(&e.name)
            .bind(&e.former_names)
            .bind(&e.legal_rep)
            .bind(&e.address)
            .bind(e.grid_id)
            .bind(&e.tags)
            .bind(&e.contact_name)
            .bind(&e.contact_phone)
            .bind(now())
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

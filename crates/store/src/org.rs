//! The org tree: zone (管委会) → departments and streets → communities/villages → grids.
//! Units are never deleted: they are moved or deactivated, and every record that pointed at them
//! keeps pointing at the same id.

use crate::{Result, Store, StoreError, Tx, now, with_pool, with_tx};
use serde::Serialize;
use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct OrgUnitRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub kind: String,
    pub name: String,
    pub code: String,
    pub active: bool,
    pub sort_order: i32,
    pub path: String,
    pub street_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// What a new unit needs; `parent` is `None` only for a zone.
#[derive(Debug, Clone)]
pub struct NewOrgUnit<'a> {
    pub parent: Option<&'a OrgUnitRow>,
    pub kind: &'a str,
    pub name: &'a str,
    pub code: &'a str,
    pub sort_order: i32,
}

impl Store {
    /// Every unit of a zone (active and not), parents before children.
    pub async fn org_units(&self, zone_id: Uuid) -> Result<Vec<OrgUnitRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, OrgUnitRow>(
                "SELECT id, zone_id, parent_id, kind, name, code, active, sort_order, path, street_id, created_at, updated_at \
                 FROM org_units WHERE zone_id = $1 ORDER BY length(path), sort_order, code",
            )
            .bind(zone_id)
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn org_unit(&self, id: Uuid) -> Result<Option<OrgUnitRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, OrgUnitRow>(
                "SELECT id, zone_id, parent_id, kind, name, code, active, sort_order, path, street_id, created_at, updated_at \
                 FROM org_units WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await
        })?)
    }

    /// All zones (top-level units).
    pub async fn zones(&self) -> Result<Vec<OrgUnitRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, OrgUnitRow>(
                "SELECT id, zone_id, parent_id, kind, name, code, active, sort_order, path, street_id, created_at, updated_at \
                 FROM org_units WHERE parent_id IS NULL ORDER BY code",
            )
            .fetch_all(p)
            .await
        })?)
    }
}

impl Tx {
    pub async fn insert_org_unit(&mut self, new: NewOrgUnit<'_>) -> Result<OrgUnitRow> {
        let id = crate::new_id();
        let (zone_id, path, street_id) = match new.parent {
            None => (id, format!("/{id}/"), None),
            Some(parent) => {
                let street = if new.kind == "street" {
                    Some(id)
                } else {
                    parent.street_id
                };
                (parent.zone_id, format!("{}{id}/", parent.path), street)
            }
        };
        let t = now();
        let row = OrgUnitRow {
            id,
            zone_id,
            parent_id: new.parent.map(|p| p.id),
            kind: new.kind.to_string(),
            name: new.name.to_string(),
            code: new.code.to_string(),
            active: true,
            sort_order: new.sort_order,
            path,
            street_id,
            created_at: t,
            updated_at: t,
        };
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO org_units (id, zone_id, parent_id, kind, name, code, active, sort_order, path, street_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(row.id)
            .bind(row.zone_id)
            .bind(row.parent_id)
            .bind(&row.kind)
            .bind(&row.name)
            .bind(&row.code)
            .bind(row.active)
            .bind(row.sort_order)
            .bind(&row.path)
            .bind(row.street_id)
            .bind(row.created_at)
            .bind(row.updated_at)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
        })?;
        Ok(row)
    }

    /// Renames, reorders and (de)activates a unit.
    pub async fn update_org_unit(
        &mut self,
        id: Uuid,
        name: &str,
        sort_order: i32,
        active: bool,
    ) -> Result<()> {
        let done = with_tx!(self, |c| {
            sqlx::query(
                "UPDATE org_units SET name = $1, sort_order = $2, active = $3, updated_at = $4 WHERE id = $5",
            )
            .bind(name)
            .bind(sort_order)
            .bind(active)
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

    /// Moves `unit` (and its whole subtree) under `new_parent`: the materialised paths and the
    /// street of every unit below are rewritten in this transaction.
    pub async fn move_org_unit(
        &mut self,
        unit: &OrgUnitRow,
        new_parent: &OrgUnitRow,
    ) -> Result<()> {
        let new_path = format!("{}{}/", new_parent.path, unit.id);
        let old_len = unit.path.len() as i32; // paths are ASCII (uuids and slashes)
        let prefix = format!("{}%", unit.path);
        let street = if unit.kind == "street" {
            Some(unit.id)
        } else {
            new_parent.street_id
        };
        with_tx!(self, |c| {
            sqlx::query("UPDATE org_units SET parent_id = $1, updated_at = $2 WHERE id = $3")
                .bind(new_parent.id)
                .bind(now())
                .bind(unit.id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())?;
            sqlx::query(
                "UPDATE org_units SET path = $1 || substr(path, $2), street_id = $3 WHERE path LIKE $4",
            )
            .bind(&new_path)
            .bind(old_len + 1)
            .bind(street)
            .bind(&prefix)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}

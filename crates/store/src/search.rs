//! Full-text search inside the database, over jieba tokens.
//!
//! The store computes the tokens ([`jiban_lang`]) and writes them in the same transaction as the row
//! they index — [`Tx::insert_case`](crate::Tx::insert_case), a reply saved by
//! [`Tx::save_assignment`](crate::Tx::save_assignment), an enterprise inserted, renamed or
//! deleted — so a search never sees a stale or half-written index. SQLite keeps them in FTS5
//! (`case_fts`, `enterprise_fts`, ranked by bm25), PostgreSQL in a `tsvector` with a GIN index
//! (ranked by `ts_rank_cd`), built from a literal with positions and weights rather than by a
//! text-search parser (PostgreSQL's does not segment Chinese).
//!
//! Field weights: a case's title counts 4× its description and 2× its replies; an enterprise's
//! name counts more than its former names, which count more than its address.
//!
//! The query is compiled by [`jiban_lang::Segmenter::query`] into an FTS5 or `tsquery` string and
//! embedded as an SQL string literal (quotes doubled) rather than bound, so that the list queries
//! keep their fixed parameter numbering; the string comes from our own encoder, never verbatim
//! from the caller.

use crate::{Result, Store, Tx, with_pool, with_tx};
use jiban_lang::{Query, segmenter, tsvector_literal};
use uuid::Uuid;

/// What an index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKind {
    Cases,
    Enterprises,
    /// Policies: title, 文号 + issuer, full text.
    Policies,
}

/// An SQL string literal of a compiled query (single quotes doubled, NULs dropped).
pub(crate) fn sql_literal(s: &str) -> String {
    format!("'{}'", s.replace('\0', "").replace('\'', "''"))
}

/// Whether a query looks like an identifier that is searched exactly (case number, phone number,
/// credit code): ASCII letters, digits and hyphens, at least six characters, at least one digit.
pub fn identifier_query(q: &str) -> Option<String> {
    let q = q.trim();
    let ok = q.len() >= 6
        && q.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && q.bytes().any(|b| b.is_ascii_digit());
    ok.then(|| q.to_ascii_uppercase())
}

/// The `WITH m AS (…)` clause that yields `(sid, rank)` for the cases matching a query, best first
/// by `ORDER BY m.rank` (SQLite's bm25 is negative, PostgreSQL's rank is negated to agree). An
/// identifier also matches case numbers, phone numbers and the credit codes of enterprises
/// exactly, ranked before every text match. Uses `$1` (the zone) only.
pub(crate) fn case_match_cte(store_is_pg: bool, q: &Query, ident: Option<&str>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(id) = ident {
        let lit = sql_literal(id);
        parts.push(format!(
            "SELECT id AS sid, -1e9 AS rank FROM cases WHERE zone_id = $1 AND case_no = {lit} \
             UNION SELECT id AS sid, -1e9 AS rank FROM cases WHERE zone_id = $1 AND person_phone = {lit} \
             UNION SELECT k.id AS sid, -1e9 AS rank FROM enterprises ee JOIN cases k ON k.enterprise_id = ee.id \
             WHERE ee.zone_id = $1 AND ee.uscc = {lit}"
        ));
    }
    if !q.is_empty() {
        if store_is_pg {
            parts.push(format!(
                "SELECT s.case_id AS sid, -ts_rank_cd(s.doc, {q}::tsquery) AS rank FROM case_search s \
                 WHERE s.zone_id = $1 AND s.doc @@ {q}::tsquery",
                q = sql_literal(&q.to_tsquery())
            ));
        } else {
            parts.push(format!(
                "SELECT s.case_id AS sid, bm25(case_fts, 4.0, 1.0, 2.0) AS rank FROM case_fts \
                 JOIN case_search s ON s.id = case_fts.rowid WHERE case_fts MATCH {}",
                sql_literal(&q.to_fts5())
            ));
        }
    }
    if parts.is_empty() {
        // nothing searchable: match nothing
        parts.push("SELECT id AS sid, 0 AS rank FROM cases WHERE 1 = 0".into());
    }
    // one row per match: an identifier may match twice (exactly and in part)
    if parts.len() == 1 && ident.is_none() {
        format!("WITH m AS ({}) ", parts[0])
    } else {
        format!(
            "WITH m AS (SELECT sid, MIN(rank) AS rank FROM ({}) u GROUP BY sid) ",
            parts.join(" UNION ALL ")
        )
    }
}

/// The same for enterprises (name, former names, address; identifiers: the credit code, exactly
/// or a part of it).
pub(crate) fn enterprise_match_cte(store_is_pg: bool, q: &Query, ident: Option<&str>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(id) = ident {
        // exact first, then a part of the code (people type the last digits); the identifier is
        // ASCII letters, digits and hyphens only, so it holds no LIKE wildcard
        parts.push(format!(
            "SELECT id AS sid, -1e9 AS rank FROM enterprises WHERE zone_id = $1 AND uscc = {} \
             UNION SELECT id AS sid, -1e8 AS rank FROM enterprises WHERE zone_id = $1 AND uscc LIKE {}",
            sql_literal(id),
            sql_literal(&format!("%{id}%"))
        ));
    }
    if !q.is_empty() {
        if store_is_pg {
            parts.push(format!(
                "SELECT s.enterprise_id AS sid, -ts_rank_cd(s.doc, {q}::tsquery) AS rank FROM enterprise_search s \
                 WHERE s.zone_id = $1 AND s.doc @@ {q}::tsquery",
                q = sql_literal(&q.to_tsquery())
            ));
        } else {
            parts.push(format!(
                "SELECT s.enterprise_id AS sid, bm25(enterprise_fts, 4.0, 2.0, 1.0) AS rank FROM enterprise_fts \
                 JOIN enterprise_search s ON s.id = enterprise_fts.rowid WHERE enterprise_fts MATCH {}",
                sql_literal(&q.to_fts5())
            ));
        }
    }
    if parts.is_empty() {
        parts.push("SELECT id AS sid, 0 AS rank FROM enterprises WHERE 1 = 0".into());
    }
    // one row per match: an identifier may match twice (exactly and in part)
    if parts.len() == 1 && ident.is_none() {
        format!("WITH m AS ({}) ", parts[0])
    } else {
        format!(
            "WITH m AS (SELECT sid, MIN(rank) AS rank FROM ({}) u GROUP BY sid) ",
            parts.join(" UNION ALL ")
        )
    }
}

#[derive(sqlx::FromRow)]
struct CaseText {
    zone_id: Uuid,
    title: String,
    description: String,
    address: Option<String>,
    replies: Option<String>,
}

#[derive(sqlx::FromRow)]
struct EnterpriseText {
    zone_id: Uuid,
    name: String,
    former_names: crate::Json<Vec<String>>,
    address: String,
}

const CASE_TEXT: &str = "SELECT c.zone_id, c.title, c.description, c.address, \
     (SELECT STRING_AGG(a.reply, ' ') FROM case_assignments a WHERE a.case_id = c.id AND a.reply IS NOT NULL) AS replies \
     FROM cases c WHERE c.id = $1";

const ENTERPRISE_TEXT: &str =
    "SELECT zone_id, name, former_names, address FROM enterprises WHERE id = $1";

impl Tx {
    /// (Re)writes the index entry of a case from its current title, description, address and
    /// replies.
    pub async fn index_case(&mut self, case_id: Uuid) -> Result<()> {
        let sql = if self.is_postgres() {
            CASE_TEXT.to_string()
        } else {
            CASE_TEXT.replace("STRING_AGG(a.reply, ' ')", "GROUP_CONCAT(a.reply, ' ')")
        };
        let row = with_tx!(self, |c| {
            sqlx::query_as::<_, CaseText>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(case_id)
                .fetch_optional(&mut *c)
                .await
        })?;
        let Some(row) = row else {
            return self.unindex_case(case_id).await;
        };
        let s = segmenter();
        let title = s.index_terms(&row.title);
        let mut body = s.index_terms(&row.description);
        body.extend(s.index_terms(row.address.as_deref().unwrap_or("")));
        let replies = s.index_terms(row.replies.as_deref().unwrap_or(""));
        self.write_doc(
            SearchKind::Cases,
            case_id,
            row.zone_id,
            [&title, &body, &replies],
        )
        .await
    }

    /// Removes a case from the index.
    pub async fn unindex_case(&mut self, case_id: Uuid) -> Result<()> {
        self.remove_doc(SearchKind::Cases, case_id).await
    }

    /// (Re)writes the index entry of an enterprise.
    pub async fn index_enterprise(&mut self, id: Uuid) -> Result<()> {
        let row = with_tx!(self, |c| {
            sqlx::query_as::<_, EnterpriseText>(ENTERPRISE_TEXT)
                .bind(id)
                .fetch_optional(&mut *c)
                .await
        })?;
        let Some(row) = row else {
            return self.unindex_enterprise(id).await;
        };
        let s = segmenter();
        let name = s.index_terms(&row.name);
        let former = s.index_terms(&row.former_names.0.join(" "));
        let address = s.index_terms(&row.address);
        self.write_doc(
            SearchKind::Enterprises,
            id,
            row.zone_id,
            [&name, &former, &address],
        )
        .await
    }

    /// Removes an enterprise from the index.
    pub async fn unindex_enterprise(&mut self, id: Uuid) -> Result<()> {
        self.remove_doc(SearchKind::Enterprises, id).await
    }

    /// (Re)writes the index entry of a policy (title; 文号 and issuer; full text and its items).
    pub async fn index_policy(&mut self, id: Uuid) -> Result<()> {
        let row: Option<(Uuid, String, String, String, String)> = with_tx!(self, |c| {
            sqlx::query_as(
                "SELECT zone_id, title, doc_no, issuer, body FROM policies WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *c)
            .await
        })?;
        let Some((zone_id, title, doc_no, issuer, body)) = row else {
            return self.remove_doc(SearchKind::Policies, id).await;
        };
        let items: Vec<(String, String)> = with_tx!(self, |c| {
            sqlx::query_as("SELECT title, summary FROM policy_items WHERE policy_id = $1")
                .bind(id)
                .fetch_all(&mut *c)
                .await
        })?;
        let s = segmenter();
        let mut t = s.index_terms(&title);
        for (it, _) in &items {
            t.extend(s.index_terms(it));
        }
        let mut meta = s.index_terms(&issuer);
        meta.extend(s.index_terms(&doc_no));
        let mut text = s.index_terms(&body);
        for (_, summary) in &items {
            text.extend(s.index_terms(summary));
        }
        self.write_doc(SearchKind::Policies, id, zone_id, [&t, &meta, &text])
            .await
    }

    async fn write_doc(
        &mut self,
        kind: SearchKind,
        id: Uuid,
        zone_id: Uuid,
        fields: [&Vec<String>; 3],
    ) -> Result<()> {
        let (map, fts, key, cols) = names(kind);
        if self.is_postgres() {
            let doc = tsvector_literal(&[(fields[0], 'A'), (fields[1], 'B'), (fields[2], 'C')]);
            let sql = format!(
                "INSERT INTO {map} ({key}, zone_id, doc) VALUES ($1, $2, $3::tsvector) \
                 ON CONFLICT ({key}) DO UPDATE SET doc = EXCLUDED.doc"
            );
            with_tx!(self, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .bind(zone_id)
                .bind(&doc)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        } else {
            let sql =
                format!("INSERT INTO {map} ({key}) VALUES ($1) ON CONFLICT ({key}) DO NOTHING");
            with_tx!(self, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
            let sql = format!("SELECT id FROM {map} WHERE {key} = $1");
            let rowid: i64 = with_tx!(self, |c| sqlx::query_scalar(sqlx::AssertSqlSafe(
                sql.clone()
            ))
            .bind(id)
            .fetch_one(&mut *c)
            .await)?;
            let del = format!("DELETE FROM {fts} WHERE rowid = $1");
            let ins = format!("INSERT INTO {fts} (rowid, {cols}) VALUES ($1, $2, $3, $4)");
            with_tx!(self, |c| sqlx::query(sqlx::AssertSqlSafe(del.clone()))
                .bind(rowid)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
            with_tx!(self, |c| sqlx::query(sqlx::AssertSqlSafe(ins.clone()))
                .bind(rowid)
                .bind(fields[0].join(" "))
                .bind(fields[1].join(" "))
                .bind(fields[2].join(" "))
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    async fn remove_doc(&mut self, kind: SearchKind, id: Uuid) -> Result<()> {
        let (map, fts, key, _) = names(kind);
        if !self.is_postgres() {
            let sql =
                format!("DELETE FROM {fts} WHERE rowid IN (SELECT id FROM {map} WHERE {key} = $1)");
            with_tx!(self, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        let sql = format!("DELETE FROM {map} WHERE {key} = $1");
        with_tx!(self, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}

fn names(kind: SearchKind) -> (&'static str, &'static str, &'static str, &'static str) {
    match kind {
        SearchKind::Cases => ("case_search", "case_fts", "case_id", "title, body, replies"),
        SearchKind::Enterprises => (
            "enterprise_search",
            "enterprise_fts",
            "enterprise_id",
            "name, former, address",
        ),
        SearchKind::Policies => (
            "policy_search",
            "policy_fts",
            "policy_id",
            "title, meta, body",
        ),
    }
}

impl Store {
    /// Rebuilds an index from the rows (after a dictionary change): `batch` rows per transaction,
    /// `progress(done, total)` after each. Returns the number of rows indexed.
    pub async fn reindex(
        &self,
        kind: SearchKind,
        batch: usize,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<u64> {
        let table = match kind {
            SearchKind::Cases => "cases",
            SearchKind::Enterprises => "enterprises",
            SearchKind::Policies => "policies",
        };
        let count_sql = format!("SELECT COUNT(*) FROM {table}");
        let total: i64 = with_pool!(self, |p| sqlx::query_scalar(sqlx::AssertSqlSafe(
            count_sql.clone()
        ))
        .fetch_one(p)
        .await)?;
        let page_sql = format!("SELECT id FROM {table} WHERE id > $1 ORDER BY id LIMIT $2");
        let mut after = Uuid::nil();
        let mut done = 0u64;
        progress(0, total as u64);
        loop {
            let ids: Vec<Uuid> = with_pool!(self, |p| sqlx::query_scalar(sqlx::AssertSqlSafe(
                page_sql.clone()
            ))
            .bind(after)
            .bind(batch.max(1) as i64)
            .fetch_all(p)
            .await)?;
            let Some(last) = ids.last() else { break };
            after = *last;
            let mut tx = self.begin().await?;
            for id in &ids {
                match kind {
                    SearchKind::Cases => tx.index_case(*id).await?,
                    SearchKind::Enterprises => tx.index_enterprise(*id).await?,
                    SearchKind::Policies => tx.index_policy(*id).await?,
                }
            }
            tx.commit().await?;
            done += ids.len() as u64;
            progress(done, total as u64);
        }
        Ok(done)
    }
}

impl Store {
    /// The match CTE of a case search, or `None` when there is nothing to search.
    pub(crate) fn case_search_cte(&self, q: Option<&str>) -> Option<String> {
        let q = q.map(str::trim).filter(|q| !q.is_empty())?;
        Some(case_match_cte(
            self.backend() == crate::Backend::Postgres,
            &segmenter().query(q),
            identifier_query(q).as_deref(),
        ))
    }

    /// The match CTE of a policy search (`WITH m AS (SELECT sid, rank …)`, lower rank first), or
    /// `None` when there is nothing to search. `$1` is the zone.
    pub(crate) fn policy_search_cte(&self, q: Option<&str>) -> Option<String> {
        let q = q.map(str::trim).filter(|q| !q.is_empty())?;
        let query = segmenter().query(q);
        let part = if query.is_empty() {
            "SELECT id AS sid, 0 AS rank FROM policies WHERE 1 = 0".to_string()
        } else if self.backend() == crate::Backend::Postgres {
            format!(
                "SELECT s.policy_id AS sid, -ts_rank_cd(s.doc, {q}::tsquery) AS rank FROM policy_search s \
                 WHERE s.zone_id = $1 AND s.doc @@ {q}::tsquery",
                q = sql_literal(&query.to_tsquery())
            )
        } else {
            format!(
                "SELECT s.policy_id AS sid, bm25(policy_fts, 4.0, 2.0, 1.0) AS rank FROM policy_fts \
                 JOIN policy_search s ON s.id = policy_fts.rowid WHERE policy_fts MATCH {}",
                sql_literal(&query.to_fts5())
            )
        };
        Some(format!("WITH m AS ({part}) "))
    }

    /// The match CTE of an enterprise search, or `None` when there is nothing to search.
    pub(crate) fn enterprise_search_cte(&self, q: Option<&str>) -> Option<String> {
        let q = q.map(str::trim).filter(|q| !q.is_empty())?;
        Some(enterprise_match_cte(
            self.backend() == crate::Backend::Postgres,
            &segmenter().query(q),
            identifier_query(q).as_deref(),
        ))
    }
}

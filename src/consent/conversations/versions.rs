//! The stored versions of a conversation log: every save appends one (who saved it, when, what
//! it said, who was there, a note per performer), and who may read which part of each.

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use super::kind::kind_label;
use crate::error::Result;
use crate::vault::{Encrypted, Field, Scope, Vault};

/// A version of a conversation log, without its notes.
#[derive(sqlx::FromRow)]
pub(super) struct VersionRow {
    /// `None` for a log written without stored versions, which reads as its own version 1.
    pub(super) conversation_version_id: Option<i64>,
    pub(super) conversation_id: i64,
    pub(super) version: i32,
    pub(super) kind: String,
    pub(super) held_at: OffsetDateTime,
    pub(super) summary: String,
    pub(super) summary_sealed: Option<Encrypted<String>>,
    pub(super) created_at: OffsetDateTime,
    pub(super) recorded_by: Option<String>,
    pub(super) performer_ids: Vec<i64>,
    /// `#1 Alex Rivera`, in cast order like `performer_ids`.
    pub(super) performers: Vec<String>,
}

impl VersionRow {
    pub(super) fn kind_label(&self) -> &'static str {
        kind_label(&self.kind)
    }
    pub(super) fn who(&self) -> String {
        self.performers.join(", ")
    }
    pub(super) fn has(&self, cast_member_id: i64) -> bool {
        self.performer_ids.contains(&cast_member_id)
    }
}

/// Whose key seals a conversation's summary: the performer's own when it was with them alone
/// (so erasing them erases it), the production's when it was joint.
pub(super) fn summary_scope(production_id: i64, performers: &[i64]) -> Scope {
    match performers {
        [one] => Scope::Person {
            production: production_id,
            cast_member: *one,
        },
        _ => Scope::Production(production_id),
    }
}

/// Where a version's summary is sealed: the version is named by its conversation and number,
/// which are known before the row is written.
fn version_summary(conversation_id: i64, version: i32) -> Field {
    Field::new(
        "conversation_version",
        "summary_sealed",
        format!("{conversation_id}/{version}"),
    )
}

fn version_note(conversation_id: i64, version: i32, cast_member_id: i64) -> Field {
    Field::new(
        "conversation_version_performer",
        "note_sealed",
        format!("{conversation_id}/{version}/{cast_member_id}"),
    )
}

/// Where the log's own (newest) summary is sealed.
pub(super) fn log_summary(conversation_id: i64) -> Field {
    Field::new("conversation", "summary_sealed", conversation_id)
}

/// Every version of a conversation, newest first. A log written without stored versions (before
/// they existed, or straight into the database) reads as its own version 1, saved when it was
/// last changed, by whoever logged it if it was never changed.
pub(super) async fn versions(
    vault: &Vault,
    pool: &PgPool,
    production_id: i64,
    conversation_id: i64,
) -> Result<Vec<VersionRow>> {
    let mut conn = pool.acquire().await?;
    let mut rows: Vec<VersionRow> = sqlx::query_as(
        "select v.conversation_version_id, v.conversation_id, v.version, v.kind, v.held_at,
                v.summary, v.summary_sealed, v.created_at,
                u.name as recorded_by,
                array(select vp.cast_member_id from conversation_version_performer vp
                      join cast_member c using (cast_member_id)
                      where vp.conversation_version_id = v.conversation_version_id
                      order by c.cast_number) as performer_ids,
                array(select '#' || c.cast_number || ' ' || c.name
                      from conversation_version_performer vp
                      join cast_member c using (cast_member_id)
                      where vp.conversation_version_id = v.conversation_version_id
                      order by c.cast_number) as performers
         from conversation_version v left join app_user u on u.user_id = v.recorded_by
         where v.production_id = $1 and v.conversation_id = $2
         union all
         select null, k.conversation_id, 1, k.kind, k.held_at, k.summary, k.summary_sealed,
                k.updated_at,
                case when k.updated_at = k.created_at then u.name end,
                array(select cp.cast_member_id from conversation_performer cp
                      join cast_member c using (cast_member_id)
                      where cp.conversation_id = k.conversation_id order by c.cast_number),
                array(select '#' || c.cast_number || ' ' || c.name
                      from conversation_performer cp join cast_member c using (cast_member_id)
                      where cp.conversation_id = k.conversation_id order by c.cast_number)
         from conversation k left join app_user u on u.user_id = k.created_by
         where k.production_id = $1 and k.conversation_id = $2
           and not exists (select 1 from conversation_version v
                           where v.conversation_id = k.conversation_id)
         order by version desc",
    )
    .bind(production_id)
    .bind(conversation_id)
    .fetch_all(&mut *conn)
    .await?;
    for v in &mut rows {
        let field = match v.conversation_version_id {
            Some(_) => version_summary(v.conversation_id, v.version),
            None => log_summary(v.conversation_id),
        };
        v.summary = vault
            .reveal(
                &mut conn,
                &field,
                v.summary_sealed.take().as_ref(),
                std::mem::take(&mut v.summary),
            )
            .await?;
    }
    Ok(rows)
}

/// A performer's confidential note in one version.
#[derive(sqlx::FromRow)]
pub(super) struct Note {
    pub(super) cast_member_id: i64,
    /// `#1 Alex Rivera`.
    pub(super) performer: String,
    pub(super) note: String,
    pub(super) note_sealed: Option<Encrypted<String>>,
}

impl Note {
    pub(super) fn lines(&self) -> Vec<String> {
        crate::web::form::lines(&self.note)
    }
}

/// The notes of one version, in cast order: all of them, or `only` one performer's. A
/// performer's page asks for their own alone, so no other performer's note is ever loaded.
pub(super) async fn notes(
    vault: &Vault,
    pool: &PgPool,
    version: &VersionRow,
    only: Option<i64>,
) -> Result<Vec<Note>> {
    // A log without stored versions has no notes.
    let Some(conversation_version_id) = version.conversation_version_id else {
        return Ok(Vec::new());
    };
    let mut conn = pool.acquire().await?;
    let mut notes: Vec<Note> = sqlx::query_as(
        "select vp.cast_member_id, '#' || c.cast_number || ' ' || c.name as performer, vp.note,
                vp.note_sealed
         from conversation_version_performer vp join cast_member c using (cast_member_id)
         where vp.conversation_version_id = $1
           and ($2::bigint is null or vp.cast_member_id = $2)
         order by c.cast_number",
    )
    .bind(conversation_version_id)
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    for n in &mut notes {
        n.note = vault
            .reveal(
                &mut conn,
                &version_note(version.conversation_id, version.version, n.cast_member_id),
                n.note_sealed.take().as_ref(),
                std::mem::take(&mut n.note),
            )
            .await?;
    }
    Ok(notes)
}

/// Whether a performer reads the coordinator's summary of a version: only when the conversation
/// was with them alone in that version and every one before it, so nothing written while
/// another performer was part of it reaches them. `performer_sets` runs oldest to the version
/// shown.
pub(super) fn summary_is_theirs<'a>(
    performer_sets: impl IntoIterator<Item = &'a [i64]>,
    cast_member_id: i64,
) -> bool {
    let mut any = false;
    for set in performer_sets {
        if set != [cast_member_id] {
            return false;
        }
        any = true;
    }
    any
}

/// What a new version holds.
pub(super) struct NewVersion<'a> {
    pub(super) production_id: i64,
    pub(super) conversation_id: i64,
    pub(super) kind: &'a str,
    pub(super) held_at: OffsetDateTime,
    pub(super) summary: &'a str,
    /// Who was there, each with their note (empty when none).
    pub(super) performers: &'a [(i64, String)],
    pub(super) recorded_by: i64,
}

/// The newest stored version as it compares with an edit: kind, held at, summary, and who took
/// part with their notes, by cast member id.
pub(super) type Stored = (String, OffsetDateTime, String, Vec<i64>, Vec<String>);

#[derive(sqlx::FromRow)]
struct NewestRow {
    version: i32,
    kind: String,
    held_at: OffsetDateTime,
    summary: String,
    summary_sealed: Option<Encrypted<String>>,
    ids: Vec<i64>,
    notes: Vec<String>,
    sealed_notes: Vec<Option<Vec<u8>>>,
}

/// The newest stored version, in clear, as an edit compares with it.
pub(super) async fn newest_stored(
    vault: &Vault,
    tx: &mut PgConnection,
    conversation_id: i64,
) -> Result<Stored> {
    let row: NewestRow = sqlx::query_as(
        "select v.version, v.kind, v.held_at, v.summary, v.summary_sealed,
                array(select vp.cast_member_id from conversation_version_performer vp
                      where vp.conversation_version_id = v.conversation_version_id
                      order by vp.cast_member_id) as ids,
                array(select vp.note from conversation_version_performer vp
                      where vp.conversation_version_id = v.conversation_version_id
                      order by vp.cast_member_id) as notes,
                array(select vp.note_sealed from conversation_version_performer vp
                      where vp.conversation_version_id = v.conversation_version_id
                      order by vp.cast_member_id) as sealed_notes
         from conversation_version v where v.conversation_id = $1
         order by v.version desc limit 1",
    )
    .bind(conversation_id)
    .fetch_one(&mut *tx)
    .await?;
    let summary = vault
        .reveal(
            tx,
            &version_summary(conversation_id, row.version),
            row.summary_sealed.as_ref(),
            row.summary,
        )
        .await?;
    let mut notes = Vec::with_capacity(row.ids.len());
    for ((id, clear), sealed) in row.ids.iter().zip(row.notes).zip(row.sealed_notes) {
        let sealed = sealed.map(Encrypted::from_stored);
        notes.push(
            vault
                .reveal(
                    tx,
                    &version_note(conversation_id, row.version, *id),
                    sealed.as_ref(),
                    clear,
                )
                .await?,
        );
    }
    Ok((row.kind, row.held_at, summary, row.ids, notes))
}

#[derive(sqlx::FromRow)]
struct UnversionedRow {
    production_id: i64,
    kind: String,
    held_at: OffsetDateTime,
    summary: String,
    summary_sealed: Option<Encrypted<String>>,
    recorded_by: Option<i64>,
    saved_at: OffsetDateTime,
    performers: Vec<i64>,
}

/// Stores a log without stored versions as it reads now (see `versions`), as version 1, so that
/// an edit never loses what it said. Does nothing for a log
/// with versions. Runs in the editing transaction, before the log's row changes.
pub(super) async fn keep_unversioned(
    vault: &Vault,
    tx: &mut PgConnection,
    conversation_id: i64,
) -> Result<()> {
    let row: Option<UnversionedRow> = sqlx::query_as(
        "select k.production_id, k.kind, k.held_at, k.summary, k.summary_sealed,
                case when k.updated_at = k.created_at then k.created_by end as recorded_by,
                k.updated_at as saved_at,
                array(select cp.cast_member_id from conversation_performer cp
                      where cp.conversation_id = k.conversation_id) as performers
         from conversation k
         where k.conversation_id = $1
           and not exists (select 1 from conversation_version v
                           where v.conversation_id = k.conversation_id)",
    )
    .bind(conversation_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(());
    };
    let summary = vault
        .reveal(
            tx,
            &log_summary(conversation_id),
            row.summary_sealed.as_ref(),
            row.summary,
        )
        .await?;
    let performers: Vec<(i64, String)> = row
        .performers
        .iter()
        .map(|id| (*id, String::new()))
        .collect();
    insert_version(
        vault,
        tx,
        &NewVersion {
            production_id: row.production_id,
            conversation_id,
            kind: &row.kind,
            held_at: row.held_at,
            summary: &summary,
            performers: &performers,
            recorded_by: 0,
        },
        1,
        row.recorded_by,
        Some(row.saved_at),
    )
    .await?;
    Ok(())
}

/// Appends the next version of a conversation, in the caller's transaction (which holds the
/// conversation's row lock, so two saves cannot take the same number). Answers its number.
pub(super) async fn append_version(
    vault: &Vault,
    tx: &mut PgConnection,
    new: &NewVersion<'_>,
) -> Result<i32> {
    let version: i32 = sqlx::query_scalar(
        "select coalesce(max(version), 0) + 1 from conversation_version
         where conversation_id = $1",
    )
    .bind(new.conversation_id)
    .fetch_one(&mut *tx)
    .await?;
    insert_version(vault, tx, new, version, Some(new.recorded_by), None).await?;
    Ok(version)
}

/// Writes one version with its summary and notes sealed: the summary under `summary_scope`,
/// each note under its performer's own key. Empty texts stay empty and unsealed.
async fn insert_version(
    vault: &Vault,
    tx: &mut PgConnection,
    new: &NewVersion<'_>,
    version: i32,
    recorded_by: Option<i64>,
    saved_at: Option<OffsetDateTime>,
) -> Result<()> {
    let ids: Vec<i64> = new.performers.iter().map(|(id, _)| *id).collect();
    let summary = if new.summary.is_empty() {
        None
    } else {
        Some(
            vault
                .seal(
                    tx,
                    summary_scope(new.production_id, &ids),
                    &version_summary(new.conversation_id, version),
                    &new.summary.to_string(),
                )
                .await?,
        )
    };
    let mut notes: Vec<Option<Vec<u8>>> = Vec::with_capacity(ids.len());
    for (id, note) in new.performers {
        notes.push(if note.is_empty() {
            None
        } else {
            let sealed = vault
                .seal(
                    tx,
                    Scope::Person {
                        production: new.production_id,
                        cast_member: *id,
                    },
                    &version_note(new.conversation_id, version, *id),
                    note,
                )
                .await?;
            Some(sealed.as_bytes().to_vec())
        });
    }
    sqlx::query(
        "with added as (
             insert into conversation_version (conversation_id, production_id, version, kind,
                                               held_at, summary, summary_sealed, recorded_by,
                                               created_at)
             values ($1, $2, $3, $4, $5, '', $6, $7, coalesce($10, now()))
             returning conversation_version_id
         )
         insert into conversation_version_performer (conversation_version_id, cast_member_id,
                                                     production_id, note, note_sealed)
         select added.conversation_version_id, t.cast_member_id, $2, '', t.note_sealed
         from added, unnest($8::bigint[], $9::bytea[]) as t(cast_member_id, note_sealed)",
    )
    .bind(new.conversation_id)
    .bind(new.production_id)
    .bind(version)
    .bind(new.kind)
    .bind(new.held_at)
    .bind(summary)
    .bind(recorded_by)
    .bind(&ids)
    .bind(&notes)
    .bind(saved_at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Seals the log's own copy of its newest summary and empties the clear column.
pub(super) async fn seal_log_summary(
    vault: &Vault,
    tx: &mut PgConnection,
    production_id: i64,
    conversation_id: i64,
    performers: &[i64],
    summary: &str,
) -> Result<()> {
    let sealed = if summary.is_empty() {
        None
    } else {
        Some(
            vault
                .seal(
                    tx,
                    summary_scope(production_id, performers),
                    &log_summary(conversation_id),
                    &summary.to_string(),
                )
                .await?,
        )
    };
    sqlx::query(
        "update conversation set summary = '', summary_sealed = $2 where conversation_id = $1",
    )
    .bind(conversation_id)
    .bind(sealed)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_performer_reads_the_summary_only_of_a_conversation_always_with_them_alone() {
        let (bea, sam) = (1, 2);
        assert!(summary_is_theirs([&[bea][..]], bea));
        assert!(summary_is_theirs([&[bea][..], &[bea][..]], bea));
        // Joint now, or joint before and narrowed to them since: not theirs.
        assert!(!summary_is_theirs([&[bea, sam][..]], bea));
        assert!(!summary_is_theirs([&[bea, sam][..], &[bea][..]], bea));
        assert!(!summary_is_theirs([&[sam][..], &[bea][..]], bea));
        assert!(!summary_is_theirs(std::iter::empty::<&[i64]>(), bea));
    }
}

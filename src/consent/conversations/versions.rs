//! The stored versions of a conversation log: every save appends one (who saved it, when, what
//! it said, who was there, a note per performer), and who may read which part of each.

use sqlx::PgPool;
use time::OffsetDateTime;

use super::kind::kind_label;
use crate::error::Result;

/// A version of a conversation log, without its notes.
#[derive(sqlx::FromRow)]
pub(super) struct VersionRow {
    /// `None` for a log written without stored versions, which reads as its own version 1.
    pub(super) conversation_version_id: Option<i64>,
    pub(super) version: i32,
    pub(super) kind: String,
    pub(super) held_at: OffsetDateTime,
    pub(super) summary: String,
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

/// Every version of a conversation, newest first. A log written without stored versions (before
/// they existed, or straight into the database) reads as its own version 1, saved when it was
/// last changed, by whoever logged it if it was never changed.
pub(super) async fn versions(
    pool: &PgPool,
    production_id: i64,
    conversation_id: i64,
) -> Result<Vec<VersionRow>> {
    Ok(sqlx::query_as(
        "select v.conversation_version_id, v.version, v.kind, v.held_at, v.summary, v.created_at,
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
         select null, 1, k.kind, k.held_at, k.summary, k.updated_at,
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
    .fetch_all(pool)
    .await?)
}

/// A performer's confidential note in one version.
#[derive(sqlx::FromRow)]
pub(super) struct Note {
    pub(super) cast_member_id: i64,
    /// `#1 Alex Rivera`.
    pub(super) performer: String,
    pub(super) note: String,
}

impl Note {
    pub(super) fn lines(&self) -> Vec<String> {
        crate::web::form::lines(&self.note)
    }
}

/// The notes of one version, in cast order: all of them, or `only` one performer's. A
/// performer's page asks for their own alone, so no other performer's note is ever loaded.
pub(super) async fn notes(
    pool: &PgPool,
    version: &VersionRow,
    only: Option<i64>,
) -> Result<Vec<Note>> {
    // A log without stored versions has no notes.
    let Some(conversation_version_id) = version.conversation_version_id else {
        return Ok(Vec::new());
    };
    Ok(sqlx::query_as(
        "select vp.cast_member_id, '#' || c.cast_number || ' ' || c.name as performer, vp.note
         from conversation_version_performer vp join cast_member c using (cast_member_id)
         where vp.conversation_version_id = $1
           and ($2::bigint is null or vp.cast_member_id = $2)
         order by c.cast_number",
    )
    .bind(conversation_version_id)
    .bind(only)
    .fetch_all(pool)
    .await?)
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

/// Stores a log without stored versions as it reads now (see `versions`), as version 1, so that
/// an edit never loses what it said. Does nothing for a log
/// with versions. Runs in the editing transaction, before the log's row changes.
pub(super) async fn keep_unversioned(
    tx: &mut sqlx::PgConnection,
    conversation_id: i64,
) -> Result<()> {
    sqlx::query(
        "with first as (
             insert into conversation_version (conversation_id, production_id, version, kind,
                                               held_at, summary, recorded_by, created_at)
             select k.conversation_id, k.production_id, 1, k.kind, k.held_at, k.summary,
                    case when k.updated_at = k.created_at then k.created_by end, k.updated_at
             from conversation k
             where k.conversation_id = $1
               and not exists (select 1 from conversation_version v
                               where v.conversation_id = k.conversation_id)
             returning conversation_version_id, conversation_id, production_id
         )
         insert into conversation_version_performer (conversation_version_id, cast_member_id,
                                                     production_id)
         select first.conversation_version_id, cp.cast_member_id, first.production_id
         from first join conversation_performer cp using (conversation_id)",
    )
    .bind(conversation_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Appends the next version of a conversation, in the caller's transaction (which holds the
/// conversation's row lock, so two saves cannot take the same number). Answers its number.
pub(super) async fn append_version(
    tx: &mut sqlx::PgConnection,
    new: &NewVersion<'_>,
) -> Result<i32> {
    let (ids, notes): (Vec<i64>, Vec<String>) = new.performers.iter().cloned().unzip();
    let version: i32 = sqlx::query_scalar(
        "with added as (
             insert into conversation_version (conversation_id, production_id, version, kind,
                                               held_at, summary, recorded_by)
             select $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6
             from conversation_version where conversation_id = $1
             returning conversation_version_id, version
         ), people as (
             insert into conversation_version_performer (conversation_version_id,
                                                         cast_member_id, production_id, note)
             select added.conversation_version_id, t.cast_member_id, $2, t.note
             from added, unnest($7::bigint[], $8::text[]) as t(cast_member_id, note)
         )
         select version from added",
    )
    .bind(new.conversation_id)
    .bind(new.production_id)
    .bind(new.kind)
    .bind(new.held_at)
    .bind(new.summary)
    .bind(new.recorded_by)
    .bind(&ids)
    .bind(&notes)
    .fetch_one(&mut *tx)
    .await?;
    Ok(version)
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

//! The logged conversations as the pages read them, who may read which (a coordinator all, a
//! performer only their own), the cast offered as performers, and saving who took part.

use sqlx::PgPool;
use time::OffsetDateTime;

use super::kind::kind_label;
use crate::access::Action;
use crate::clock::format_date;
use crate::clock::local_time;
use crate::consent::boundaries::own_cast_record;
use crate::error::Result;
use crate::productions::Member;
use crate::vocab::Role;

/// A logged conversation with its performers.
#[derive(sqlx::FromRow)]
pub(super) struct ConversationRow {
    pub(super) conversation_id: i64,
    pub(super) kind: String,
    pub(super) held_at: OffsetDateTime,
    /// The newest summary: in clear only after `readable` (the show page) opened it.
    pub(super) summary: String,
    pub(super) summary_sealed: Option<crate::vault::Encrypted<String>>,
    pub(super) created_by: Option<String>,
    pub(super) performer_ids: Vec<i64>,
    pub(super) performers: Vec<String>,
}

impl ConversationRow {
    pub(super) fn kind_label(&self) -> &'static str {
        kind_label(&self.kind)
    }
    pub(super) fn who(&self) -> String {
        self.performers.join(", ")
    }
}

/// Conversations of a production, newest first; narrowed to one, or to those a performer was in.
pub(super) async fn conversations(
    pool: &PgPool,
    production_id: i64,
    conversation_id: Option<i64>,
    cast_member_id: Option<i64>,
) -> Result<Vec<ConversationRow>> {
    Ok(sqlx::query_as(
        "select k.conversation_id, k.kind, k.held_at, k.summary, k.summary_sealed,
                u.name as created_by,
                array(select cp.cast_member_id from conversation_performer cp
                      join cast_member c using (cast_member_id)
                      where cp.conversation_id = k.conversation_id order by c.cast_number)
                    as performer_ids,
                array(select '#' || c.cast_number || ' ' || c.name from conversation_performer cp
                      join cast_member c using (cast_member_id)
                      where cp.conversation_id = k.conversation_id order by c.cast_number)
                    as performers
         from conversation k left join app_user u on u.user_id = k.created_by
         where k.production_id = $1
           and ($2::bigint is null or k.conversation_id = $2)
           and ($3::bigint is null or exists (
                   select 1 from conversation_performer cp
                   where cp.conversation_id = k.conversation_id and cp.cast_member_id = $3))
         order by k.held_at desc, k.conversation_id desc",
    )
    .bind(production_id)
    .bind(conversation_id)
    .bind(cast_member_id)
    .fetch_all(pool)
    .await?)
}

/// A cast member offered as a checkbox.
#[derive(sqlx::FromRow)]
pub(super) struct CastOption {
    pub(super) cast_member_id: i64,
    pub(super) cast_number: i32,
    pub(super) name: String,
    pub(super) character_name: String,
}

pub(super) async fn cast_options(pool: &PgPool, production_id: i64) -> Result<Vec<CastOption>> {
    Ok(sqlx::query_as(
        "select cast_member_id, cast_number, name, character_name from cast_member
         where production_id = $1 order by cast_number",
    )
    .bind(production_id)
    .fetch_all(pool)
    .await?)
}

/// Whom the caller may see: every conversation for a coordinator; for a performer, only those
/// with their cast record (`Some(cast_member_id)`); `Err(404)` for everyone else.
pub(super) enum Reader {
    Coordinator,
    Performer(i64),
    Unlinked,
}

pub(super) async fn reader(pool: &PgPool, member: &Member) -> Result<Reader> {
    member.may(Action::ReadConversations)?;
    if member.is(Role::Coordinator) {
        return Ok(Reader::Coordinator);
    }
    Ok(match own_cast_record(pool, member).await? {
        Some(cast) => Reader::Performer(cast.cast_member_id),
        None => Reader::Unlinked,
    })
}

/// `Tue 20 Apr 2027, 14:30` on the production's clocks.
pub(super) fn when(member: &Member, instant: OffsetDateTime) -> String {
    let zone = member.production.zone.tz();
    format!(
        "{}, {}",
        format_date(crate::clock::utc_to_local(instant, zone).date()),
        local_time(instant, zone)
    )
}

/// Replaces who took part in a conversation.
pub(super) async fn set_performers(
    tx: &mut sqlx::PgConnection,
    production_id: i64,
    conversation_id: i64,
    performers: &[i64],
) -> Result<()> {
    sqlx::query(
        "delete from conversation_performer
         where conversation_id = $1 and cast_member_id <> all($2)",
    )
    .bind(conversation_id)
    .bind(performers)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into conversation_performer (conversation_id, cast_member_id, production_id)
         select $1, unnest($2::bigint[]), $3 on conflict do nothing",
    )
    .bind(conversation_id)
    .bind(performers)
    .bind(production_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

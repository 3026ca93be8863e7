//! Follow-ups: what a conversation left to do, with its due date and who marked it done, as the
//! conversation pages and the coordinator's dashboard list them.

use sqlx::{PgConnection, PgPool};
use time::{Date, OffsetDateTime};

use super::kind::kind_label;
use crate::clock::format_date;
use crate::error::Result;
use crate::vault::{Encrypted, Field, Scope, Vault};

/// A follow-up with the conversation it came from.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FollowUp {
    pub follow_up_id: i64,
    pub conversation_id: i64,
    pub body: String,
    #[sqlx(default)]
    pub body_sealed: Option<Encrypted<String>>,
    pub due_on: Option<Date>,
    pub done_at: Option<OffsetDateTime>,
    pub done_by: Option<String>,
    pub kind: String,
    /// `#1 Alex Rivera`, one per performer of the conversation.
    pub performers: Vec<String>,
}

impl FollowUp {
    pub fn due(&self) -> String {
        self.due_on.map(format_date).unwrap_or_default()
    }
    pub fn kind_label(&self) -> &'static str {
        kind_label(&self.kind)
    }
    pub fn who(&self) -> String {
        self.performers.join(", ")
    }
    pub fn done(&self) -> String {
        self.done_at
            .map(|d| format_date(d.date()))
            .unwrap_or_default()
    }
}

const FOLLOW_UP_COLUMNS: &str = "f.follow_up_id, f.conversation_id, f.body, f.body_sealed,
    f.due_on, f.done_at,
    u.name as done_by, k.kind,
    array(select '#' || c.cast_number || ' ' || c.name from conversation_performer cp
          join cast_member c using (cast_member_id)
          where cp.conversation_id = k.conversation_id order by c.cast_number) as performers";

/// Follow-ups not yet done, soonest due first, for the coordinator's dashboard.
pub async fn open_follow_ups(
    vault: &Vault,
    pool: &PgPool,
    production_id: i64,
) -> Result<Vec<FollowUp>> {
    follow_ups(vault, pool, production_id, None, None, true).await
}

/// Where a follow-up's text is sealed.
fn body_field(follow_up_id: i64) -> Field {
    Field::new("follow_up", "body_sealed", follow_up_id)
}

/// Adds a follow-up, its text sealed under the production's key.
pub(super) async fn add(
    vault: &Vault,
    tx: &mut PgConnection,
    production_id: i64,
    conversation_id: i64,
    body: &str,
    due_on: Option<Date>,
) -> Result<()> {
    let id: i64 = sqlx::query_scalar(
        "insert into follow_up (conversation_id, production_id, body, due_on)
         values ($1, $2, '', $3) returning follow_up_id",
    )
    .bind(conversation_id)
    .bind(production_id)
    .bind(due_on)
    .fetch_one(&mut *tx)
    .await?;
    let sealed = vault
        .seal(
            tx,
            Scope::Production(production_id),
            &body_field(id),
            &body.to_string(),
        )
        .await?;
    sqlx::query("update follow_up set body_sealed = $2 where follow_up_id = $1")
        .bind(id)
        .bind(&sealed)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Follow-ups of a production, narrowed to one conversation, to a performer's conversations,
/// or to those still open.
pub(super) async fn follow_ups(
    vault: &Vault,
    pool: &PgPool,
    production_id: i64,
    conversation_id: Option<i64>,
    cast_member_id: Option<i64>,
    open_only: bool,
) -> Result<Vec<FollowUp>> {
    let mut conn = pool.acquire().await?;
    let mut rows: Vec<FollowUp> = sqlx::query_as(&format!(
        "select {FOLLOW_UP_COLUMNS}
         from follow_up f join conversation k using (conversation_id)
         left join app_user u on u.user_id = f.done_by
         where f.production_id = $1
           and ($2::bigint is null or f.conversation_id = $2)
           and ($3::bigint is null or exists (
                   select 1 from conversation_performer cp
                   where cp.conversation_id = k.conversation_id and cp.cast_member_id = $3))
           and (not $4 or f.done_at is null)
         order by f.done_at is not null, f.due_on nulls last, f.created_at, f.follow_up_id"
    ))
    .bind(production_id)
    .bind(conversation_id)
    .bind(cast_member_id)
    .bind(open_only)
    .fetch_all(&mut *conn)
    .await?;
    for f in &mut rows {
        f.body = vault
            .reveal(
                &mut conn,
                &body_field(f.follow_up_id),
                f.body_sealed.take().as_ref(),
                std::mem::take(&mut f.body),
            )
            .await?;
    }
    Ok(rows)
}

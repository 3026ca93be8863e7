//! Whose boundaries are asked for and who may read them: the cast record, the signed-in
//! performer's own record, and the page for a performer not yet linked to the cast list.

use askama::Template;
use sqlx::PgPool;

use crate::access::Action;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::vocab::Role;
use crate::web::Ctx;

/// A cast member whose boundaries are asked for, with the account that plays them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CastRecord {
    pub cast_member_id: i64,
    pub cast_number: i32,
    pub name: String,
    pub user_id: Option<i64>,
}

impl CastRecord {
    pub fn label(&self) -> String {
        format!("#{} {}", self.cast_number, self.name)
    }
}

/// The cast record of the signed-in performer in this production, if any.
pub async fn own_cast_record(pool: &PgPool, member: &Member) -> Result<Option<CastRecord>> {
    if !member.is(Role::Performer) {
        return Ok(None);
    }
    Ok(sqlx::query_as(
        "select cast_member_id, cast_number, name, user_id from cast_member
         where production_id = $1 and user_id = $2",
    )
    .bind(member.production.production_id)
    .bind(member.user.user_id)
    .fetch_optional(pool)
    .await?)
}

/// The cast member whose profile is asked for, if the caller may read it: coordinators for
/// anyone on the cast, a performer only for themself. Everyone else gets 404.
pub(super) async fn readable_cast(
    pool: &PgPool,
    member: &Member,
    cast_member_id: i64,
) -> Result<CastRecord> {
    member.may(Action::ReadBoundaries)?;
    let cast: CastRecord = sqlx::query_as(
        "select cast_member_id, cast_number, name, user_id from cast_member
         where cast_member_id = $1 and production_id = $2",
    )
    .bind(cast_member_id)
    .bind(member.production.production_id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    if member.is(Role::Performer) && cast.user_id != Some(member.user.user_id) {
        return Err(AppError::NotFound);
    }
    Ok(cast)
}

pub(super) fn is_self(member: &Member, cast: &CastRecord) -> bool {
    cast.user_id == Some(member.user.user_id)
}

/// Shown to a performer whose account is not yet linked to the cast list.
#[derive(Template)]
#[template(path = "consent/unlinked.html")]
pub struct UnlinkedPage {
    pub ctx: Ctx,
    pub member: Member,
}

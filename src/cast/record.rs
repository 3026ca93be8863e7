//! A cast member as stored, and the queries that read them: the whole cast list, which other
//! areas take, and one cast member of the caller's production.

use time::Date;

use crate::clock::format_date;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::web::AppState;

/// A cast member as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CastMember {
    pub cast_member_id: i64,
    pub cast_number: i32,
    pub name: String,
    pub character_name: String,
    pub date_of_birth: Option<Date>,
    pub union_name: String,
    pub representative: String,
    pub user_id: Option<i64>,
}

impl CastMember {
    pub fn label(&self) -> String {
        format!("#{} {}", self.cast_number, self.name)
    }
    pub fn born(&self) -> String {
        self.date_of_birth.map(format_date).unwrap_or_default()
    }
}

const CAST_COLUMNS: &str = "cast_member_id, cast_number, name, character_name, date_of_birth, \
                            union_name, representative, user_id";

/// The whole cast of a production in cast-number order.
pub async fn cast_list(pool: &sqlx::PgPool, production_id: i64) -> Result<Vec<CastMember>> {
    Ok(sqlx::query_as(&format!(
        "select {CAST_COLUMNS} from cast_member where production_id = $1 order by cast_number"
    ))
    .bind(production_id)
    .fetch_all(pool)
    .await?)
}

pub(super) async fn one(
    state: &AppState,
    member: &Member,
    cast_member_id: i64,
) -> Result<CastMember> {
    sqlx::query_as(&format!(
        "select {CAST_COLUMNS} from cast_member where cast_member_id = $1 and production_id = $2"
    ))
    .bind(cast_member_id)
    .bind(member.production.production_id)
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)
}

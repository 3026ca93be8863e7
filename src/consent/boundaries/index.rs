//! The coordinator's list of boundary profiles: each cast member with their latest version;
//! a performer is sent straight to their own profile.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use time::OffsetDateTime;

use super::cast_record::{UnlinkedPage, own_cast_record};
use super::versions::format_instant_date;
use crate::access::Action;
use crate::error::Result;
use crate::productions::Member;
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::{Ctx, render};

/// A cast member's profile status, for the coordinator's list.
#[derive(sqlx::FromRow)]
struct StatusRow {
    cast_member_id: i64,
    cast_number: i32,
    name: String,
    linked: bool,
    version: Option<i32>,
    saved_at: Option<OffsetDateTime>,
    recorded_by: Option<String>,
}

impl StatusRow {
    fn saved(&self) -> String {
        self.saved_at.map(format_instant_date).unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "consent/boundaries_index.html")]
struct IndexPage {
    ctx: Ctx,
    member: Member,
    rows: Vec<StatusRow>,
}

pub(super) async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    member.may(Action::ReadBoundaries)?;
    if member.is(Role::Performer) {
        return match own_cast_record(&state.pool, &member).await? {
            Some(cast) => Ok(Redirect::to(&format!(
                "{}/boundaries/{}",
                member.base(),
                cast.cast_member_id
            ))
            .into_response()),
            None => render(&UnlinkedPage { ctx, member }),
        };
    }
    let rows: Vec<StatusRow> = sqlx::query_as(
        "select c.cast_member_id, c.cast_number, c.name, c.user_id is not null as linked,
                v.version, v.created_at as saved_at, u.name as recorded_by
         from cast_member c
         left join lateral (
             select version, created_at, recorded_by from boundary_profile_version
             where cast_member_id = c.cast_member_id order by version desc limit 1
         ) v on true
         left join app_user u on u.user_id = v.recorded_by
         where c.production_id = $1
         order by c.cast_number",
    )
    .bind(member.production.production_id)
    .fetch_all(&state.pool)
    .await?;
    render(&IndexPage { ctx, member, rows })
}

//! The concerns page: the reporting line, the concerns a member raised (how each stands) and
//! those sent to them, anonymous ones without a name.

use std::borrow::Borrow;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use time::OffsetDateTime;

use super::reporting::{self, ReportingLine};
use super::shown::{shown, when};
use crate::error::Result;
use crate::productions::Member;
use crate::vault::{Encrypted, Field};
use crate::web::AppState;
use crate::web::{Ctx, render};

#[derive(sqlx::FromRow)]
struct RaisedRow {
    concern_id: i64,
    status: String,
    anonymous: bool,
    created_at: OffsetDateTime,
}

/// A concern as a recipient lists it. `raiser_name` is null for anonymous ones: the name is
/// never read from the database for them.
#[derive(sqlx::FromRow)]
struct ReceivedRow {
    concern_id: i64,
    status: String,
    created_at: OffsetDateTime,
    raiser_name: Option<String>,
    excerpt: String,
    body_sealed: Option<Encrypted<String>>,
}

#[derive(Template)]
#[template(path = "concerns/list.html")]
struct ListPage {
    ctx: Ctx,
    member: Member,
    line: ReportingLine,
    raised: Vec<RaisedRow>,
    received: Vec<ReceivedRow>,
}

shown!(RaisedRow, ReceivedRow);

// Askama passes fields by reference and method results by value, hence `Borrow`.
impl ListPage {
    fn when(&self, at: impl Borrow<OffsetDateTime>) -> String {
        when(&self.member, at)
    }
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    let production_id = member.production.production_id;
    let line = reporting::load(&state.pool, production_id, &member.production.agreement).await?;
    let raised: Vec<RaisedRow> = sqlx::query_as(
        "select concern_id, status, anonymous, created_at from concern
         where production_id = $1 and raised_by = $2 order by created_at desc, concern_id desc",
    )
    .bind(production_id)
    .bind(member.user.user_id)
    .fetch_all(&state.pool)
    .await?;
    let mut received: Vec<ReceivedRow> = sqlx::query_as(
        "select c.concern_id, c.status, c.created_at,
                case when c.anonymous then null else u.name end as raiser_name,
                left(c.body, 140) as excerpt, c.body_sealed
         from concern c
         join concern_recipient r on r.concern_id = c.concern_id and r.user_id = $2
         left join app_user u on u.user_id = c.raised_by
         where c.production_id = $1
         order by c.created_at desc, c.concern_id desc",
    )
    .bind(production_id)
    .bind(member.user.user_id)
    .fetch_all(&state.pool)
    .await?;
    if received.iter().any(|r| r.body_sealed.is_some()) {
        let mut conn = state.pool.acquire().await?;
        for r in &mut received {
            let text = state
                .vault
                .reveal(
                    &mut conn,
                    &Field::new("concern", "body_sealed", r.concern_id),
                    r.body_sealed.take().as_ref(),
                    std::mem::take(&mut r.excerpt),
                )
                .await?;
            r.excerpt = text.chars().take(140).collect();
        }
    }
    render(&ListPage {
        ctx,
        member,
        line,
        raised,
        received,
    })
}

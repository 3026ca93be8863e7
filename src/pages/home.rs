//! The first page after sign-in: the productions a person belongs to, and whether they may
//! create one.

use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::vocab::Role;
use crate::web::{AppState, Ctx, render};

#[derive(sqlx::FromRow)]
pub struct MyProduction {
    pub production_id: i64,
    pub title: String,
    pub role: Role,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: Ctx,
    productions: Vec<MyProduction>,
    can_create: bool,
}

pub(super) async fn home(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    mut parts: Parts,
) -> Result<Response> {
    // Redirect before building the page context: its CSRF token would start a session (and
    // write a row) for every anonymous visitor who is only being sent to the sign-in page.
    let Some(CurrentUser(user)) = user else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let ctx = Ctx::from_request_parts(&mut parts, &state).await?;
    let productions: Vec<MyProduction> = sqlx::query_as(
        "select p.production_id, p.title, m.role
         from member m join production p using (production_id)
         where m.user_id = $1 order by p.title, p.production_id",
    )
    .bind(user.user_id)
    .fetch_all(&state.pool)
    .await?;
    let can_create = user.is_admin || productions.iter().any(|p| p.role == Role::Producer);
    render(&HomePage {
        ctx,
        productions,
        can_create,
    })
}

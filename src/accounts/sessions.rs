//! "Your sessions": the devices signed in to this account (browser, address, signed in at,
//! last seen), with signing out any one of them or all but this one.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::auth::CurrentUser;
use crate::auth::sessions::{self, OpenSession};
use crate::error::{AppError, Result};
use crate::web::ids::Ids;
use crate::web::{AppState, Ctx, Flash, render};

#[derive(askama::Template)]
#[template(path = "accounts/sessions.html")]
struct SessionsPage {
    ctx: Ctx,
    sessions: Vec<OpenSession>,
    this_key: String,
}

impl SessionsPage {
    /// An instant in UTC: account pages belong to no production, so to no production's zone.
    fn when(&self, at: &OffsetDateTime) -> String {
        let at = at.to_offset(time::UtcOffset::UTC);
        let lang = self.ctx.lang;
        lang.t2(
            "sessions-when",
            "date",
            crate::i18n::date_year(lang, at.date()),
            "time",
            crate::i18n::time_of_day(lang, at.time()),
        )
    }
}

pub(super) async fn sessions_page(
    State(state): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    session: Session,
) -> Result<Response> {
    let this_key = sessions::current_key(&session).await?.unwrap_or_default();
    let sessions = sessions::open_sessions(
        &state.pool,
        user.user_id,
        state.config.session_idle,
        state.config.session_absolute,
    )
    .await?;
    render(&SessionsPage {
        ctx,
        sessions,
        this_key,
    })
}

pub(super) async fn sign_out_one(
    State(state): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    session: Session,
    Ids((user_session_id,)): Ids<(i64,)>,
) -> Result<Response> {
    if !sessions::end(&state.pool, user.user_id, user_session_id).await? {
        return Err(AppError::NotFound);
    }
    // Signing out this very device lands on the sign-in page at the next request.
    Flash::success(&session, ctx.t("sessions-ended-one")).await?;
    Ok(Redirect::to("/account/sessions").into_response())
}

pub(super) async fn sign_out_others(
    State(state): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    session: Session,
) -> Result<Response> {
    let this_key = sessions::current_key(&session).await?.unwrap_or_default();
    let ended = sessions::end_all_but(&state.pool, user.user_id, &this_key).await?;
    Flash::success(&session, ctx.t1("sessions-ended-others", "count", ended)).await?;
    Ok(Redirect::to("/account/sessions").into_response())
}

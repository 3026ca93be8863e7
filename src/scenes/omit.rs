//! Omitting a scene and restoring it: an omitted scene keeps its number and its place in script
//! order, and leaves the page total and the select lists.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use tower_sessions::Session;

use crate::access::Action;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::web::ids::Ids;
use crate::web::{AppState, Flash};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/scenes/{scene_id}/omit",
            post(omit),
        )
        .route(
            "/productions/{production_id}/scenes/{scene_id}/restore",
            post(restore),
        )
}

async fn set_omitted(
    state: &AppState,
    member: &Member,
    session: &Session,
    scene_id: i64,
    omitted: bool,
) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let number: Option<String> = sqlx::query_scalar(
        "update scene set omitted = $3, updated_at = now()
         where scene_id = $1 and production_id = $2 returning number",
    )
    .bind(scene_id)
    .bind(member.production.production_id)
    .bind(omitted)
    .fetch_optional(&state.pool)
    .await?;
    let number = number.ok_or(AppError::NotFound)?;
    let text = if omitted {
        format!("Scene {number} is omitted. It keeps its number and can be restored.")
    } else {
        format!("Scene {number} is restored.")
    };
    Flash::success(session, text).await?;
    Ok(Redirect::to(&format!("{}/scenes", member.base())).into_response())
}

async fn omit(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, scene_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    set_omitted(&state, &member, &session, scene_id, true).await
}

async fn restore(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, scene_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    set_omitted(&state, &member, &session, scene_id, false).await
}

//! Inviting a cast member to link an account: the invitation made for them joins the account
//! to their cast record when accepted (one account plays one cast member per production).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::edit::EditPage;
use super::forms::InviteForm;
use super::record::one;
use crate::access::Action;
use crate::accounts;
use crate::error::Result;
use crate::productions::Member;
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, FormBody};

pub(super) async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, cast_member_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditCast)?;
    let cast = one(&state, &member, cast_member_id).await?;
    let form = InviteForm::read(&body);
    let production_id = member.production.production_id;
    let mut errors = form.too_long.clone();
    let email = crate::auth::parse_email(&form.email)
        .map_err(|m| errors.add("email", m))
        .ok();
    if cast.user_id.is_some() {
        errors.add(
            "email",
            format!("{} is already linked to an account.", cast.label()),
        );
    }
    if let Some(email) = &email {
        // One account plays one cast member per production (cast_member_user_key).
        let linked: Option<String> = sqlx::query_scalar(
            "select c.name from cast_member c join app_user u using (user_id)
             where c.production_id = $1 and u.email = $2",
        )
        .bind(production_id)
        .bind(email)
        .fetch_optional(&state.pool)
        .await?;
        if let Some(name) = linked {
            errors.add(
                "email",
                format!("This account is already linked to {name} on the cast list."),
            );
        }
    }
    let (Some(email), true) = (email, errors.is_empty()) else {
        return EditPage::load(&state.pool, ctx, member, cast)
            .await?
            .with_invite(form, errors)
            .respond();
    };
    let mut conn = state.pool.acquire().await?;
    let token = accounts::create_invitation(
        &mut conn,
        production_id,
        &email,
        Role::Performer,
        member.user.user_id,
        Some(cast_member_id),
    )
    .await?;
    accounts::show_invitation_once(
        &session,
        "cast_invitation_link",
        &state.config.base_url,
        &token,
        &email,
        &cast.label(),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/cast/{cast_member_id}", member.base())).into_response())
}

//! The members page of a production: who is in it with which role, the open invitations, and
//! inviting someone with a role or withdrawing an invitation.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use time::OffsetDateTime;
use tower_sessions::Session;

use super::member::Member;
use crate::access::Action;
use crate::error::{AppError, Result};
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, FieldErrors, Flash, FormBody, render_form};

#[derive(sqlx::FromRow)]
struct MemberListing {
    member_id: i64,
    user_id: i64,
    name: String,
    email: String,
    role: Role,
}

#[derive(sqlx::FromRow)]
struct PendingInvitation {
    invitation_id: i64,
    email: String,
    role: Role,
    expires_at: OffsetDateTime,
}

impl PendingInvitation {
    fn expires(&self) -> String {
        crate::clock::format_date(self.expires_at.date())
    }
}

#[derive(Default)]
struct InviteForm {
    email: String,
    role: String,
}

impl InviteForm {
    fn read(body: &FormBody) -> InviteForm {
        InviteForm {
            email: body.get("email"),
            role: body.get("role"),
        }
    }
}

#[derive(Template)]
#[template(path = "productions/members.html")]
struct MembersPage {
    ctx: Ctx,
    member: Member,
    members: Vec<MemberListing>,
    invitations: Vec<PendingInvitation>,
    form: InviteForm,
    errors: FieldErrors,
    /// The link to hand to the invitee; shown once, right after the invitation is made.
    new_link: Option<String>,
    roles: [Role; 4],
}

impl MembersPage {
    /// The page with the member list, and the open invitations for those who manage members;
    /// an empty invitation form.
    async fn load(pool: &PgPool, ctx: Ctx, member: Member) -> Result<MembersPage> {
        let production_id = member.production.production_id;
        let members: Vec<MemberListing> = sqlx::query_as(
            "select m.member_id, u.user_id, u.name, u.email, m.role
             from member m join app_user u using (user_id)
             where m.production_id = $1
             order by array_position(array['producer','coordinator','director','performer'], m.role),
                      u.name",
        )
        .bind(production_id)
        .fetch_all(pool)
        .await?;
        let invitations: Vec<PendingInvitation> = if member.can(Action::ManageMembers) {
            sqlx::query_as(
                "select invitation_id, email, role, expires_at from invitation
                 where production_id = $1 and accepted_at is null and revoked_at is null
                   and expires_at > now()
                 order by created_at desc",
            )
            .bind(production_id)
            .fetch_all(pool)
            .await?
        } else {
            Vec::new()
        };
        Ok(MembersPage {
            ctx,
            member,
            members,
            invitations,
            form: InviteForm::default(),
            errors: FieldErrors::default(),
            new_link: None,
            roles: Role::ALL,
        })
    }

    /// The invitation link made on the page before, shown this once.
    fn with_link(self, new_link: Option<String>) -> MembersPage {
        MembersPage { new_link, ..self }
    }

    /// The invitation form as typed, with what to fix.
    fn with_form(self, form: InviteForm, errors: FieldErrors) -> MembersPage {
        MembersPage {
            form,
            errors,
            ..self
        }
    }

    /// 200, or 422 when the invitation form has something to fix.
    fn respond(self) -> Result<Response> {
        render_form(&self, !self.errors.is_empty())
    }

    fn invitation_days(&self) -> i64 {
        crate::accounts::INVITATION_DAYS
    }
}

pub(super) async fn members_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
) -> Result<Response> {
    member.may(Action::SeeMembers)?;
    let new_link: Option<String> = session
        .remove("invitation_link")
        .await
        .map_err(crate::web::session_err)?;
    MembersPage::load(&state.pool, ctx, member)
        .await?
        .with_link(new_link)
        .respond()
}

pub(super) async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::ManageMembers)?;
    let form = InviteForm::read(&body);
    let mut errors = FieldErrors::default();
    let email = crate::auth::parse_email(&form.email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.add("role", "Choose the role this person will have.");
    }
    let production_id = member.production.production_id;
    if let Some(email) = &email {
        let already: bool = sqlx::query_scalar(
            "select exists (select 1 from member m join app_user u using (user_id)
                            where m.production_id = $1 and u.email = $2)",
        )
        .bind(production_id)
        .bind(email)
        .fetch_one(&state.pool)
        .await?;
        if already {
            errors.add(
                "email",
                "This person is already a member of the production.",
            );
        }
    }
    let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
        return MembersPage::load(&state.pool, ctx, member)
            .await?
            .with_form(form, errors)
            .respond();
    };

    let mut conn = state.pool.acquire().await?;
    let token = crate::accounts::create_invitation(
        &mut conn,
        production_id,
        &email,
        role,
        member.user.user_id,
        None,
    )
    .await?;
    crate::accounts::show_invitation_once(
        &session,
        "invitation_link",
        &state.config.base_url,
        &token,
        &email,
        role.label(),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/members", member.base())).into_response())
}

pub(super) async fn revoke_invitation(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, invitation_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::ManageMembers)?;
    let done = sqlx::query(
        "update invitation set revoked_at = now()
         where invitation_id = $1 and production_id = $2 and accepted_at is null
           and revoked_at is null",
    )
    .bind(invitation_id)
    .bind(member.production.production_id)
    .execute(&state.pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Flash::success(
        &session,
        "The invitation is withdrawn; its link no longer works.",
    )
    .await?;
    Ok(Redirect::to(&format!("{}/members", member.base())).into_response())
}

//! The members page of a production: who is in it with which role, the open invitations,
//! inviting someone with a role or withdrawing an invitation, and (when the server sends no
//! e-mail) making a password reset link for a member.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use time::OffsetDateTime;
use tower_sessions::Session;

use super::member::Member;
use crate::access::Action;
use crate::error::{AppError, Result};
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, FieldErrors, Flash, FormBody, Len, render_form};

#[derive(sqlx::FromRow)]
struct MemberListing {
    member_id: i64,
    user_id: i64,
    name: String,
    email: String,
    role: Role,
    is_admin: bool,
    /// Whether they are also in a production where the viewer is neither producer nor
    /// coordinator.
    beyond_viewer: bool,
}

impl MemberListing {
    fn target(&self) -> ResetTarget {
        ResetTarget {
            is_admin: self.is_admin,
            role: self.role,
            beyond_maker: self.beyond_viewer,
        }
    }
}

/// What decides whether a reset link may be made for someone: a reset link opens their
/// account everywhere, not only in this production.
struct ResetTarget {
    is_admin: bool,
    role: Role,
    beyond_maker: bool,
}

/// Why no reset link may be made for this person by someone with `maker_role` here, if not.
/// A link reaches the whole account, so it must not reach further than the maker's own
/// standing: no administrators, no producers unless the maker is one, and no one who is in a
/// production where the maker is not a producer or coordinator.
fn reset_refusal(maker_role: Role, target: &ResetTarget) -> Option<&'static str> {
    if target.is_admin {
        Some("They administer this server; an administrator's password is not reset from here.")
    } else if target.role == Role::Producer && maker_role != Role::Producer {
        Some("Only a producer can make a reset link for a producer.")
    } else if target.beyond_maker {
        Some(
            "They are also in a production where you are not a producer or coordinator;              ask a producer there, or they can reset it with e-mail once the server sends it.",
        )
    } else {
        None
    }
}

/// The SQL giving, for `u` (an account) and the maker `$2`, whether `u` is in a production
/// where the maker is neither producer nor coordinator.
const BEYOND_MAKER: &str = "exists (select 1 from member other
                where other.user_id = u.user_id
                  and not exists (select 1 from member mine
                                  where mine.production_id = other.production_id
                                    and mine.user_id = $2
                                    and mine.role in ('producer', 'coordinator')))";

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
    too_long: FieldErrors,
}

impl InviteForm {
    fn read(body: &FormBody) -> InviteForm {
        let mut r = body.reader();
        InviteForm {
            email: r.text("email", Len::Line),
            role: r.text("role", Len::Code),
            too_long: r.finish(),
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
    /// A password reset link made for a member; shown once, right after it is made.
    reset_link: Option<String>,
    /// Whether the server sends e-mail (then people reset their password themselves).
    mail_configured: bool,
    roles: [Role; 4],
}

impl MembersPage {
    /// The page with the member list, and the open invitations for those who manage members;
    /// an empty invitation form.
    async fn load(state: &AppState, ctx: Ctx, member: Member) -> Result<MembersPage> {
        let pool = &state.pool;
        let production_id = member.production.production_id;
        let members: Vec<MemberListing> = sqlx::query_as(&format!(
            "select m.member_id, u.user_id, u.name, u.email, m.role, u.is_admin,
                    {BEYOND_MAKER} as beyond_viewer
             from member m join app_user u using (user_id)
             where m.production_id = $1
             order by array_position(array['producer','coordinator','director','performer'], m.role),
                      u.name"
        ))
        .bind(production_id)
        .bind(member.user.user_id)
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
            reset_link: None,
            mail_configured: state.config.smtp.is_some(),
            roles: Role::ALL,
        })
    }

    /// The invitation or reset link made on the page before, shown this once.
    fn with_links(self, new_link: Option<String>, reset_link: Option<String>) -> MembersPage {
        MembersPage {
            new_link,
            reset_link,
            ..self
        }
    }

    /// Whether this page offers reset links: to producers and coordinators, when the server
    /// sends no e-mail (with e-mail, people ask for their own).
    fn offers_reset_links(&self) -> bool {
        !self.mail_configured && self.member.can(Action::IssueResetLinks)
    }

    /// Why this page makes no reset link for `listing`, if it does not.
    fn reset_refused(&self, listing: &MemberListing) -> Option<&'static str> {
        reset_refusal(self.member.role, &listing.target())
    }

    fn reset_minutes(&self) -> i64 {
        crate::accounts::RESET_MINUTES
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
    let reset_link: Option<String> = session
        .remove(RESET_LINK_KEY)
        .await
        .map_err(crate::web::session_err)?;
    MembersPage::load(&state, ctx, member)
        .await?
        .with_links(new_link, reset_link)
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
    let mut errors = form.too_long.clone();
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
        return MembersPage::load(&state, ctx, member)
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

/// Session key of a reset link made on the page before, until the page shows it.
const RESET_LINK_KEY: &str = "reset_link";

/// Makes a password reset link for another member, to hand over in person, when the server
/// sends no e-mail. Like an invitation link, it sits in clear only in the maker's session until
/// the next page shows it; the database keeps its hash. Making it changes no password and ends
/// no session: only using it does.
pub(super) async fn issue_reset_link(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Ids((_, member_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::IssueResetLinks)?;
    if state.config.smtp.is_some() {
        return Err(AppError::NotFound);
    }
    let target: Option<(i64, String, Role, bool, bool)> = sqlx::query_as(&format!(
        "select u.user_id, u.name, m.role, u.is_admin, {BEYOND_MAKER}
         from member m join app_user u using (user_id)
         where m.member_id = $1 and m.production_id = $3"
    ))
    .bind(member_id)
    .bind(member.user.user_id)
    .bind(member.production.production_id)
    .fetch_optional(&state.pool)
    .await?;
    // One's own password is changed on the account page, knowing the current one.
    let Some((user_id, name, role, is_admin, beyond_maker)) =
        target.filter(|(id, ..)| *id != member.user.user_id)
    else {
        return Err(AppError::NotFound);
    };
    let target = ResetTarget {
        is_admin,
        role,
        beyond_maker,
    };
    if reset_refusal(member.role, &target).is_some() {
        return Err(AppError::NotFound);
    }
    let mut tx = state.pool.begin().await?;
    let token = crate::accounts::issue_reset(&mut tx, user_id, Some(member.user.user_id)).await?;
    // The account's owner learns who made a way into their account, whoever uses it.
    crate::notifications::notify(
        &mut tx,
        member.production.production_id,
        &[user_id],
        crate::notifications::kind::RESET_LINK_MADE,
        &format!(
            "{} made a password reset link for your account. If you did not ask for one, \
             tell your production's intimacy coordinator.",
            member.user.name
        ),
        "/account",
    )
    .await?;
    tx.commit().await?;
    session
        .insert(
            RESET_LINK_KEY,
            crate::accounts::reset_link(&state.config.base_url, &token),
        )
        .await
        .map_err(crate::web::session_err)?;
    Flash::success(
        &session,
        format!(
            "Reset link made for {name}. Hand it to them yourself; it works once, for {} \
             minutes. Their password stays as it is until they use it.",
            crate::accounts::RESET_MINUTES
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/members", member.base())).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(role: Role) -> ResetTarget {
        ResetTarget {
            is_admin: false,
            role,
            beyond_maker: false,
        }
    }

    #[test]
    fn reset_links_reach_no_further_than_the_maker() {
        assert!(reset_refusal(Role::Coordinator, &target(Role::Performer)).is_none());
        assert!(reset_refusal(Role::Coordinator, &target(Role::Producer)).is_some());
        assert!(reset_refusal(Role::Producer, &target(Role::Producer)).is_none());
        let admin = ResetTarget {
            is_admin: true,
            ..target(Role::Performer)
        };
        assert!(reset_refusal(Role::Producer, &admin).is_some());
        let elsewhere = ResetTarget {
            beyond_maker: true,
            ..target(Role::Director)
        };
        assert!(reset_refusal(Role::Producer, &elsewhere).is_some());
    }
}

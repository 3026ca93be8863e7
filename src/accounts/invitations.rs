//! Invitations: making one (from the members page or for a cast member), showing its link once,
//! and the page where the invitee joins, creating an account or proving the one they have.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::auth::password::{self, Password};
use crate::auth::{
    AuthSession, Device, PAUSED_MESSAGE, PasswordCheck, USER_COLUMNS, User, Whose, check_password,
    new_token, token_hash,
};
use crate::error::{AppError, Result};
use crate::vocab::Role;
use crate::web::ids::PathToken;
use crate::web::{AppState, Ctx, FieldErrors, Flash, FormBody, Len, render_with_status};

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// Makes an invitation to `production_id` for `email` as `role`, working for
/// `INVITATION_DAYS`, and returns its token. Only the token's hash is stored: the token itself
/// goes into the link the inviter hands on (see `show_invitation_once`). An invitation made for
/// a cast member links the new account to that cast record when accepted.
pub async fn create_invitation(
    conn: &mut sqlx::PgConnection,
    production_id: i64,
    email: &str,
    role: Role,
    invited_by: i64,
    cast_member_id: Option<i64>,
) -> Result<String> {
    let token = new_token();
    sqlx::query(
        "insert into invitation (production_id, email, role, token_hash, invited_by, expires_at,
                                 cast_member_id)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(production_id)
    .bind(email)
    .bind(role)
    .bind(token_hash(&token))
    .bind(invited_by)
    .bind(OffsetDateTime::now_utc() + time::Duration::days(INVITATION_DAYS))
    .bind(cast_member_id)
    .execute(conn)
    .await?;
    Ok(token)
}

/// Keeps a new invitation link for the next page only and tells the person who made it how to
/// use it. The database keeps only the token's hash, but the link itself sits in clear in the
/// inviter's session row from now until the next page shows it (and removes it); a session
/// that ends before then keeps it until the session row is deleted.
pub async fn show_invitation_once(
    session: &tower_sessions::Session,
    session_key: &str,
    base_url: &str,
    token: &str,
    email: &str,
    as_what: &str,
) -> Result<()> {
    let link = format!("{base_url}/invitations/{token}");
    session
        .insert(session_key, &link)
        .await
        .map_err(crate::web::session_err)?;
    Flash::success(
        session,
        format!(
            "Invitation made for {email} as {as_what}. Send them the link below; it works once, \
             for {INVITATION_DAYS} days."
        ),
    )
    .await
}

#[derive(sqlx::FromRow)]
struct OpenInvitation {
    invitation_id: i64,
    production_id: i64,
    production_title: String,
    email: String,
    role: Role,
    has_account: bool,
    invited_by: Option<i64>,
}

async fn open_invitation(pool: &PgPool, token: &str) -> Result<Option<OpenInvitation>> {
    Ok(sqlx::query_as(
        "select i.invitation_id, i.production_id, p.title as production_title, i.email, i.role,
                exists (select 1 from app_user u where u.email = i.email) as has_account,
                i.invited_by
         from invitation i join production p using (production_id)
         where i.token_hash = $1 and i.accepted_at is null and i.revoked_at is null
           and i.expires_at > now()",
    )
    .bind(token_hash(token))
    .fetch_optional(pool)
    .await?)
}

#[derive(askama::Template)]
#[template(path = "accounts/invitation.html")]
struct InvitationPage {
    ctx: Ctx,
    invitation: Option<OpenInvitation>,
    typed_name: String,
    errors: FieldErrors,
}

impl InvitationPage {
    /// The page for an open invitation, or the page saying the link no longer works (`None`).
    fn new(ctx: Ctx, invitation: Option<OpenInvitation>) -> InvitationPage {
        InvitationPage {
            ctx,
            invitation,
            typed_name: String::new(),
            errors: FieldErrors::default(),
        }
    }

    /// The name as typed, with what to fix.
    fn with_form(self, typed_name: String, errors: FieldErrors) -> InvitationPage {
        InvitationPage {
            typed_name,
            errors,
            ..self
        }
    }
}

pub(super) async fn invitation_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PathToken(token): PathToken,
) -> Result<Response> {
    let invitation = open_invitation(&state.pool, &token).await?;
    let status = if invitation.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    render_with_status(status, &InvitationPage::new(ctx, invitation))
}

struct AcceptForm {
    name: String,
    password: Password,
    confirm_password: Password,
}

impl AcceptForm {
    fn read(body: &FormBody) -> AcceptForm {
        let mut r = body.reader();
        AcceptForm {
            name: r.text("name", Len::Line),
            password: Password::new(r.password("password")),
            confirm_password: Password::new(r.password("confirm_password")),
        }
    }
}

pub(super) async fn accept_invitation(
    State(state): State<AppState>,
    device: Device,
    ctx: Ctx,
    mut auth: AuthSession,
    PathToken(token): PathToken,
    body: FormBody,
) -> Result<Response> {
    let addr = device.client_addr.clone();
    let form = AcceptForm::read(&body);
    let Some(invitation) = open_invitation(&state.pool, &token).await? else {
        return render_with_status(StatusCode::NOT_FOUND, &InvitationPage::new(ctx, None));
    };

    let mut errors = FieldErrors::default();
    let name = form.name.trim().to_string();
    let mut new_hash = None;
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if invitation.has_account {
        // Someone who already has an account proves it is them with their password, under
        // the same limit as sign-in: an invitation link must not allow unlimited guesses.
        match check_password(
            &state,
            Whose::Email(&invitation.email),
            &addr,
            &form.password,
        )
        .await?
        {
            PasswordCheck::Right(_) => {}
            PasswordCheck::Wrong => errors.add(
                "password",
                "This is not the password of your Closed Set account.",
            ),
            PasswordCheck::Paused => {
                status = StatusCode::TOO_MANY_REQUESTS;
                errors.add("password", PAUSED_MESSAGE);
            }
        }
    } else {
        if name.is_empty() || name.chars().count() > 120 {
            errors.add("name", "Enter your name as the production should show it.");
        }
        if let Err(message) = password::check_policy(form.password.expose(), &invitation.email) {
            errors.add("password", message);
        } else if form.password.expose() != form.confirm_password.expose() {
            errors.add("confirm_password", "The two passwords are not the same.");
        } else {
            new_hash = Some(password::hash(&form.password).await?);
        }
    }
    if !errors.is_empty() {
        return render_with_status(
            status,
            &InvitationPage::new(ctx, Some(invitation)).with_form(form.name, errors),
        );
    }

    let mut tx = state.pool.begin().await?;
    // Claiming the invitation first makes it single-use even when two requests race.
    let claimed = sqlx::query(
        "update invitation set accepted_at = now()
         where invitation_id = $1 and accepted_at is null and revoked_at is null
           and expires_at > now()",
    )
    .bind(invitation.invitation_id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    let user: User = match new_hash {
        Some(hash) => {
            sqlx::query_as(&format!(
                "insert into app_user (email, name, password_hash) values ($1, $2, $3)
                 returning {USER_COLUMNS}"
            ))
            .bind(&invitation.email)
            .bind(&name)
            .bind(hash)
            .fetch_one(&mut *tx)
            .await?
        }
        None => {
            sqlx::query_as(&format!(
                "select {USER_COLUMNS} from app_user where email = $1"
            ))
            .bind(&invitation.email)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    sqlx::query("update invitation set accepted_by = $2 where invitation_id = $1")
        .bind(invitation.invitation_id)
        .bind(user.user_id)
        .execute(&mut *tx)
        .await?;
    let added = sqlx::query(
        "insert into member (production_id, user_id, role) values ($1, $2, $3)
         on conflict (production_id, user_id) do nothing",
    )
    .bind(invitation.production_id)
    .bind(user.user_id)
    .bind(invitation.role)
    .execute(&mut *tx)
    .await?;
    if added.rows_affected() == 1 {
        crate::audit::record(
            &mut tx,
            crate::audit::Action::MemberAdded,
            crate::audit::Entry {
                production_id: Some(invitation.production_id),
                actor_user_id: invitation.invited_by,
                subject_user_id: Some(user.user_id),
                detail: invitation.role.as_str(),
                ..Default::default()
            },
        )
        .await?;
    }
    // An invitation made for a cast member links the account to that cast record.
    sqlx::query(
        "update cast_member c set user_id = $2, updated_at = now()
         from invitation i
         where i.invitation_id = $1 and c.cast_member_id = i.cast_member_id
           and c.user_id is null",
    )
    .bind(invitation.invitation_id)
    .bind(user.user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    let next = format!("/productions/{}", invitation.production_id);
    let response =
        super::second_factor::finish_sign_in(&state, &mut auth, &user, &device, &next).await?;
    Flash::success(
        &auth.session,
        format!("Welcome to {}.", invitation.production_title),
    )
    .await?;
    Ok(response)
}

//! Productions and their members: creating a production, inviting people with a role,
//! changing roles and removing members; and `Member`, the one gate to everything inside one.

mod fields;

use askama::Template;
use axum::extract::{FromRequestParts, Path, RawPathParams, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::access::{self, Action};
use crate::auth::{CurrentUser, User};
use crate::clock::Zone;
use crate::error::{AppError, Result};
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::{Ctx, FieldErrors, Flash, render, render_with_status};
pub use fields::{Agreement, CURRENCIES, Kind, Phase, ProductionForm, ProductionInput};

/// A production as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Production {
    pub production_id: i64,
    pub title: String,
    pub kind: String,
    pub phase: String,
    /// Read from the stored IANA name once, here, for every page of the request.
    #[sqlx(rename = "time_zone", try_from = "String")]
    pub zone: Zone,
    pub currency: String,
    pub agreement: String,
    pub notice_hours: i32,
    pub ic_account_code: String,
    /// Moves with every change to what the production's pages summarise (migration 0011).
    pub revision: i64,
}

impl Production {
    pub fn kind_label(&self) -> &'static str {
        Kind::parse(&self.kind).map_or("", |k| k.label())
    }
    pub fn phase_label(&self) -> &'static str {
        Phase::parse(&self.phase).map_or("", |p| p.label())
    }
    pub fn agreement_label(&self) -> &'static str {
        Agreement::parse(&self.agreement).map_or("", |a| a.label())
    }
}

/// The signed-in person's membership of the production named in the path.
///
/// Every route under `/productions/{production_id}/` takes this extractor: anyone who is not
/// a member gets 404, never 403, so a production's existence never leaks.
#[derive(Clone, Debug)]
pub struct Member {
    pub user: User,
    pub production: Production,
    pub role: Role,
    pub member_id: i64,
}

impl Member {
    /// Answers 404 unless the access table lets this member's role do `action`.
    pub fn may(&self, action: Action) -> Result<()> {
        if self.can(action) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Whether the access table lets this member's role do `action` (to offer the control).
    pub fn can(&self, action: Action) -> bool {
        access::may(self.role, action)
    }

    pub fn is(&self, role: Role) -> bool {
        self.role == role
    }

    /// The production's base path, for links.
    pub fn base(&self) -> String {
        format!("/productions/{}", self.production.production_id)
    }
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    member_id: i64,
    role: Role,
    #[sqlx(flatten)]
    production: Production,
}

impl FromRequestParts<AppState> for Member {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let production_id: i64 = params
            .iter()
            .find(|(k, _)| *k == "production_id")
            .and_then(|(_, v)| v.parse().ok())
            .ok_or(AppError::NotFound)?;
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        let row: MemberRow = sqlx::query_as(
            "select m.member_id, m.role, p.production_id, p.title, p.kind, p.phase, p.time_zone,
                    p.currency, p.agreement, p.notice_hours, p.ic_account_code, p.revision
             from member m join production p using (production_id)
             where m.production_id = $1 and m.user_id = $2",
        )
        .bind(production_id)
        .bind(user.user_id)
        .fetch_optional(&state.pool)
        .await?
        .ok_or(AppError::NotFound)?;
        Ok(Member {
            user,
            production: row.production,
            role: row.role,
            member_id: row.member_id,
        })
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/productions/new", get(new_page))
        .route("/productions", post(create))
        .route(
            "/productions/{production_id}/settings",
            get(settings_page).post(update),
        )
        .route(
            "/productions/{production_id}/members",
            get(members_page).post(invite),
        )
        .route(
            "/productions/{production_id}/members/{member_id}/role",
            post(change_role),
        )
        .route(
            "/productions/{production_id}/members/{member_id}/remove",
            post(remove_member),
        )
        .route(
            "/productions/{production_id}/invitations/{invitation_id}/revoke",
            post(revoke_invitation),
        )
}

// ---------------------------------------------------------------- create and edit

#[derive(Template)]
#[template(path = "productions/form.html")]
struct ProductionFormPage {
    ctx: Ctx,
    form: ProductionForm,
    errors: FieldErrors,
    /// `None` when creating.
    production_id: Option<i64>,
    zones: Vec<&'static str>,
}

impl ProductionFormPage {
    fn kinds(&self) -> &'static [Kind] {
        &Kind::ALL
    }
    fn phases(&self) -> &'static [Phase] {
        &Phase::ALL
    }
    fn agreements(&self) -> &'static [Agreement] {
        &Agreement::ALL
    }
    fn currencies(&self) -> &'static [&'static str] {
        CURRENCIES
    }
    fn has_zone(&self) -> bool {
        self.zones.contains(&self.form.time_zone.as_str())
    }
    fn has_currency(&self) -> bool {
        CURRENCIES.contains(&self.form.currency.as_str())
    }
}

async fn may_create(state: &AppState, user: &User) -> Result<bool> {
    if user.is_admin {
        return Ok(true);
    }
    Ok(sqlx::query_scalar(
        "select exists (select 1 from member where user_id = $1 and role = 'producer')",
    )
    .bind(user.user_id)
    .fetch_one(&state.pool)
    .await?)
}

async fn new_page(
    State(state): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
) -> Result<Response> {
    if !may_create(&state, &user).await? {
        return Err(AppError::NotFound);
    }
    render(&ProductionFormPage {
        ctx,
        form: ProductionForm::default(),
        errors: FieldErrors::default(),
        production_id: None,
        zones: crate::clock::zone_names(),
    })
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    session: Session,
    Form(form): Form<ProductionForm>,
) -> Result<Response> {
    if !may_create(&state, &user).await? {
        return Err(AppError::NotFound);
    }
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => {
            return render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ProductionFormPage {
                    ctx,
                    form,
                    errors,
                    production_id: None,
                    zones: crate::clock::zone_names(),
                },
            );
        }
    };
    let mut tx = state.pool.begin().await?;
    let production_id: i64 = sqlx::query_scalar(
        "insert into production (title, kind, phase, time_zone, currency, agreement,
                                 notice_hours, ic_account_code, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning production_id",
    )
    .bind(&input.title)
    .bind(input.kind.as_str())
    .bind(input.phase.as_str())
    .bind(&input.time_zone)
    .bind(&input.currency)
    .bind(input.agreement.as_str())
    .bind(input.notice_hours)
    .bind(&input.ic_account_code)
    .bind(user.user_id)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("insert into member (production_id, user_id, role) values ($1, $2, 'producer')")
        .bind(production_id)
        .bind(user.user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Flash::success(
        &session,
        format!("{} is created. Invite your team next.", input.title),
    )
    .await?;
    Ok(Redirect::to(&format!("/productions/{production_id}/members")).into_response())
}

async fn settings_page(ctx: Ctx, member: Member) -> Result<Response> {
    member.may(Action::ChangeSettings)?;
    render(&ProductionFormPage {
        ctx,
        form: ProductionForm::from_production(&member.production),
        errors: FieldErrors::default(),
        production_id: Some(member.production.production_id),
        zones: crate::clock::zone_names(),
    })
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Form(form): Form<ProductionForm>,
) -> Result<Response> {
    member.may(Action::ChangeSettings)?;
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => {
            return render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ProductionFormPage {
                    ctx,
                    form,
                    errors,
                    production_id: Some(member.production.production_id),
                    zones: crate::clock::zone_names(),
                },
            );
        }
    };
    sqlx::query(
        "update production set title = $2, kind = $3, phase = $4, time_zone = $5, currency = $6,
                agreement = $7, notice_hours = $8, ic_account_code = $9, updated_at = now()
         where production_id = $1",
    )
    .bind(member.production.production_id)
    .bind(&input.title)
    .bind(input.kind.as_str())
    .bind(input.phase.as_str())
    .bind(&input.time_zone)
    .bind(&input.currency)
    .bind(input.agreement.as_str())
    .bind(input.notice_hours)
    .bind(&input.ic_account_code)
    .execute(&state.pool)
    .await?;
    Flash::success(&session, "The production's settings are saved.").await?;
    Ok(Redirect::to(&member.base()).into_response())
}

// ---------------------------------------------------------------- members

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

#[derive(Default, Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
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
    fn invitation_days(&self) -> i64 {
        crate::accounts::INVITATION_DAYS
    }
}

async fn members_page(
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
    members_response(
        &state,
        ctx,
        member,
        InviteForm::default(),
        FieldErrors::default(),
        new_link,
    )
    .await
}

async fn members_response(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    form: InviteForm,
    errors: FieldErrors,
    new_link: Option<String>,
) -> Result<Response> {
    let production_id = member.production.production_id;
    let members: Vec<MemberListing> = sqlx::query_as(
        "select m.member_id, u.user_id, u.name, u.email, m.role
         from member m join app_user u using (user_id)
         where m.production_id = $1
         order by array_position(array['producer','coordinator','director','performer'], m.role),
                  u.name",
    )
    .bind(production_id)
    .fetch_all(&state.pool)
    .await?;
    let invitations: Vec<PendingInvitation> = if member.can(Action::ManageMembers) {
        sqlx::query_as(
            "select invitation_id, email, role, expires_at from invitation
             where production_id = $1 and accepted_at is null and revoked_at is null
               and expires_at > now()
             order by created_at desc",
        )
        .bind(production_id)
        .fetch_all(&state.pool)
        .await?
    } else {
        Vec::new()
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        &MembersPage {
            ctx,
            member,
            members,
            invitations,
            form,
            errors,
            new_link,
            roles: Role::ALL,
        },
    )
}

async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Form(form): Form<InviteForm>,
) -> Result<Response> {
    member.may(Action::ManageMembers)?;
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
        return members_response(&state, ctx, member, form, errors, None).await;
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

#[derive(Deserialize)]
struct RoleForm {
    role: String,
}

/// Starts the transaction for a change to who produces the production: the production row is
/// locked, so two such changes (two producers demoting each other at the same moment) run one
/// after the other, and the second sees the first's result when it counts producers. Answers
/// 404 when the acting producer lost that role while waiting.
async fn lock_producers(
    state: &AppState,
    member: &Member,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    let mut tx = state.pool.begin().await?;
    sqlx::query("select production_id from production where production_id = $1 for update")
        .bind(member.production.production_id)
        .execute(&mut *tx)
        .await?;
    let still_producer: bool = sqlx::query_scalar(
        "select exists (select 1 from member where member_id = $1 and role = 'producer')",
    )
    .bind(member.member_id)
    .fetch_one(&mut *tx)
    .await?;
    if !still_producer {
        return Err(AppError::NotFound);
    }
    Ok(tx)
}

/// The role of a member of the caller's production, or 404.
async fn target_role(
    tx: &mut sqlx::PgConnection,
    production_id: i64,
    member_id: i64,
) -> Result<Role> {
    sqlx::query_scalar("select role from member where member_id = $1 and production_id = $2")
        .bind(member_id)
        .bind(production_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)
}

async fn producer_count(tx: &mut sqlx::PgConnection, production_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "select count(*) from member where production_id = $1 and role = 'producer'",
    )
    .bind(production_id)
    .fetch_one(&mut *tx)
    .await?)
}

async fn change_role(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Path((_, member_id)): Path<(i64, i64)>,
    Form(form): Form<RoleForm>,
) -> Result<Response> {
    member.may(Action::ManageMembers)?;
    let Some(role) = Role::parse(&form.role) else {
        return Err(AppError::NotFound);
    };
    let production_id = member.production.production_id;
    let mut tx = lock_producers(&state, &member).await?;
    let current = target_role(&mut tx, production_id, member_id).await?;
    if current == Role::Producer
        && role != Role::Producer
        && producer_count(&mut tx, production_id).await? <= 1
    {
        drop(tx);
        Flash::info(
            &session,
            "A production needs at least one producer; the role is unchanged.",
        )
        .await?;
    } else {
        sqlx::query("update member set role = $2, updated_at = now() where member_id = $1")
            .bind(member_id)
            .bind(role)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Flash::success(&session, format!("The role is now {}.", role.label())).await?;
    }
    Ok(Redirect::to(&format!("{}/members", member.base())).into_response())
}

async fn remove_member(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Path((_, member_id)): Path<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::ManageMembers)?;
    let production_id = member.production.production_id;
    let mut tx = lock_producers(&state, &member).await?;
    let current = target_role(&mut tx, production_id, member_id).await?;
    if current == Role::Producer && producer_count(&mut tx, production_id).await? <= 1 {
        drop(tx);
        Flash::info(
            &session,
            "A production needs at least one producer; nobody was removed.",
        )
        .await?;
    } else {
        // Access is checked against this table on every request, so removal is immediate.
        // Their notices of this production go with it: the header's count and the live stream
        // must not keep telling them about a production they can no longer open. The member row
        // goes first, so a notice being written at the same moment (`notify` key-share locks the
        // row) either lands before this and is deleted, or finds no member and is not written.
        let user_id: i64 =
            sqlx::query_scalar("delete from member where member_id = $1 returning user_id")
                .bind(member_id)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query("delete from notification where production_id = $1 and user_id = $2")
            .bind(production_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Flash::success(
            &session,
            "The member is removed and can no longer see the production.",
        )
        .await?;
    }
    let target = if member_id == member.member_id {
        "/".to_string()
    } else {
        format!("{}/members", member.base())
    };
    Ok(Redirect::to(&target).into_response())
}

async fn revoke_invitation(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Path((_, invitation_id)): Path<(i64, i64)>,
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

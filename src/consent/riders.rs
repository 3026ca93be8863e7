//! Riders on the web: coordinators draft from the breakdown and deliver; performers read, sign
//! with their password and withdraw consent with one action; the printable consent certificate.

pub mod lifecycle;
mod onset;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};
use tower_sessions::Session;

use crate::access::Action;
use crate::auth::password::Password;
use crate::cast::{CastMember, cast_list};
use crate::error::{AppError, Result};
use crate::productions::{Member, Production};
use crate::rules::expanding::needs_new_rider;
use crate::vocab::RiderStatus;
use crate::vocab::Role;
use crate::vocab::scope::{Scope, Uses};
use crate::web::AppState;
use crate::web::FormBody;
use crate::web::{ClientAddr, Ctx, FieldErrors, Flash, render, render_with_status};
use lifecycle::{Candidate, Covered, RiderRow, Terms};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/riders",
            get(list_page).post(create),
        )
        .route("/productions/{production_id}/riders/new", get(new_page))
        .route(
            "/productions/{production_id}/riders/{rider_id}",
            get(show_page).post(update),
        )
        .route(
            "/productions/{production_id}/riders/{rider_id}/deliver",
            post(deliver),
        )
        .route(
            "/productions/{production_id}/riders/{rider_id}/sign",
            post(sign),
        )
        .route(
            "/productions/{production_id}/riders/{rider_id}/revoke",
            get(revoke_page).post(revoke),
        )
        .route(
            "/productions/{production_id}/riders/{rider_id}/certificate",
            get(certificate),
        )
        .merge(onset::router())
}

fn maybe_time(production: &Production, at: Option<OffsetDateTime>) -> String {
    at.map(|t| production.zone.moment(t)).unwrap_or_default()
}

fn is_own(member: &Member, rider: &RiderRow) -> bool {
    member.is(Role::Performer) && rider.performer_user_id == Some(member.user.user_id)
}

/// The rider if this member may read it, else 404: staff read all, a performer only their own
/// delivered ones, directors none.
async fn readable(state: &AppState, member: &Member, rider_id: i64) -> Result<RiderRow> {
    member.may(Action::ReadRiders)?;
    let mut conn = state.pool.acquire().await?;
    let rider = lifecycle::load(&mut conn, member.production.production_id, rider_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if member.is(Role::Performer) && (!is_own(member, &rider) || rider.is_draft()) {
        return Err(AppError::NotFound);
    }
    Ok(rider)
}

/// The rider if it is this performer's own, else 404: only they sign or withdraw.
async fn own(state: &AppState, member: &Member, rider_id: i64) -> Result<RiderRow> {
    let rider = readable(state, member, rider_id).await?;
    if is_own(member, &rider) {
        Ok(rider)
    } else {
        Err(AppError::NotFound)
    }
}

// ---------------------------------------------------------------- the list

#[derive(sqlx::FromRow)]
struct ListRow {
    rider_id: i64,
    status: RiderStatus,
    cast_number: i32,
    performer_name: String,
    delivered_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
    first_call: Option<OffsetDateTime>,
    scenes: Option<String>,
    stale: bool,
}

struct ListItem {
    rider_id: i64,
    performer: String,
    scenes: String,
    status: &'static str,
    delivered: String,
    deadline: String,
    /// Delivered after the notice deadline, or still undelivered past it.
    late: bool,
    revocable: bool,
}

#[derive(Template)]
#[template(path = "consent/rider_list.html")]
struct ListPage {
    ctx: Ctx,
    member: Member,
    riders: Vec<ListItem>,
    can_draft: bool,
    is_performer: bool,
}

async fn list_page(State(state): State<AppState>, ctx: Ctx, member: Member) -> Result<Response> {
    member.may(Action::ReadRiders)?;
    let performer = member.is(Role::Performer).then_some(member.user.user_id);
    // One query: the covered scenes and the earliest call among their shoot days come from
    // correlated subqueries, so the page costs the same whatever the number of riders.
    let rows: Vec<ListRow> = sqlx::query_as(
        "select r.rider_id, r.status, c.cast_number, c.name as performer_name, r.delivered_at,
                r.revoked_at,
                (select min(d.call_at) from rider_scene rs
                   join shoot_day_scene ds using (scene_id)
                   join shoot_day d using (shoot_day_id)
                 where rs.rider_id = r.rider_id) as first_call,
                (select string_agg(s.number, ', ' order by s.sort_key collate \"C\")
                 from rider_scene rs join scene s using (scene_id)
                 where rs.rider_id = r.rider_id) as scenes,
                exists (select 1 from rider_scene rs join scene s using (scene_id)
                        where rs.rider_id = r.rider_id
                          and s.current_version_id is distinct from rs.scene_version_id) as stale
         from rider r join cast_member c using (cast_member_id)
         where r.production_id = $1
           and ($2::bigint is null or (c.user_id = $2 and r.status <> 'drafted'))
         order by c.cast_number, r.rider_id desc",
    )
    .bind(member.production.production_id)
    .bind(performer)
    .fetch_all(&state.pool)
    .await?;
    let notice = Duration::hours(i64::from(member.production.notice_hours));
    let now = OffsetDateTime::now_utc();
    let production = &member.production;
    let riders = rows
        .into_iter()
        .map(|r| {
            let deadline = r.first_call.map(|call| call - notice);
            let late = match (deadline, r.delivered_at) {
                (Some(deadline), Some(delivered)) => delivered > deadline,
                (Some(deadline), None) => now > deadline,
                _ => false,
            };
            ListItem {
                rider_id: r.rider_id,
                performer: format!("#{} {}", r.cast_number, r.performer_name),
                scenes: r.scenes.unwrap_or_default(),
                status: r.status.label(r.stale),
                delivered: maybe_time(production, r.delivered_at),
                deadline: deadline
                    .map(|d| production.zone.moment(d))
                    .unwrap_or_else(|| "Not scheduled yet".into()),
                late,
                revocable: performer.is_some() && r.revoked_at.is_none() && r.status.is_live(),
            }
        })
        .collect();
    render(&ListPage {
        ctx,
        can_draft: member.can(Action::DraftRiders),
        is_performer: member.is(Role::Performer),
        member,
        riders,
    })
}

// ---------------------------------------------------------------- drafting

/// What the draft form holds, kept as typed so a 422 shows it again.
#[derive(Clone, Debug, Default)]
struct DraftForm {
    cast_member_id: String,
    scenes: Vec<String>,
    in_picture: bool,
    in_trailers: bool,
    in_stills: bool,
    double_allowed: bool,
}

impl DraftForm {
    fn parse(body: &FormBody) -> DraftForm {
        DraftForm {
            cast_member_id: body.get("cast_member_id"),
            scenes: body.all("scenes"),
            in_picture: body.has("in_picture"),
            in_trailers: body.has("in_trailers"),
            in_stills: body.has("in_stills"),
            double_allowed: body.has("double_allowed"),
        }
    }
    fn of(rider: &RiderRow, covered: &[Covered]) -> DraftForm {
        DraftForm {
            cast_member_id: rider.cast_member_id.to_string(),
            scenes: covered.iter().map(|c| c.scene_id.to_string()).collect(),
            in_picture: rider.in_picture,
            in_trailers: rider.in_trailers,
            in_stills: rider.in_stills,
            double_allowed: rider.double_allowed,
        }
    }
    /// A new rider asks for use in the picture only, until the coordinator asks for more.
    fn fresh(cast_member_id: String) -> DraftForm {
        DraftForm {
            cast_member_id,
            in_picture: true,
            ..DraftForm::default()
        }
    }
    fn terms(&self) -> Terms {
        Terms {
            uses: Uses {
                in_picture: self.in_picture,
                trailers: self.in_trailers,
                stills: self.in_stills,
            },
            double_allowed: self.double_allowed,
        }
    }
    /// Chosen scene ids; anything unreadable becomes an id no scene has, refused as a choice.
    fn scene_ids(&self) -> Vec<i64> {
        self.scenes
            .iter()
            .map(|s| s.trim().parse().unwrap_or(-1))
            .collect()
    }
    fn has_scene(&self, scene_id: &i64) -> bool {
        self.scenes.contains(&scene_id.to_string())
    }
}

/// A scene offered on the draft form, with what the breakdown asks (the prefill).
struct CandidateView {
    scene_id: i64,
    label: String,
    nudity: &'static str,
    areas: String,
    acts: Vec<String>,
    double_for: Option<String>,
}

impl CandidateView {
    fn of(c: &Candidate) -> CandidateView {
        let part = c.part.normalised();
        let labels = |areas: &[crate::vocab::body::BodyArea]| {
            areas
                .iter()
                .map(|a| a.label())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut areas = Vec::new();
        for (what, list) in [
            ("shown", &part.shown),
            ("touched", &part.touched),
            ("touching", &part.touching),
        ] {
            if !list.is_empty() {
                areas.push(format!("{what}: {}", labels(list)));
            }
        }
        CandidateView {
            scene_id: c.scene_id,
            label: format!("Sc. {} — {} (version {})", c.number, c.heading, c.version),
            nudity: part.nudity.label(),
            areas: areas.join("; "),
            acts: part.acts,
            double_for: c.double_for.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "consent/rider_new.html")]
struct NewPage {
    ctx: Ctx,
    member: Member,
    cast: Vec<CastMember>,
    chosen: Option<CastMember>,
    candidates: Vec<CandidateView>,
    form: DraftForm,
    errors: FieldErrors,
}

impl NewPage {
    fn is_chosen(&self, cast_member_id: &i64) -> bool {
        self.form.cast_member_id == cast_member_id.to_string()
    }
}

#[derive(Deserialize)]
struct NewQuery {
    cast_member_id: Option<String>,
}

async fn new_response(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    form: DraftForm,
    errors: FieldErrors,
) -> Result<Response> {
    let cast = cast_list(&state.pool, member.production.production_id).await?;
    let chosen = cast
        .iter()
        .find(|c| c.cast_member_id.to_string() == form.cast_member_id)
        .cloned();
    let candidates = match &chosen {
        Some(c) => {
            let mut conn = state.pool.acquire().await?;
            lifecycle::candidates(&mut conn, member.production.production_id, c.cast_member_id)
                .await?
                .iter()
                .map(CandidateView::of)
                .collect()
        }
        None => Vec::new(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        &NewPage {
            ctx,
            member,
            cast,
            chosen,
            candidates,
            form,
            errors,
        },
    )
}

async fn new_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Query(query): Query<NewQuery>,
) -> Result<Response> {
    member.may(Action::DraftRiders)?;
    let form = DraftForm::fresh(query.cast_member_id.unwrap_or_default());
    new_response(&state, ctx, member, form, FieldErrors::default()).await
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: Bytes,
) -> Result<Response> {
    member.may(Action::DraftRiders)?;
    let form = DraftForm::parse(&FormBody::parse(&body));
    let mut errors = FieldErrors::default();
    let Ok(cast_member_id) = form.cast_member_id.trim().parse::<i64>() else {
        errors.add("cast_member_id", "Choose a performer from the cast list.");
        return new_response(&state, ctx, member, form, errors).await;
    };
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    let drafted = lifecycle::draft(
        &mut tx,
        production_id,
        cast_member_id,
        &form.scene_ids(),
        form.terms(),
        member.user.user_id,
    )
    .await?;
    match drafted {
        Ok(rider_id) => {
            tx.commit().await?;
            Flash::success(
                &session,
                "Rider drafted. Check it, then deliver it to start the notice clock.",
            )
            .await?;
            Ok(Redirect::to(&lifecycle::rider_link(production_id, rider_id)).into_response())
        }
        Err(refused) => {
            drop(tx);
            errors.add(refused.field, refused.message);
            new_response(&state, ctx, member, form, errors).await
        }
    }
}

// ---------------------------------------------------------------- one rider

struct CoveredView {
    number: String,
    heading: String,
    version: i32,
    content_hash: String,
    stale: bool,
    current_version: Option<i32>,
}

impl CoveredView {
    fn of(c: &Covered) -> CoveredView {
        CoveredView {
            number: c.number.clone(),
            heading: c.heading.clone(),
            version: c.version,
            content_hash: c.content_hash.clone(),
            stale: c.is_stale(),
            current_version: c.current_version,
        }
    }
    fn short_hash(&self) -> &str {
        &self.content_hash[..self.content_hash.len().min(12)]
    }
}

/// R2 on the draft page: what the draft asks beyond what the performer already signed.
struct Beyond {
    scene: String,
    /// `None`: nothing signed for this scene yet.
    lines: Option<Vec<String>>,
}

#[derive(Template)]
#[template(path = "consent/rider_show.html")]
struct ShowPage {
    ctx: Ctx,
    member: Member,
    rider: RiderRow,
    status: &'static str,
    covered: Vec<CoveredView>,
    text: String,
    own: bool,
    can_edit: bool,
    candidates: Vec<CandidateView>,
    beyond: Vec<Beyond>,
    form: DraftForm,
    errors: FieldErrors,
    delivered: String,
    signed: String,
    revoked: String,
}

#[derive(sqlx::FromRow)]
struct SignedScope {
    scene_id: i64,
    scope: String,
}

/// The rider page; `form` and `errors` come back from a refused edit or signature.
async fn show_response(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    rider: RiderRow,
    form: Option<DraftForm>,
    errors: FieldErrors,
) -> Result<Response> {
    let production_id = member.production.production_id;
    let mut conn = state.pool.acquire().await?;
    let covered = lifecycle::covered(&mut conn, rider.rider_id).await?;
    let can_edit = rider.is_draft() && member.can(Action::DraftRiders);
    let (candidates, beyond) = if can_edit {
        let candidates =
            lifecycle::candidates(&mut conn, production_id, rider.cast_member_id).await?;
        let signed: Vec<SignedScope> = sqlx::query_as(
            "select rs.scene_id, rs.scope::text as scope
             from rider_scene rs join rider r using (rider_id)
             where r.cast_member_id = $1 and r.status = 'signed' and r.revoked_at is null
               and rs.rider_id <> $2
             order by r.rider_id desc",
        )
        .bind(rider.cast_member_id)
        .bind(rider.rider_id)
        .fetch_all(&mut *conn)
        .await?;
        let beyond = covered
            .iter()
            .map(|c| {
                let agreed: Option<Scope> = signed
                    .iter()
                    .find(|s| s.scene_id == c.scene_id)
                    .and_then(|s| serde_json::from_str(&s.scope).ok());
                Beyond {
                    scene: c.number.clone(),
                    lines: match (agreed, &c.scope) {
                        (Some(agreed), Some(asked)) => Some(
                            needs_new_rider(asked, &agreed)
                                .iter()
                                .map(ToString::to_string)
                                .collect(),
                        ),
                        _ => None,
                    },
                }
            })
            .collect();
        (candidates.iter().map(CandidateView::of).collect(), beyond)
    } else {
        (Vec::new(), Vec::new())
    };
    let text = if rider.is_draft() {
        lifecycle::render_text(&member.production, &rider, &covered)
    } else {
        rider.body.clone()
    };
    let stale = rider.status == RiderStatus::Signed && covered.iter().any(Covered::is_stale);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let production = &member.production;
    render_with_status(
        status,
        &ShowPage {
            status: rider.status.label(stale),
            own: is_own(&member, &rider),
            form: form.unwrap_or_else(|| DraftForm::of(&rider, &covered)),
            delivered: maybe_time(production, rider.delivered_at),
            signed: maybe_time(production, rider.signed_at),
            revoked: maybe_time(production, rider.revoked_at),
            covered: covered.iter().map(CoveredView::of).collect(),
            ctx,
            text,
            can_edit,
            candidates,
            beyond,
            errors,
            rider,
            member,
        },
    )
}

async fn show_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, rider_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let mut rider = readable(&state, &member, rider_id).await?;
    let production_id = member.production.production_id;
    if is_own(&member, &rider) {
        let mut tx = state.pool.begin().await?;
        if lifecycle::mark_viewed(&mut tx, production_id, rider_id, member.user.user_id).await? {
            rider = lifecycle::load(&mut tx, production_id, rider_id)
                .await?
                .ok_or(AppError::NotFound)?;
        }
        tx.commit().await?;
    } else {
        lifecycle::log_view(&state.pool, &rider, member.user.user_id, "rider").await?;
    }
    show_response(&state, ctx, member, rider, None, FieldErrors::default()).await
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, rider_id)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response> {
    member.may(Action::DraftRiders)?;
    let rider = readable(&state, &member, rider_id).await?;
    let form = DraftForm::parse(&FormBody::parse(&body));
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    let updated = lifecycle::update_draft(
        &mut tx,
        production_id,
        rider_id,
        &form.scene_ids(),
        form.terms(),
    )
    .await?;
    match updated {
        Ok(()) => {
            tx.commit().await?;
            Flash::success(&session, "Draft saved.").await?;
        }
        Err(refused) if refused.field.is_empty() => {
            drop(tx);
            Flash::info(&session, refused.message).await?;
        }
        Err(refused) => {
            drop(tx);
            let mut errors = FieldErrors::default();
            errors.add(refused.field, refused.message);
            return show_response(&state, ctx, member, rider, Some(form), errors).await;
        }
    }
    Ok(Redirect::to(&lifecycle::rider_link(production_id, rider_id)).into_response())
}

async fn deliver(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Path((_, rider_id)): Path<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::DraftRiders)?;
    readable(&state, &member, rider_id).await?;
    let mut tx = state.pool.begin().await?;
    match lifecycle::deliver(&mut tx, &member.production, rider_id, member.user.user_id).await? {
        Ok(()) => {
            tx.commit().await?;
            Flash::success(
                &session,
                "Delivered. The text is locked and the notice clock has started; the performer \
                 has been told.",
            )
            .await?;
        }
        Err(refused) => {
            drop(tx);
            Flash::info(&session, refused.message).await?;
        }
    }
    let link = lifecycle::rider_link(member.production.production_id, rider_id);
    Ok(Redirect::to(&link).into_response())
}

async fn sign(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    device: Device,
    Path((_, rider_id)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response> {
    let rider = own(&state, &member, rider_id).await?;
    let body = FormBody::parse(&body);
    let password = Password::new(body.get("password"));
    let mut errors = FieldErrors::default();
    // The same limit as sign-in: a session left open must not become a way to guess a password.
    if password.expose().is_empty() {
        errors.add(
            "password",
            "Enter your password to sign. Nothing was signed.",
        );
    } else {
        use crate::auth::{PasswordCheck, Whose, check_password};
        match check_password(
            &state,
            Whose::User(&member.user),
            &device.client_addr,
            &password,
        )
        .await?
        {
            PasswordCheck::Right(_) => {}
            PasswordCheck::Paused => errors.add(
                "password",
                "Too many wrong passwords. For your security, signing is paused for a while. \
                 Nothing was signed.",
            ),
            PasswordCheck::Wrong => {
                errors.add("password", "That is not your password. Nothing was signed.")
            }
        }
    }
    if !errors.is_empty() {
        return show_response(&state, ctx, member, rider, None, errors).await;
    }
    let signature = lifecycle::Signature {
        text_sha256: body.get("text_sha256"),
        client_addr: device.client_addr,
        user_agent: device.user_agent,
        authenticated: "password re-entered".into(),
    };
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    match lifecycle::sign(
        &mut tx,
        production_id,
        rider_id,
        member.user.user_id,
        &signature,
    )
    .await?
    {
        Ok(_) => {
            let scenes = lifecycle::covered(&mut tx, rider_id).await?;
            let numbers: Vec<&str> = scenes.iter().map(|s| s.number.as_str()).collect();
            crate::notifications::notify_roles(
                &mut tx,
                production_id,
                &[Role::Coordinator],
                crate::notifications::kind::RIDER_SIGNED,
                &format!(
                    "{} signed the rider for {}",
                    rider.performer_label(),
                    lifecycle::scenes_phrase(&numbers)
                ),
                &lifecycle::rider_link(production_id, rider_id),
            )
            .await?;
            tx.commit().await?;
            Flash::success(
                &session,
                "You signed this rider. You can still withdraw your consent at any time before \
                 the scene is shot.",
            )
            .await?;
        }
        Err(refused) => {
            drop(tx);
            Flash::info(&session, refused.message).await?;
        }
    }
    Ok(Redirect::to(&lifecycle::rider_link(production_id, rider_id)).into_response())
}

/// Where a signature came from, as the ledger records it.
struct Device {
    client_addr: String,
    user_agent: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Device {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ClientAddr(client_addr) = ClientAddr::from_request_parts(parts, state).await?;
        // Bounded: the header is the client's to choose and the ledger keeps it for good.
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(300)
            .collect();
        Ok(Device {
            client_addr,
            user_agent,
        })
    }
}

// ---------------------------------------------------------------- withdrawing consent

#[derive(Template)]
#[template(path = "consent/rider_revoke.html")]
struct RevokePage {
    ctx: Ctx,
    member: Member,
    rider: RiderRow,
    scenes: String,
    revoked: String,
}

async fn revoke_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, rider_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let rider = own(&state, &member, rider_id).await?;
    let mut conn = state.pool.acquire().await?;
    let covered = lifecycle::covered(&mut conn, rider_id).await?;
    let numbers: Vec<&str> = covered.iter().map(|s| s.number.as_str()).collect();
    render(&RevokePage {
        ctx,
        scenes: lifecycle::scenes_phrase(&numbers),
        revoked: maybe_time(&member.production, rider.revoked_at),
        member,
        rider,
    })
}

async fn revoke(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Path((_, rider_id)): Path<(i64, i64)>,
) -> Result<Response> {
    own(&state, &member, rider_id).await?;
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    match lifecycle::revoke(&mut tx, production_id, rider_id, member.user.user_id).await? {
        Ok(()) => {
            tx.commit().await?;
            Flash::success(
                &session,
                "You withdrew your consent. It applies now: the scene cannot be shot with this \
                 rider, and the coordinators and producers have been told. Nobody can undo this \
                 for you.",
            )
            .await?;
        }
        Err(_) => {
            drop(tx);
            // A second press (or a second tab) lands here: the first one already counted.
            let rider = own(&state, &member, rider_id).await?;
            let message = match rider.revoked_at {
                Some(at) => format!(
                    "You already withdrew consent for this rider on {}. Nothing more to do.",
                    member.production.zone.moment(at)
                ),
                None => "This rider was replaced by a newer one; there is nothing to withdraw \
                         here. Open your riders list to see the current one."
                    .to_string(),
            };
            Flash::info(&session, message).await?;
        }
    }
    Ok(Redirect::to(&lifecycle::rider_link(production_id, rider_id)).into_response())
}

// ---------------------------------------------------------------- the certificate

#[derive(sqlx::FromRow)]
struct EventRow {
    seq: i64,
    event: String,
    occurred_at: OffsetDateTime,
    details: String,
    entry_hash: String,
    actor_name: Option<String>,
}

struct EventView {
    seq: i64,
    event: String,
    when: String,
    who: String,
    how: String,
    facts: Vec<(String, String)>,
    entry_hash: String,
}

impl EventView {
    fn of(production: &Production, e: EventRow) -> EventView {
        let details: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&e.details).unwrap_or_default();
        let how = details
            .get("authenticated")
            .and_then(|v| v.as_str())
            .unwrap_or("signed-in session")
            .to_string();
        let facts = details
            .iter()
            .filter(|(k, _)| matches!(k.as_str(), "text_sha256" | "client_addr" | "user_agent"))
            .map(|(k, v)| {
                let label = match k.as_str() {
                    "text_sha256" => "Text SHA-256",
                    "client_addr" => "Client address",
                    _ => "User agent",
                };
                (label.to_string(), v.as_str().unwrap_or("").to_string())
            })
            .collect();
        EventView {
            seq: e.seq,
            event: e.event,
            when: production.zone.moment(e.occurred_at),
            who: e.actor_name.unwrap_or_else(|| "(system)".into()),
            how,
            facts,
            entry_hash: e.entry_hash,
        }
    }
}

#[derive(Template)]
#[template(path = "consent/rider_certificate.html")]
struct CertificatePage {
    ctx: Ctx,
    member: Member,
    rider: RiderRow,
    status: &'static str,
    covered: Vec<CoveredView>,
    events: Vec<EventView>,
    hash: String,
}

async fn certificate(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, rider_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let rider = readable(&state, &member, rider_id).await?;
    if rider.is_draft() {
        // A draft has no agreed text yet: there is nothing to certify.
        return Err(AppError::NotFound);
    }
    lifecycle::log_view(&state.pool, &rider, member.user.user_id, "certificate").await?;
    let mut conn = state.pool.acquire().await?;
    let covered = lifecycle::covered(&mut conn, rider_id).await?;
    let events: Vec<EventRow> = sqlx::query_as(
        "select e.seq, e.event, e.occurred_at, e.details, e.entry_hash, u.name as actor_name
         from consent_event e left join app_user u on u.user_id = e.actor_user_id
         where e.rider_id = $1 and e.production_id = $2
         order by e.seq",
    )
    .bind(rider_id)
    .bind(member.production.production_id)
    .fetch_all(&mut *conn)
    .await?;
    let stale = rider.status == RiderStatus::Signed && covered.iter().any(Covered::is_stale);
    render(&CertificatePage {
        status: rider.status.label(stale),
        covered: covered.iter().map(CoveredView::of).collect(),
        events: events
            .into_iter()
            .map(|e| EventView::of(&member.production, e))
            .collect(),
        hash: rider.body_sha256.clone().unwrap_or_default(),
        ctx,
        rider,
        member,
    })
}

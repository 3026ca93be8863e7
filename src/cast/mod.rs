//! The cast list of a production: cast numbers, names, characters, dates of birth (for the
//! minors rule), unions, representatives, and the link to a performer's account.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use time::Date;
use tower_sessions::Session;

use crate::access::Action;
use crate::accounts;
use crate::clock::format_date;
use crate::error::{AppError, Result, is_violation};
use crate::productions::Member;
use crate::rules::minors::{self, CastAge};
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::{Ctx, FieldErrors, Flash, render_with_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/cast",
            get(list_page).post(create),
        )
        .route(
            "/productions/{production_id}/cast/{cast_member_id}",
            get(edit_page).post(update),
        )
        .route(
            "/productions/{production_id}/cast/{cast_member_id}/invite",
            post(invite),
        )
}

/// A cast member as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CastMember {
    pub cast_member_id: i64,
    pub cast_number: i32,
    pub name: String,
    pub character_name: String,
    pub date_of_birth: Option<Date>,
    pub union_name: String,
    pub representative: String,
    pub user_id: Option<i64>,
}

impl CastMember {
    pub fn label(&self) -> String {
        format!("#{} {}", self.cast_number, self.name)
    }
    pub fn born(&self) -> String {
        self.date_of_birth.map(format_date).unwrap_or_default()
    }
}

const CAST_COLUMNS: &str = "cast_member_id, cast_number, name, character_name, date_of_birth, \
                            union_name, representative, user_id";

/// The whole cast of a production in cast-number order.
pub async fn cast_list(pool: &sqlx::PgPool, production_id: i64) -> Result<Vec<CastMember>> {
    Ok(sqlx::query_as(&format!(
        "select {CAST_COLUMNS} from cast_member where production_id = $1 order by cast_number"
    ))
    .bind(production_id)
    .fetch_all(pool)
    .await?)
}

async fn one(state: &AppState, member: &Member, cast_member_id: i64) -> Result<CastMember> {
    sqlx::query_as(&format!(
        "select {CAST_COLUMNS} from cast_member where cast_member_id = $1 and production_id = $2"
    ))
    .bind(cast_member_id)
    .bind(member.production.production_id)
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct CastForm {
    cast_number: String,
    name: String,
    character_name: String,
    date_of_birth: String,
    union_name: String,
    representative: String,
}

impl CastForm {
    fn from_cast(c: &CastMember) -> CastForm {
        CastForm {
            cast_number: c.cast_number.to_string(),
            name: c.name.clone(),
            character_name: c.character_name.clone(),
            date_of_birth: c.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
            union_name: c.union_name.clone(),
            representative: c.representative.clone(),
        }
    }

    fn parse(&self, today: Date) -> Result<CastInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let cast_number = match self
            .cast_number
            .trim()
            .trim_start_matches('#')
            .parse::<i32>()
        {
            Ok(n) if (1..=9999).contains(&n) => Some(n),
            _ => {
                errors.add(
                    "cast_number",
                    "Write the cast number as a whole number from 1 to 9999.",
                );
                None
            }
        };
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            errors.add("name", "Write the performer's name.");
        } else if name.chars().count() > 200 {
            errors.add("name", "The name is at most 200 characters.");
        }
        let date_of_birth = match self.date_of_birth.trim() {
            "" => None,
            text => match Date::parse(
                text,
                time::macros::format_description!("[year]-[month]-[day]"),
            ) {
                Ok(d) if d > today => {
                    errors.add(
                        "date_of_birth",
                        "The date of birth cannot be in the future.",
                    );
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    errors.add(
                        "date_of_birth",
                        "Write the date of birth as year-month-day, for example 1994-03-27.",
                    );
                    None
                }
            },
        };
        match (cast_number, errors.is_empty()) {
            (Some(cast_number), true) => Ok(CastInput {
                cast_number,
                name,
                character_name: self.character_name.trim().to_string(),
                date_of_birth,
                union_name: self.union_name.trim().to_string(),
                representative: self.representative.trim().to_string(),
            }),
            _ => Err(errors),
        }
    }
}

struct CastInput {
    cast_number: i32,
    name: String,
    character_name: String,
    date_of_birth: Option<Date>,
    union_name: String,
    representative: String,
}

/// The form error for a taken cast number, naming who holds it.
async fn number_taken(state: &AppState, production_id: i64, number: i32) -> Result<String> {
    let holder: Option<String> = sqlx::query_scalar(
        "select name from cast_member where production_id = $1 and cast_number = $2",
    )
    .bind(production_id)
    .bind(number)
    .fetch_optional(&state.pool)
    .await?;
    Ok(format!(
        "Cast #{number} is already taken by {}. Choose another number.",
        holder.unwrap_or_else(|| "someone else".into())
    ))
}

// ---------------------------------------------------------------- list and add

#[derive(Template)]
#[template(path = "cast/list.html")]
struct ListPage {
    ctx: Ctx,
    member: Member,
    cast: Vec<CastMember>,
    form: CastForm,
    errors: FieldErrors,
    can_edit: bool,
}

async fn list_response(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    form: CastForm,
    errors: FieldErrors,
) -> Result<Response> {
    let cast = cast_list(&state.pool, member.production.production_id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let can_edit = member.can(Action::EditCast);
    render_with_status(
        status,
        &ListPage {
            ctx,
            member,
            cast,
            form,
            errors,
            can_edit,
        },
    )
}

async fn list_page(State(state): State<AppState>, ctx: Ctx, member: Member) -> Result<Response> {
    member.may(Action::SeeCast)?;
    list_response(
        &state,
        ctx,
        member,
        CastForm::default(),
        FieldErrors::default(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Form(form): Form<CastForm>,
) -> Result<Response> {
    member.may(Action::EditCast)?;
    let today = member.production.zone.today();
    let input = match form.parse(today) {
        Ok(input) => input,
        Err(errors) => return list_response(&state, ctx, member, form, errors).await,
    };
    let production_id = member.production.production_id;
    let inserted = sqlx::query(
        "insert into cast_member (production_id, cast_number, name, character_name, date_of_birth,
                                  union_name, representative)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(production_id)
    .bind(input.cast_number)
    .bind(&input.name)
    .bind(&input.character_name)
    .bind(input.date_of_birth)
    .bind(&input.union_name)
    .bind(&input.representative)
    .execute(&state.pool)
    .await;
    match inserted {
        Ok(_) => {}
        Err(err) if is_violation(&err, "cast_member_number_key") => {
            let mut errors = FieldErrors::default();
            errors.add(
                "cast_number",
                number_taken(&state, production_id, input.cast_number).await?,
            );
            return list_response(&state, ctx, member, form, errors).await;
        }
        Err(err) => return Err(err.into()),
    }
    Flash::success(
        &session,
        format!("#{} {} is on the cast list.", input.cast_number, input.name),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/cast", member.base())).into_response())
}

// ---------------------------------------------------------------- edit and invite

#[derive(Default, Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
}

#[derive(Template)]
#[template(path = "cast/edit.html")]
struct EditPage {
    ctx: Ctx,
    member: Member,
    cast: CastMember,
    /// The linked account's name, if any.
    account: Option<String>,
    form: CastForm,
    errors: FieldErrors,
    invite: InviteForm,
    invite_errors: FieldErrors,
    /// The invitation link, shown once right after it is made.
    new_link: Option<String>,
    can_edit: bool,
}

#[allow(clippy::too_many_arguments)]
async fn edit_response(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    cast: CastMember,
    form: Option<CastForm>,
    errors: FieldErrors,
    invite: InviteForm,
    invite_errors: FieldErrors,
    new_link: Option<String>,
) -> Result<Response> {
    let account: Option<String> = match cast.user_id {
        Some(user_id) => {
            sqlx::query_scalar("select name from app_user where user_id = $1")
                .bind(user_id)
                .fetch_optional(&state.pool)
                .await?
        }
        None => None,
    };
    let status = if errors.is_empty() && invite_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let can_edit = member.can(Action::EditCast);
    render_with_status(
        status,
        &EditPage {
            ctx,
            member,
            form: form.unwrap_or_else(|| CastForm::from_cast(&cast)),
            cast,
            account,
            errors,
            invite,
            invite_errors,
            new_link,
            can_edit,
        },
    )
}

async fn edit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, cast_member_id)): Path<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::SeeCast)?;
    let cast = one(&state, &member, cast_member_id).await?;
    let new_link: Option<String> = session
        .remove("cast_invitation_link")
        .await
        .map_err(crate::web::session_err)?;
    edit_response(
        &state,
        ctx,
        member,
        cast,
        None,
        FieldErrors::default(),
        InviteForm::default(),
        FieldErrors::default(),
        new_link,
    )
    .await
}

#[derive(sqlx::FromRow)]
struct RestrictedScene {
    number: String,
    breakdown: String,
    dates: Vec<Date>,
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, cast_member_id)): Path<(i64, i64)>,
    Form(form): Form<CastForm>,
) -> Result<Response> {
    member.may(Action::EditCast)?;
    let cast = one(&state, &member, cast_member_id).await?;
    let today = member.production.zone.today();
    let input = match form.parse(today) {
        Ok(input) => input,
        Err(errors) => {
            return edit_response(
                &state,
                ctx,
                member,
                cast,
                Some(form),
                errors,
                InviteForm::default(),
                FieldErrors::default(),
                None,
            )
            .await;
        }
    };
    let production_id = member.production.production_id;
    let mut tx = state.pool.begin().await?;
    // The row lock keeps a concurrent breakdown save from slipping past the R5 check below.
    sqlx::query("select 1 from cast_member where cast_member_id = $1 for update")
        .bind(cast_member_id)
        .execute(&mut *tx)
        .await?;
    // R5: the scenes this person is in (by the cast list or the breakdown), with their dates.
    let scenes: Vec<RestrictedScene> = sqlx::query_as(
        "select s.number, v.breakdown::text as breakdown,
                array(select d.shoot_date from shoot_day_scene ds
                      join shoot_day d using (shoot_day_id)
                      where ds.scene_id = s.scene_id order by d.shoot_date) as dates
         from scene s join scene_version v on v.scene_version_id = s.current_version_id
         where s.production_id = $1
           and (exists (select 1 from scene_cast sc
                        where sc.scene_id = s.scene_id and sc.cast_member_id = $2)
                or v.breakdown -> 'performers'
                   @> jsonb_build_array(jsonb_build_object('cast_member_id', $2::bigint)))",
    )
    .bind(production_id)
    .bind(cast_member_id)
    .fetch_all(&mut *tx)
    .await?;
    let age = [CastAge {
        cast_member_id,
        cast_number: input.cast_number,
        name: input.name.clone(),
        date_of_birth: input.date_of_birth,
    }];
    let conflicts: Vec<(String, minors::MinorConflict)> = scenes
        .iter()
        .filter(|s| {
            crate::rules::minors::is_restricted(&crate::vocab::breakdown::read_breakdown(
                &s.breakdown,
            ))
        })
        .flat_map(|s| {
            minors::minor_conflicts(&age, &s.dates, today)
                .into_iter()
                .map(|c| (s.number.clone(), c))
        })
        .collect();
    if !conflicts.is_empty() {
        let numbers: Vec<String> = conflicts.iter().map(|(n, _)| n.clone()).collect();
        let only: Vec<minors::MinorConflict> =
            conflicts.into_iter().map(|(_, c)| c).take(1).collect();
        let mut errors = FieldErrors::default();
        errors.add(
            "date_of_birth",
            format!("{} (Scene {}.)", minors::refusal(&only), numbers.join(", ")),
        );
        drop(tx);
        return edit_response(
            &state,
            ctx,
            member,
            cast,
            Some(form),
            errors,
            InviteForm::default(),
            FieldErrors::default(),
            None,
        )
        .await;
    }
    let updated = sqlx::query(
        "update cast_member set cast_number = $3, name = $4, character_name = $5,
                date_of_birth = $6, union_name = $7, representative = $8, updated_at = now()
         where cast_member_id = $1 and production_id = $2",
    )
    .bind(cast_member_id)
    .bind(production_id)
    .bind(input.cast_number)
    .bind(&input.name)
    .bind(&input.character_name)
    .bind(input.date_of_birth)
    .bind(&input.union_name)
    .bind(&input.representative)
    .execute(&mut *tx)
    .await;
    match updated {
        Ok(_) => tx.commit().await?,
        Err(err) if is_violation(&err, "cast_member_number_key") => {
            drop(tx);
            let mut errors = FieldErrors::default();
            errors.add(
                "cast_number",
                number_taken(&state, production_id, input.cast_number).await?,
            );
            return edit_response(
                &state,
                ctx,
                member,
                cast,
                Some(form),
                errors,
                InviteForm::default(),
                FieldErrors::default(),
                None,
            )
            .await;
        }
        Err(err) => return Err(err.into()),
    }
    Flash::success(
        &session,
        format!("#{} {} is saved.", input.cast_number, input.name),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/cast", member.base())).into_response())
}

async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, cast_member_id)): Path<(i64, i64)>,
    Form(form): Form<InviteForm>,
) -> Result<Response> {
    member.may(Action::EditCast)?;
    let cast = one(&state, &member, cast_member_id).await?;
    let production_id = member.production.production_id;
    let mut errors = FieldErrors::default();
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
        return edit_response(
            &state,
            ctx,
            member,
            cast,
            None,
            FieldErrors::default(),
            form,
            errors,
            None,
        )
        .await;
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

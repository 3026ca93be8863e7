//! After the shoot, the coordinator's post-production review of each flagged scene's cut: what
//! it found (as agreed, changes requested, footage removed), listed on the scene page.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use time::Date;
use tower_sessions::Session;

use crate::access::Action;
use crate::clock::format_date;
use crate::clock::parse_date;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::rules::input_ranges::production_date;
use crate::web::AppState;
use crate::web::ids::Ids;
use crate::web::{Ctx, FieldErrors, Flash, render_form};
use crate::web::{FormBody, Len};

/// What the review of the cut found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    AsAgreed,
    ChangesRequested,
    FootageRemoved,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [
        Outcome::AsAgreed,
        Outcome::ChangesRequested,
        Outcome::FootageRemoved,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::AsAgreed => "as_agreed",
            Outcome::ChangesRequested => "changes_requested",
            Outcome::FootageRemoved => "footage_removed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Outcome::AsAgreed => "Cut as agreed",
            Outcome::ChangesRequested => "Changes requested",
            Outcome::FootageRemoved => "Footage removed",
        }
    }
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// A recorded review.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReviewRow {
    pub post_review_id: i64,
    pub reviewed_on: Date,
    pub outcome: String,
    pub notes: String,
    pub recorded_by_name: Option<String>,
}

impl ReviewRow {
    pub fn date(&self) -> String {
        format_date(self.reviewed_on)
    }
    pub fn outcome_label(&self) -> &'static str {
        Outcome::parse(&self.outcome).map_or("", Outcome::label)
    }
}

/// A scene's reviews, newest first.
pub async fn reviews(pool: &PgPool, production_id: i64, scene_id: i64) -> Result<Vec<ReviewRow>> {
    Ok(sqlx::query_as(
        "select r.post_review_id, r.reviewed_on, r.outcome, r.notes, u.name as recorded_by_name
         from post_review r left join app_user u on u.user_id = r.recorded_by
         where r.production_id = $1 and r.scene_id = $2
         order by r.reviewed_on desc, r.post_review_id desc",
    )
    .bind(production_id)
    .bind(scene_id)
    .fetch_all(pool)
    .await?)
}

#[derive(Default)]
pub(super) struct ReviewForm {
    reviewed_on: String,
    outcome: String,
    notes: String,
    too_long: FieldErrors,
}

impl ReviewForm {
    fn read(body: &FormBody) -> Self {
        let mut r = body.reader();
        ReviewForm {
            reviewed_on: r.text("reviewed_on", Len::Code),
            outcome: r.text("outcome", Len::Code),
            notes: r.text("notes", Len::Paragraph),
            too_long: r.finish(),
        }
    }
}

#[derive(Template)]
#[template(path = "onset/post_review.html")]
struct ReviewPage {
    ctx: Ctx,
    member: Member,
    scene_id: i64,
    number: String,
    reviews: Vec<ReviewRow>,
    can_record: bool,
    form: ReviewForm,
    errors: FieldErrors,
    outcomes: [Outcome; 3],
}

impl ReviewPage {
    /// The review page of a flagged scene (404 otherwise) with its reviews, and an empty form
    /// dated today. Two queries.
    async fn load(pool: &PgPool, ctx: Ctx, member: Member, scene_id: i64) -> Result<ReviewPage> {
        let number = flagged_scene(pool, &member, scene_id).await?;
        let reviews = reviews(pool, member.production.production_id, scene_id).await?;
        Ok(ReviewPage {
            ctx,
            can_record: member.can(Action::RecordPostReview),
            form: ReviewForm {
                reviewed_on: member.production.zone.today().to_string(),
                ..ReviewForm::default()
            },
            member,
            scene_id,
            number,
            reviews,
            errors: FieldErrors::default(),
            outcomes: Outcome::ALL,
        })
    }

    /// The page with the form that failed, keeping what was typed.
    fn with_form(self, form: ReviewForm, errors: FieldErrors) -> Self {
        ReviewPage {
            form,
            errors,
            ..self
        }
    }

    /// 422 when the page carries form errors.
    fn render(&self) -> Result<Response> {
        render_form(self, !self.errors.is_empty())
    }

    fn chosen(&self, outcome: &Outcome) -> bool {
        self.form.outcome == outcome.as_str()
    }
}

/// A flagged scene of the production (post review is for intimate scenes only), or 404.
async fn flagged_scene(pool: &PgPool, member: &Member, scene_id: i64) -> Result<String> {
    sqlx::query_scalar(
        "select s.number from scene s join scene_version v on v.scene_version_id = s.current_version_id
         where s.scene_id = $1 and s.production_id = $2 and v.flagged",
    )
    .bind(scene_id)
    .bind(member.production.production_id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)
}

pub(super) async fn review_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, scene_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::SeeFootageUse)?;
    ReviewPage::load(&state.pool, ctx, member, scene_id)
        .await?
        .render()
}

pub(super) async fn record_review(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, scene_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::RecordPostReview)?;
    let form = ReviewForm::read(&body);
    let number = flagged_scene(&state.pool, &member, scene_id).await?;
    let mut errors = form.too_long.clone();
    let today = member.production.zone.today();
    let date = match parse_date(&form.reviewed_on).map(production_date) {
        None => {
            errors.add(
                "reviewed_on",
                "Enter the date of the review, for example 2027-06-14.",
            );
            None
        }
        Some(Err(message)) => {
            errors.add("reviewed_on", message);
            None
        }
        Some(Ok(d)) if d > today => {
            errors.add(
                "reviewed_on",
                "The review date is still to come; record the review once it is held.",
            );
            None
        }
        Some(Ok(d)) => Some(d),
    };
    let outcome = Outcome::parse(form.outcome.trim());
    if outcome.is_none() {
        errors.add("outcome", "Choose what the review found.");
    }
    let notes = form.notes.trim().to_string();
    if notes.chars().count() > 4000 {
        errors.add("notes", "Keep the notes to 4000 characters.");
    }
    let (Some(date), Some(outcome), true) = (date, outcome, errors.is_empty()) else {
        return ReviewPage::load(&state.pool, ctx, member, scene_id)
            .await?
            .with_form(form, errors)
            .render();
    };
    sqlx::query(
        "insert into post_review (production_id, scene_id, reviewed_on, outcome, notes, recorded_by)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(member.production.production_id)
    .bind(scene_id)
    .bind(date)
    .bind(outcome.as_str())
    .bind(&notes)
    .bind(member.user.user_id)
    .execute(&state.pool)
    .await?;
    Flash::success(
        &session,
        format!("The post-production review of scene {number} is recorded."),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/scenes/{scene_id}", member.base())).into_response())
}

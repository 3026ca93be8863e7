//! Adding and editing a scene with its cast: the form, read into a number, heading, pages and
//! colour; R5 (minors) when the cast of a restricted scene changes; one number per production.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_sessions::Session;

use crate::access::Action;
use crate::cast::{CastMember, cast_list};
use crate::error::{AppError, OnConstraint, Result, Violated};
use crate::productions::Member;
use crate::rules::minors::is_restricted;
use crate::rules::minors::{self, CastAge};
use crate::scenes::eighths::Eighths;
use crate::scenes::heading::{IntExt, RevisionColour, TimeOfDay};
use crate::scenes::number::SceneNumber;
use crate::scenes::stored::{SceneRow, age, load_scene, scene_dates};
use crate::vocab::breakdown::read_breakdown;
use crate::web::ids::Ids;
use crate::web::{AppState, FormBody, Len, render_form};
use crate::web::{Ctx, FieldErrors, Flash};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/productions/{production_id}/scenes", post(create))
        .route("/productions/{production_id}/scenes/new", get(new_page))
        .route(
            "/productions/{production_id}/scenes/{scene_id}",
            post(update),
        )
        .route(
            "/productions/{production_id}/scenes/{scene_id}/edit",
            get(edit_page),
        )
}

#[derive(Clone, Debug, Default)]
struct SceneForm {
    number: String,
    int_ext: String,
    set_name: String,
    time_of_day: String,
    eighths: String,
    synopsis: String,
    revision_colour: String,
    cast: Vec<String>,
    too_long: FieldErrors,
}

impl SceneForm {
    fn read(body: &FormBody) -> SceneForm {
        let mut r = body.reader();
        SceneForm {
            number: r.text("number", Len::Code),
            int_ext: r.text("int_ext", Len::Code),
            set_name: r.text("set_name", Len::Line),
            time_of_day: r.text("time_of_day", Len::Code),
            eighths: r.text("eighths", Len::Code),
            synopsis: r.text("synopsis", Len::Paragraph),
            revision_colour: r.text("revision_colour", Len::Code),
            cast: r.all("cast", Len::Code),
            too_long: r.finish(),
        }
    }

    fn from_scene(scene: &SceneRow, cast: &[i64]) -> SceneForm {
        SceneForm {
            number: scene.number.clone(),
            int_ext: scene.int_ext.clone(),
            set_name: scene.set_name.clone(),
            time_of_day: scene.time_of_day.clone(),
            eighths: scene.pages(),
            synopsis: scene.synopsis.clone(),
            revision_colour: scene.revision_colour.clone(),
            cast: cast.iter().map(|id| id.to_string()).collect(),
            too_long: FieldErrors::default(),
        }
    }

    fn has_cast(&self, id: &i64) -> bool {
        self.cast.iter().any(|c| c == &id.to_string())
    }

    fn parse(&self, cast: &[CastMember]) -> Result<SceneInput, FieldErrors> {
        let mut errors = self.too_long.clone();
        let number = SceneNumber::parse(&self.number)
            .map_err(|e| errors.add("number", e.to_string()))
            .ok();
        let int_ext = self
            .int_ext
            .parse::<IntExt>()
            .map_err(|_| errors.add("int_ext", "Choose INT, EXT or INT/EXT."))
            .ok();
        let set_name = self
            .set_name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if set_name.is_empty() {
            errors.add(
                "set_name",
                "Write the set, as the heading names it, for example Lake house.",
            );
        }
        let time_of_day = self
            .time_of_day
            .parse::<TimeOfDay>()
            .map_err(|_| errors.add("time_of_day", "Choose the time of day."))
            .ok();
        let eighths = Eighths::parse(&self.eighths)
            .map_err(|e| errors.add("eighths", e.to_string()))
            .ok();
        let colour = self
            .revision_colour
            .parse::<RevisionColour>()
            .map_err(|_| errors.add("revision_colour", "Choose the script revision colour."))
            .ok();
        let mut cast_ids = Vec::new();
        for text in &self.cast {
            match text.parse::<i64>() {
                Ok(id) if cast.iter().any(|c| c.cast_member_id == id) => cast_ids.push(id),
                _ => errors.add("cast", "Choose the cast from the list."),
            }
        }
        cast_ids.sort_unstable();
        cast_ids.dedup();
        match (number, int_ext, time_of_day, eighths, colour) {
            (Some(number), Some(int_ext), Some(time_of_day), Some(eighths), Some(colour))
                if errors.is_empty() =>
            {
                Ok(SceneInput {
                    number,
                    int_ext,
                    set_name,
                    time_of_day,
                    eighths,
                    synopsis: self.synopsis.trim().to_string(),
                    colour,
                    cast_ids,
                })
            }
            _ => Err(errors),
        }
    }
}

struct SceneInput {
    number: SceneNumber,
    int_ext: IntExt,
    set_name: String,
    time_of_day: TimeOfDay,
    eighths: Eighths,
    synopsis: String,
    colour: RevisionColour,
    cast_ids: Vec<i64>,
}

#[derive(Template)]
#[template(path = "scenes/form.html")]
struct FormPage {
    ctx: Ctx,
    member: Member,
    form: SceneForm,
    errors: FieldErrors,
    /// `None` when adding.
    scene_id: Option<i64>,
    cast: Vec<CastMember>,
}

impl FormPage {
    fn int_exts(&self) -> &'static [IntExt] {
        IntExt::all()
    }
    fn times(&self) -> &'static [TimeOfDay] {
        TimeOfDay::all()
    }
    fn colours(&self) -> &'static [RevisionColour] {
        RevisionColour::all()
    }

    /// The form to add a scene, with `form` and no messages yet.
    fn new(ctx: Ctx, member: Member, cast: Vec<CastMember>, form: SceneForm) -> FormPage {
        FormPage {
            ctx,
            member,
            form,
            errors: FieldErrors::default(),
            scene_id: None,
            cast,
        }
    }

    /// The same form, editing this scene.
    fn editing(self, scene_id: i64) -> Self {
        FormPage {
            scene_id: Some(scene_id),
            ..self
        }
    }

    fn with_errors(self, errors: FieldErrors) -> Self {
        FormPage { errors, ..self }
    }

    /// The page; 422 when it shows form errors.
    fn respond(&self) -> Result<Response> {
        render_form(self, !self.errors.is_empty())
    }
}

async fn new_page(State(state): State<AppState>, ctx: Ctx, member: Member) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let cast = cast_list(&state.pool, member.production.production_id).await?;
    let form = SceneForm {
        int_ext: "int".into(),
        time_of_day: "day".into(),
        revision_colour: "white".into(),
        ..SceneForm::default()
    };
    FormPage::new(ctx, member, cast, form).respond()
}

fn duplicate_number(number: &SceneNumber) -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.add(
        "number",
        format!(
            "Scene {number} already exists. Use a letter for an added scene, for example {number}A."
        ),
    );
    errors
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let production_id = member.production.production_id;
    let cast = cast_list(&state.pool, production_id).await?;
    let form = SceneForm::read(&body);
    let input = match form.parse(&cast) {
        Ok(input) => input,
        Err(errors) => {
            return FormPage::new(ctx, member, cast, form)
                .with_errors(errors)
                .respond();
        }
    };
    let mut tx = state.pool.begin().await?;
    let inserted = sqlx::query_scalar::<_, i64>(
        "insert into scene (production_id, number, sort_key, int_ext, set_name, time_of_day,
                            eighths, synopsis, revision_colour)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning scene_id",
    )
    .bind(production_id)
    .bind(input.number.as_str())
    .bind(input.number.sort_key())
    .bind(input.int_ext.as_str())
    .bind(&input.set_name)
    .bind(input.time_of_day.as_str())
    .bind(input.eighths.count() as i32)
    .bind(&input.synopsis)
    .bind(input.colour.as_str())
    .fetch_one(&mut *tx)
    .await
    .on_constraint("scene_number_key")?;
    let scene_id = match inserted {
        Ok(id) => id,
        Err(Violated) => {
            return FormPage::new(ctx, member, cast, form)
                .with_errors(duplicate_number(&input.number))
                .respond();
        }
    };
    set_cast(&mut tx, production_id, scene_id, &input.cast_ids).await?;
    tx.commit().await?;
    Flash::success(&session, format!("Scene {} is added.", input.number)).await?;
    Ok(Redirect::to(&format!("{}/scenes/{scene_id}", member.base())).into_response())
}

/// Makes the scene's cast exactly `cast_ids`.
async fn set_cast(
    tx: &mut sqlx::PgConnection,
    production_id: i64,
    scene_id: i64,
    cast_ids: &[i64],
) -> Result<()> {
    sqlx::query("delete from scene_cast where scene_id = $1 and cast_member_id <> all($2)")
        .bind(scene_id)
        .bind(cast_ids)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into scene_cast (scene_id, cast_member_id, production_id)
         select $1, id, $2 from unnest($3::bigint[]) as id
         on conflict do nothing",
    )
    .bind(scene_id)
    .bind(production_id)
    .bind(cast_ids)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn edit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, scene_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let scene = load_scene(&state, &member, scene_id).await?;
    let cast = cast_list(&state.pool, member.production.production_id).await?;
    let in_scene: Vec<i64> =
        sqlx::query_scalar("select cast_member_id from scene_cast where scene_id = $1")
            .bind(scene_id)
            .fetch_all(&state.pool)
            .await?;
    let form = SceneForm::from_scene(&scene, &in_scene);
    FormPage::new(ctx, member, cast, form)
        .editing(scene_id)
        .respond()
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, scene_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    member.may(Action::EditScenes)?;
    // Another production's scene is 404 before anything typed is even looked at.
    load_scene(&state, &member, scene_id).await?;
    let production_id = member.production.production_id;
    let cast = cast_list(&state.pool, production_id).await?;
    let form = SceneForm::read(&body);
    let input = match form.parse(&cast) {
        Ok(input) => input,
        Err(errors) => {
            return FormPage::new(ctx, member, cast, form)
                .editing(scene_id)
                .with_errors(errors)
                .respond();
        }
    };
    let mut tx = state.pool.begin().await?;
    // Locked, so the breakdown cannot change between the R5 check and the cast change.
    let current: Option<Option<String>> = sqlx::query_scalar(
        "select v.breakdown::text from scene s
         left join scene_version v on v.scene_version_id = s.current_version_id
         where s.scene_id = $1 and s.production_id = $2 for update of s",
    )
    .bind(scene_id)
    .bind(production_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(current) = current else {
        return Err(AppError::NotFound);
    };
    let breakdown = read_breakdown(current.as_deref().unwrap_or("{}"));
    if is_restricted(&breakdown) {
        let dates = scene_dates(&mut tx, scene_id).await?;
        let ages: Vec<CastAge> = cast
            .iter()
            .filter(|c| input.cast_ids.contains(&c.cast_member_id))
            .map(age)
            .collect();
        let today = member.production.zone.today();
        let conflicts = minors::minor_conflicts(&ages, &dates, today);
        if !conflicts.is_empty() {
            let mut errors = FieldErrors::default();
            errors.add("cast", minors::refusal(&conflicts));
            return FormPage::new(ctx, member, cast, form)
                .editing(scene_id)
                .with_errors(errors)
                .respond();
        }
    }
    let updated = sqlx::query(
        "update scene set number = $2, sort_key = $3, int_ext = $4, set_name = $5,
                time_of_day = $6, eighths = $7, synopsis = $8, revision_colour = $9,
                updated_at = now()
         where scene_id = $1",
    )
    .bind(scene_id)
    .bind(input.number.as_str())
    .bind(input.number.sort_key())
    .bind(input.int_ext.as_str())
    .bind(&input.set_name)
    .bind(input.time_of_day.as_str())
    .bind(input.eighths.count() as i32)
    .bind(&input.synopsis)
    .bind(input.colour.as_str())
    .execute(&mut *tx)
    .await
    .on_constraint("scene_number_key")?;
    if let Err(Violated) = updated {
        return FormPage::new(ctx, member, cast, form)
            .editing(scene_id)
            .with_errors(duplicate_number(&input.number))
            .respond();
    }
    set_cast(&mut tx, production_id, scene_id, &input.cast_ids).await?;
    tx.commit().await?;
    Flash::success(&session, format!("Scene {} is saved.", input.number)).await?;
    Ok(Redirect::to(&format!("{}/scenes/{scene_id}", member.base())).into_response())
}

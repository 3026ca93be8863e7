//! Importing a screenplay: the upload form (a real file upload that works without JavaScript),
//! the preview the coordinator reviews, and confirming it, which saves all or nothing
//! (`save`). A later draft with its revision colour is compared scene by scene with what is
//! stored; flagged scenes whose script changed wait for the coordinator's review.

mod draft;
mod save;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use time::Date;

use crate::access::Action;
use crate::cast::cast_list;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::rules::input_ranges::production_date;
use crate::scenes::heading::RevisionColour;
use crate::script::{Format, ScriptScene, read_script};
use crate::web::ids::Ids;
use crate::web::upload::Upload;
use crate::web::{AppState, Ctx, FieldErrors, Len, render, render_form};
use draft::{PreviewRow, canonical, compare_with, stored_scenes, unmatched};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/scenes/import",
            get(upload_page).post(upload),
        )
        .route(
            "/productions/{production_id}/scenes/import/{script_import_id}",
            get(preview_page).post(save::confirm),
        )
        .route(
            "/productions/{production_id}/scenes/{scene_id}/script-review",
            axum::routing::post(save::reviewed),
        )
}

#[derive(Clone, Debug, Default)]
struct UploadForm {
    colour: String,
    revised_on: String,
}

#[derive(Template)]
#[template(path = "scenes/import.html")]
struct UploadPage {
    ctx: Ctx,
    member: Member,
    form: UploadForm,
    errors: FieldErrors,
    /// The last confirmed draft's colour and date, if any.
    last: Option<(String, Date)>,
}

impl UploadPage {
    fn colours(&self) -> &'static [RevisionColour] {
        RevisionColour::all()
    }
    fn colour_label(&self, value: &str) -> &'static str {
        crate::scenes::stored::colour_label(value)
    }
}

/// The last confirmed draft of a production: its colour and date.
async fn last_revision(state: &AppState, production_id: i64) -> Result<Option<(String, Date)>> {
    Ok(sqlx::query_as(
        "select colour, revised_on from script_revision where production_id = $1
         order by script_revision_id desc limit 1",
    )
    .bind(production_id)
    .fetch_optional(&state.pool)
    .await?)
}

async fn upload_page(State(state): State<AppState>, ctx: Ctx, member: Member) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let last = last_revision(&state, member.production.production_id).await?;
    // The next draft is usually the next colour in the sequence.
    let colour = match &last {
        Some((colour, _)) => colour
            .parse::<RevisionColour>()
            .ok()
            .and_then(RevisionColour::next)
            .unwrap_or(RevisionColour::White),
        None => RevisionColour::White,
    };
    let form = UploadForm {
        colour: colour.as_str().into(),
        revised_on: member.production.zone.today().to_string(),
    };
    render(&UploadPage {
        ctx,
        member,
        form,
        errors: FieldErrors::default(),
        last,
    })
}

async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    upload: Upload,
) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let production_id = member.production.production_id;
    let mut r = upload.form.reader();
    let form = UploadForm {
        colour: r.text("colour", Len::Code),
        revised_on: r.text("revised_on", Len::Code),
    };
    let mut errors = r.finish();
    let colour = form
        .colour
        .parse::<RevisionColour>()
        .map_err(|_| errors.add("colour", "Choose the revision colour printed on the pages."))
        .ok();
    let revised_on = match crate::clock::parse_date(&form.revised_on).map(production_date) {
        Some(Ok(date)) => Some(date),
        Some(Err(message)) => {
            errors.add("revised_on", message);
            None
        }
        None => {
            errors.add(
                "revised_on",
                "Enter the date of this draft, for example 2026-03-14.",
            );
            None
        }
    };
    let read = match upload.file("script") {
        None => {
            errors.add(
                "script",
                "Choose the script file: Fountain (.fountain, .txt) or Final Draft (.fdx).",
            );
            None
        }
        Some(file) => match read_script(&file.bytes, &file.file_name) {
            Ok((format, scenes)) => Some((file.file_name.clone(), format, scenes)),
            Err(e) => {
                errors.add("script", e.to_string());
                None
            }
        },
    };
    let cast = cast_list(&state.pool, production_id).await?;
    if let Some((_, _, scenes)) = &read
        && let Err(message) = canonical(scenes, &cast)
    {
        errors.add("script", message);
    }
    let (Some(colour), Some(revised_on), Some((file_name, format, scenes)), true) =
        (colour, revised_on, read, errors.is_empty())
    else {
        let last = last_revision(&state, production_id).await?;
        let page = UploadPage {
            ctx,
            member,
            form,
            errors,
            last,
        };
        return render_form(&page, true);
    };
    // Only a label: control characters (a NUL no text column keeps) are left out.
    let file_name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    // Drafts read but never confirmed are not kept past a week.
    sqlx::query(
        "delete from script_import where production_id = $1 and confirmed_revision_id is null
           and created_at < now() - interval '7 days'",
    )
    .bind(production_id)
    .execute(&state.pool)
    .await?;
    let scenes = serde_json::to_value(&scenes).map_err(|e| AppError::Other(e.into()))?;
    let import_id: i64 = sqlx::query_scalar(
        "insert into script_import (production_id, user_id, file_name, format, colour,
                                    revised_on, scenes)
         values ($1, $2, $3, $4, $5, $6, $7) returning script_import_id",
    )
    .bind(production_id)
    .bind(member.user.user_id)
    .bind(&file_name)
    .bind(format.label())
    .bind(colour.as_str())
    .bind(revised_on)
    .bind(scenes)
    .fetch_one(&state.pool)
    .await?;
    Ok(Redirect::to(&format!("{}/scenes/import/{import_id}", member.base())).into_response())
}

/// A draft waiting for review, as stored by `upload`.
#[derive(sqlx::FromRow)]
struct PendingImport {
    file_name: String,
    format: String,
    colour: String,
    revised_on: Date,
    scenes: sqlx::types::Json<Vec<ScriptScene>>,
    confirmed: bool,
}

/// This production's draft `import_id`, uploaded by this member; 404 for anyone else's.
async fn pending(
    conn: &mut sqlx::PgConnection,
    member: &Member,
    import_id: i64,
    lock: bool,
) -> Result<PendingImport> {
    let sql = format!(
        "select file_name, format, colour, revised_on, scenes,
                confirmed_revision_id is not null as confirmed
         from script_import
         where script_import_id = $1 and production_id = $2 and user_id = $3{}",
        if lock { " for update" } else { "" }
    );
    sqlx::query_as(&sql)
        .bind(import_id)
        .bind(member.production.production_id)
        .bind(member.user.user_id)
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "scenes/import_preview.html")]
struct PreviewPage {
    ctx: Ctx,
    member: Member,
    import_id: i64,
    file_name: String,
    format: String,
    colour: String,
    revised_on: Date,
    rows: Vec<PreviewRow>,
    missing: Vec<String>,
    unmatched: Vec<String>,
    /// Why the draft cannot be saved now (the cast or scenes changed since it was read).
    problem: Option<String>,
    confirmed: bool,
}

impl PreviewPage {
    fn count(&self, status: &str) -> usize {
        self.rows.iter().filter(|r| r.status() == status).count()
    }
    fn reviews(&self) -> usize {
        self.rows.iter().filter(|r| r.change.review).count()
    }
    fn suggested(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| !r.scene.hints.is_empty())
            .count()
    }
}

async fn preview_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, import_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::EditScenes)?;
    let mut conn = state.pool.acquire().await?;
    let import = pending(&mut conn, &member, import_id, false).await?;
    let cast = cast_list(&state.pool, member.production.production_id).await?;
    let stored = stored_scenes(&mut conn, member.production.production_id, false).await?;
    let (rows, missing, problem) = match canonical(&import.scenes, &cast) {
        Ok(draft) => {
            let comparison = compare_with(&stored, &draft);
            let rows: Vec<PreviewRow> = draft
                .into_iter()
                .zip(comparison.scenes)
                .map(|(scene, change)| PreviewRow { scene, change })
                .collect();
            (rows, comparison.missing, None)
        }
        Err(message) => (Vec::new(), Vec::new(), Some(message)),
    };
    let unmatched = unmatched(&rows);
    let colour = import
        .colour
        .parse::<RevisionColour>()
        .map(|c| c.label().to_string())
        .unwrap_or(import.colour);
    let format = match import.format.as_str() {
        f if f == Format::FinalDraft.label() => Format::FinalDraft.label(),
        _ => Format::Fountain.label(),
    };
    render(&PreviewPage {
        ctx,
        member,
        import_id,
        file_name: import.file_name,
        format: format.to_string(),
        colour,
        revised_on: import.revised_on,
        rows,
        missing,
        unmatched,
        problem,
        confirmed: import.confirmed,
    })
}

/// A flagged scene whose script changed in a draft, waiting for the coordinator's review.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ScriptReview {
    pub scene_id: i64,
    pub number: String,
    pub colour: String,
    pub revised_on: Date,
}

impl ScriptReview {
    pub fn colour_label(&self) -> &'static str {
        crate::scenes::stored::colour_label(&self.colour)
    }
}

/// The scenes of a production waiting for a breakdown review after a script revision, in
/// script order: one query.
pub async fn script_reviews(pool: &sqlx::PgPool, production_id: i64) -> Result<Vec<ScriptReview>> {
    Ok(sqlx::query_as(
        "select s.scene_id, s.number, r.colour, r.revised_on
         from scene s join script_revision r on r.script_revision_id = s.script_review_revision_id
         where s.production_id = $1 and s.script_review_revision_id is not null
         order by s.sort_key collate \"C\"",
    )
    .bind(production_id)
    .fetch_all(pool)
    .await?)
}

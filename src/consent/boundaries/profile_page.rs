//! One performer's boundary profile: the page that shows the latest answers first as a summary
//! ("No" and "Ask me first" grouped), then as an area-by-contact grid to edit, with every earlier
//! version listed; and the save that keeps each change as a new version.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::access_log::{self, RecordKind};
use super::cast_record::{CastRecord, is_self, readable_cast};
use super::form::{KeyedErrors, ProfileForm, field};
use super::sealed::{self, StoredProfile};
use super::versions::{VersionRow, recorder_text, versions};
use crate::error::Result;
use crate::productions::Member;
use crate::vault::Encrypted;
use crate::vocab::body::BodyArea;
use crate::vocab::boundary::{Answer, Contact, Entry, Profile};
use crate::web::AppState;
use crate::web::FormBody;
use crate::web::ids::Ids;
use crate::web::{Ctx, Flash, render_with_status};

#[derive(Template)]
#[template(path = "consent/boundaries_profile.html")]
struct ProfilePage {
    ctx: Ctx,
    member: Member,
    cast: CastRecord,
    own: bool,
    form: ProfileForm,
    errors: KeyedErrors,
    versions: Vec<VersionRow>,
    /// The latest saved version, which the summary shows (never a refused form's answers).
    current: Profile,
}

impl ProfilePage {
    /// The profile of `cast` with its versions, the form filled from the latest one.
    async fn new(
        state: &AppState,
        ctx: Ctx,
        member: Member,
        cast: CastRecord,
    ) -> Result<ProfilePage> {
        let versions = versions(state, cast.cast_member_id).await?;
        let current = versions
            .first()
            .map(|v| Profile::from_stored(&v.entries, &v.notes))
            .unwrap_or_default();
        Ok(ProfilePage {
            ctx,
            own: is_self(&member, &cast),
            form: ProfileForm::from_profile(&current),
            errors: KeyedErrors::default(),
            member,
            cast,
            versions,
            current,
        })
    }

    /// The form as it was sent, with the errors that refused it.
    fn with_form(self, form: ProfileForm, errors: KeyedErrors) -> ProfilePage {
        ProfilePage {
            form,
            errors,
            ..self
        }
    }

    /// The page, as 422 when the form was refused.
    fn respond(&self) -> Result<Response> {
        let status = if self.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        render_with_status(status, self)
    }

    fn contacts(&self) -> [Contact; 4] {
        Contact::ALL
    }
    fn areas(&self) -> &'static [BodyArea] {
        BodyArea::all()
    }
    fn answers(&self) -> [Answer; 3] {
        Answer::ALL
    }
    fn field(&self, contact: &Contact, area: &BodyArea) -> String {
        field(*contact, *area)
    }
    fn recorder(&self, v: &VersionRow) -> String {
        recorder_text(&self.cast, v)
    }
    /// The saved rows with this answer, in the grid's order, for the summary.
    fn answered(&self, answer: Answer) -> Vec<&Entry> {
        self.current
            .entries
            .iter()
            .filter(|e| e.answer == answer)
            .collect()
    }
    /// How many of the grid's cells the saved version leaves unstated.
    fn unstated(&self) -> usize {
        Contact::ALL.len() * BodyArea::all().len() - self.current.entries.len()
    }
    /// A grid column's heading: the kind of contact in a few words.
    fn short(&self, contact: &Contact) -> &'static str {
        match contact {
            Contact::SeenUnclothed => "Seen unclothed",
            Contact::TouchedByHands => "Touched by hands",
            Contact::TouchedByBody => "Touched by body",
            Contact::Kissed => "Kissed",
        }
    }
    /// The notes stay folded unless one is written or refused.
    fn notes_open(&self) -> bool {
        Contact::ALL.iter().any(|c| {
            BodyArea::all().iter().any(|a| {
                !self.form.note(c, a).is_empty()
                    || self
                        .errors
                        .get(&format!("{}.note", field(*c, *a)))
                        .is_some()
            })
        })
    }
}

pub(super) async fn profile_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Ids((_, cast_member_id)): Ids<(i64, i64)>,
) -> Result<Response> {
    let cast = readable_cast(&state.pool, &member, cast_member_id).await?;
    let page = ProfilePage::new(&state, ctx, member, cast).await?;
    if !page.own {
        access_log::record(
            &state.pool,
            &page.member,
            &[page.cast.cast_member_id],
            RecordKind::BoundaryProfile,
            page.versions.first().map(|v| v.boundary_profile_version_id),
        )
        .await?;
    }
    page.respond()
}

pub(super) async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Ids((_, cast_member_id)): Ids<(i64, i64)>,
    body: FormBody,
) -> Result<Response> {
    let cast = readable_cast(&state.pool, &member, cast_member_id).await?;
    let own = is_self(&member, &cast);
    let form = ProfileForm::read(&body);
    let parsed = form.parse();
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    // A coordinator writes a profile only with the performer there telling them the answers.
    if !own && !form.with_performer {
        errors.add(
            "with_performer",
            format!(
                "Confirm that {} is with you and gave these answers.",
                cast.name
            ),
        );
    }
    let profile = match parsed {
        Ok(profile) if errors.is_empty() => profile,
        _ => {
            return ProfilePage::new(&state, ctx, member, cast)
                .await?
                .with_form(form, errors)
                .respond();
        }
    };

    let mut tx = state.pool.begin().await?;
    // The lock orders concurrent saves, so each gets the next version number.
    sqlx::query("select 1 from cast_member where cast_member_id = $1 for update")
        .bind(cast.cast_member_id)
        .execute(&mut *tx)
        .await?;
    type Latest = (
        i64,
        i32,
        serde_json::Value,
        String,
        Option<Encrypted<String>>,
        Option<Encrypted<String>>,
    );
    let latest: Option<Latest> = sqlx::query_as(
        "select boundary_profile_version_id, version, entries, notes, entries_sealed,
                notes_sealed
         from boundary_profile_version
         where cast_member_id = $1 order by version desc limit 1",
    )
    .bind(cast.cast_member_id)
    .fetch_optional(&mut *tx)
    .await?;
    let latest = match latest {
        None => None,
        Some((id, version, entries, notes, entries_sealed, notes_sealed)) => {
            let (entries, notes) = sealed::open(
                Some(&state.vault),
                &mut tx,
                StoredProfile {
                    id,
                    entries: &entries,
                    entries_sealed: entries_sealed.as_ref(),
                    notes: &notes,
                    notes_sealed: notes_sealed.as_ref(),
                },
            )
            .await?;
            Some((version, entries, notes))
        }
    };
    let unchanged = latest
        .as_ref()
        .is_some_and(|(_, e, n)| Profile::from_stored(e, n) == profile);
    let message = if unchanged {
        drop(tx);
        "Nothing changed, so no new version was made.".to_string()
    } else {
        let version = latest.map_or(1, |(v, _, _)| v + 1);
        let id: i64 = sqlx::query_scalar(
            "insert into boundary_profile_version
                 (production_id, cast_member_id, version, entries, notes, recorded_by)
             values ($1, $2, $3, '[]'::jsonb, '', $4)
             returning boundary_profile_version_id",
        )
        .bind(member.production.production_id)
        .bind(cast.cast_member_id)
        .bind(version)
        .bind(member.user.user_id)
        .fetch_one(&mut *tx)
        .await?;
        sealed::seal(
            &state.vault,
            &mut tx,
            member.production.production_id,
            cast.cast_member_id,
            id,
            &serde_json::to_value(&profile.entries).map_err(anyhow::Error::from)?,
            &profile.notes,
        )
        .await?;
        tx.commit().await?;
        format!("Boundary profile saved as version {version}. Earlier versions stay readable.")
    };
    Flash::success(&session, message).await?;
    Ok(Redirect::to(&format!(
        "{}/boundaries/{}",
        member.base(),
        cast.cast_member_id
    ))
    .into_response())
}

//! Boundary profiles: a performer's own yes / no / ask-first answers per body area and kind of
//! contact, versioned on every change, seen only by that performer and the coordinators.

pub mod access_log;

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::access::Action;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::vocab::Role;
use crate::vocab::body::BodyArea;
use crate::web::AppState;
use crate::web::FormBody;
use crate::web::{Ctx, Flash, render, render_with_status};
use access_log::RecordKind;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/productions/{production_id}/boundaries", get(index))
        .route(
            "/productions/{production_id}/boundaries/{cast_member_id}",
            get(profile_page).post(save),
        )
        .route(
            "/productions/{production_id}/boundaries/{cast_member_id}/versions/{version}",
            get(version_page),
        )
        .merge(access_log::router())
}

// ---------------------------------------------------------------- vocabulary

/// A kind of contact a performer answers for each body area, in clinical words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contact {
    SeenUnclothed,
    TouchedByHands,
    TouchedByBody,
    Kissed,
}

impl Contact {
    pub const ALL: [Contact; 4] = [
        Contact::SeenUnclothed,
        Contact::TouchedByHands,
        Contact::TouchedByBody,
        Contact::Kissed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Contact::SeenUnclothed => "seen_unclothed",
            Contact::TouchedByHands => "touched_by_hands",
            Contact::TouchedByBody => "touched_by_body",
            Contact::Kissed => "kissed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Contact::SeenUnclothed => "Seen unclothed on camera",
            Contact::TouchedByHands => "Touched by a scene partner's hands",
            Contact::TouchedByBody => "Touched by a scene partner's body",
            Contact::Kissed => "Kissed by a scene partner",
        }
    }
}

/// A performer's answer for one body area and kind of contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    Ask,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Answer::Yes, Answer::No, Answer::Ask];

    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::Ask => "ask",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Answer::Yes => "Yes",
            Answer::No => "No",
            Answer::Ask => "Ask me first",
        }
    }

    fn parse(text: &str) -> Option<Answer> {
        Answer::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// One answered row of a profile; rows left unanswered are not stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub area: BodyArea,
    pub contact: Contact,
    pub answer: Answer,
    #[serde(default)]
    pub note: String,
}

/// What one save states: the answered rows in a fixed order, and general notes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    pub entries: Vec<Entry>,
    pub notes: String,
}

impl Profile {
    /// Reads stored entries; rows that no longer parse are dropped rather than failing the
    /// page, because stored versions are never rewritten.
    pub fn from_stored(entries: &serde_json::Value, notes: &str) -> Profile {
        let mut entries: Vec<Entry> = entries
            .as_array()
            .map(|rows| {
                rows.iter()
                    .filter_map(|r| serde_json::from_value(r.clone()).ok())
                    .collect()
            })
            .unwrap_or_default();
        entries.sort_by_key(|e| (e.contact, e.area));
        Profile {
            entries,
            notes: notes.to_string(),
        }
    }

    pub fn entry(&self, contact: Contact, area: BodyArea) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.contact == contact && e.area == area)
    }
}

/// Field names of one row: `seen_unclothed.breasts` and `seen_unclothed.breasts.note`.
fn field(contact: Contact, area: BodyArea) -> String {
    format!("{}.{}", contact.as_str(), area.as_str())
}

const NOTE_MAX: usize = 500;
const NOTES_MAX: usize = 5000;

/// Form errors keyed by field names built at run time (one per profile row); the same reading
/// methods as `FieldErrors`, so the shared macros take it.
#[derive(Debug, Default, Clone)]
pub struct KeyedErrors(BTreeMap<String, String>);

impl KeyedErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| message.into());
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter()
    }
}

/// What was typed, kept as text so a refused form shows it again.
#[derive(Default)]
struct ProfileForm {
    answers: BTreeMap<String, String>,
    notes: String,
    with_performer: bool,
}

impl ProfileForm {
    fn from_profile(profile: &Profile) -> ProfileForm {
        let mut answers = BTreeMap::new();
        for e in &profile.entries {
            let name = field(e.contact, e.area);
            answers.insert(format!("{name}.note"), e.note.clone());
            answers.insert(name, e.answer.as_str().to_string());
        }
        ProfileForm {
            answers,
            notes: profile.notes.clone(),
            with_performer: false,
        }
    }

    fn read(body: &FormBody) -> ProfileForm {
        let mut answers = BTreeMap::new();
        for contact in Contact::ALL {
            for area in BodyArea::all() {
                let name = field(contact, *area);
                answers.insert(format!("{name}.note"), body.get(&format!("{name}.note")));
                answers.insert(name.clone(), body.get(&name));
            }
        }
        ProfileForm {
            answers,
            notes: body.get("notes"),
            with_performer: body.has("with_performer"),
        }
    }

    /// Turns the form into a profile, or the errors to show beside each row.
    fn parse(&self) -> Result<Profile, KeyedErrors> {
        let mut errors = KeyedErrors::default();
        let mut entries = Vec::new();
        for contact in Contact::ALL {
            for area in BodyArea::all() {
                let name = field(contact, *area);
                let answer = self.answers.get(&name).map_or("", |s| s.trim());
                let note = self
                    .answers
                    .get(&format!("{name}.note"))
                    .map_or("", |s| s.trim());
                if note.chars().count() > NOTE_MAX {
                    errors.add(
                        format!("{name}.note"),
                        format!(
                            "Keep the note on {} ({}) to {NOTE_MAX} characters.",
                            area.label(),
                            contact.label().to_lowercase()
                        ),
                    );
                }
                match (answer, Answer::parse(answer)) {
                    ("", _) if !note.is_empty() => errors.add(
                        name,
                        format!(
                            "Choose yes, no or ask me first for {} ({}) to keep its note.",
                            area.label(),
                            contact.label().to_lowercase()
                        ),
                    ),
                    ("", _) => {}
                    (_, Some(answer)) => entries.push(Entry {
                        area: *area,
                        contact,
                        answer,
                        note: note.to_string(),
                    }),
                    (_, None) => errors.add(name, "Choose yes, no or ask me first."),
                }
            }
        }
        let notes = self.notes.trim();
        if notes.chars().count() > NOTES_MAX {
            errors.add(
                "notes",
                format!("Keep the notes to {NOTES_MAX} characters."),
            );
        }
        if errors.is_empty() {
            entries.sort_by_key(|e| (e.contact, e.area));
            Ok(Profile {
                entries,
                notes: notes.to_string(),
            })
        } else {
            Err(errors)
        }
    }

    fn value(&self, contact: &Contact, area: &BodyArea) -> &str {
        self.answers
            .get(&field(*contact, *area))
            .map_or("", String::as_str)
    }

    fn note(&self, contact: &Contact, area: &BodyArea) -> &str {
        self.answers
            .get(&format!("{}.note", field(*contact, *area)))
            .map_or("", String::as_str)
    }
}

// ---------------------------------------------------------------- who may see what

/// A cast member whose boundaries are asked for, with the account that plays them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CastRecord {
    pub cast_member_id: i64,
    pub cast_number: i32,
    pub name: String,
    pub user_id: Option<i64>,
}

impl CastRecord {
    pub fn label(&self) -> String {
        format!("#{} {}", self.cast_number, self.name)
    }
}

/// The cast record of the signed-in performer in this production, if any.
pub async fn own_cast_record(pool: &PgPool, member: &Member) -> Result<Option<CastRecord>> {
    if !member.is(Role::Performer) {
        return Ok(None);
    }
    Ok(sqlx::query_as(
        "select cast_member_id, cast_number, name, user_id from cast_member
         where production_id = $1 and user_id = $2",
    )
    .bind(member.production.production_id)
    .bind(member.user.user_id)
    .fetch_optional(pool)
    .await?)
}

/// The cast member whose profile is asked for, if the caller may read it: coordinators for
/// anyone on the cast, a performer only for themself. Everyone else gets 404.
async fn readable_cast(pool: &PgPool, member: &Member, cast_member_id: i64) -> Result<CastRecord> {
    member.may(Action::ReadBoundaries)?;
    let cast: CastRecord = sqlx::query_as(
        "select cast_member_id, cast_number, name, user_id from cast_member
         where cast_member_id = $1 and production_id = $2",
    )
    .bind(cast_member_id)
    .bind(member.production.production_id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    if member.is(Role::Performer) && cast.user_id != Some(member.user.user_id) {
        return Err(AppError::NotFound);
    }
    Ok(cast)
}

fn is_self(member: &Member, cast: &CastRecord) -> bool {
    cast.user_id == Some(member.user.user_id)
}

// ---------------------------------------------------------------- index

/// A cast member's profile status, for the coordinator's list.
#[derive(sqlx::FromRow)]
struct StatusRow {
    cast_member_id: i64,
    cast_number: i32,
    name: String,
    linked: bool,
    version: Option<i32>,
    saved_at: Option<OffsetDateTime>,
    recorded_by: Option<String>,
}

impl StatusRow {
    fn saved(&self) -> String {
        self.saved_at.map(format_instant_date).unwrap_or_default()
    }
}

fn format_instant_date(instant: OffsetDateTime) -> String {
    crate::clock::format_date(instant.date())
}

#[derive(Template)]
#[template(path = "consent/boundaries_index.html")]
struct IndexPage {
    ctx: Ctx,
    member: Member,
    rows: Vec<StatusRow>,
}

async fn index(State(state): State<AppState>, ctx: Ctx, member: Member) -> Result<Response> {
    member.may(Action::ReadBoundaries)?;
    if member.is(Role::Performer) {
        return match own_cast_record(&state.pool, &member).await? {
            Some(cast) => Ok(Redirect::to(&format!(
                "{}/boundaries/{}",
                member.base(),
                cast.cast_member_id
            ))
            .into_response()),
            None => render(&UnlinkedPage { ctx, member }),
        };
    }
    let rows: Vec<StatusRow> = sqlx::query_as(
        "select c.cast_member_id, c.cast_number, c.name, c.user_id is not null as linked,
                v.version, v.created_at as saved_at, u.name as recorded_by
         from cast_member c
         left join lateral (
             select version, created_at, recorded_by from boundary_profile_version
             where cast_member_id = c.cast_member_id order by version desc limit 1
         ) v on true
         left join app_user u on u.user_id = v.recorded_by
         where c.production_id = $1
         order by c.cast_number",
    )
    .bind(member.production.production_id)
    .fetch_all(&state.pool)
    .await?;
    render(&IndexPage { ctx, member, rows })
}

/// Shown to a performer whose account is not yet linked to the cast list.
#[derive(Template)]
#[template(path = "consent/unlinked.html")]
pub struct UnlinkedPage {
    pub ctx: Ctx,
    pub member: Member,
}

// ---------------------------------------------------------------- profile

/// A stored version, as listed and shown.
#[derive(sqlx::FromRow)]
struct VersionRow {
    boundary_profile_version_id: i64,
    version: i32,
    entries: serde_json::Value,
    notes: String,
    created_at: OffsetDateTime,
    recorded_by_id: Option<i64>,
    recorded_by: Option<String>,
}

impl VersionRow {
    fn saved(&self) -> String {
        format_instant_date(self.created_at)
    }
}

/// Every version of a cast member's profile, newest first.
async fn versions(pool: &PgPool, cast_member_id: i64) -> Result<Vec<VersionRow>> {
    Ok(sqlx::query_as(
        "select v.boundary_profile_version_id, v.version, v.entries, v.notes, v.created_at,
                v.recorded_by as recorded_by_id, u.name as recorded_by
         from boundary_profile_version v left join app_user u on u.user_id = v.recorded_by
         where v.cast_member_id = $1 order by v.version desc",
    )
    .bind(cast_member_id)
    .fetch_all(pool)
    .await?)
}

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
}

impl ProfilePage {
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
}

fn recorder_text(cast: &CastRecord, v: &VersionRow) -> String {
    match (
        &v.recorded_by,
        v.recorded_by_id == cast.user_id && cast.user_id.is_some(),
    ) {
        (Some(_), true) => format!("{} themself", cast.name),
        (Some(name), false) => format!("{name}, with {}", cast.name),
        (None, _) => "Not recorded".into(),
    }
}

async fn profile_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, cast_member_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let cast = readable_cast(&state.pool, &member, cast_member_id).await?;
    let versions = versions(&state.pool, cast.cast_member_id).await?;
    let current = versions
        .first()
        .map(|v| Profile::from_stored(&v.entries, &v.notes))
        .unwrap_or_default();
    if !is_self(&member, &cast) {
        access_log::record(
            &state.pool,
            &member,
            &[cast.cast_member_id],
            RecordKind::BoundaryProfile,
            versions.first().map(|v| v.boundary_profile_version_id),
        )
        .await?;
    }
    render(&ProfilePage {
        ctx,
        own: is_self(&member, &cast),
        form: ProfileForm::from_profile(&current),
        errors: KeyedErrors::default(),
        member,
        cast,
        versions,
    })
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, cast_member_id)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response> {
    let cast = readable_cast(&state.pool, &member, cast_member_id).await?;
    let own = is_self(&member, &cast);
    let form = ProfileForm::read(&FormBody::parse(&body));
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
            let versions = versions(&state.pool, cast.cast_member_id).await?;
            return render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ProfilePage {
                    ctx,
                    member,
                    cast,
                    own,
                    form,
                    errors,
                    versions,
                },
            );
        }
    };

    let mut tx = state.pool.begin().await?;
    // The lock orders concurrent saves, so each gets the next version number.
    sqlx::query("select 1 from cast_member where cast_member_id = $1 for update")
        .bind(cast.cast_member_id)
        .execute(&mut *tx)
        .await?;
    let latest: Option<(i32, serde_json::Value, String)> = sqlx::query_as(
        "select version, entries, notes from boundary_profile_version
         where cast_member_id = $1 order by version desc limit 1",
    )
    .bind(cast.cast_member_id)
    .fetch_optional(&mut *tx)
    .await?;
    let unchanged = latest
        .as_ref()
        .is_some_and(|(_, e, n)| Profile::from_stored(e, n) == profile);
    let message = if unchanged {
        drop(tx);
        "Nothing changed, so no new version was made.".to_string()
    } else {
        let version = latest.map_or(1, |(v, _, _)| v + 1);
        sqlx::query(
            "insert into boundary_profile_version
                 (production_id, cast_member_id, version, entries, notes, recorded_by)
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(member.production.production_id)
        .bind(cast.cast_member_id)
        .bind(version)
        .bind(serde_json::to_value(&profile.entries).map_err(anyhow::Error::from)?)
        .bind(&profile.notes)
        .bind(member.user.user_id)
        .execute(&mut *tx)
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

// ---------------------------------------------------------------- one version

#[derive(Template)]
#[template(path = "consent/boundaries_version.html")]
struct VersionPage {
    ctx: Ctx,
    member: Member,
    cast: CastRecord,
    version: VersionRow,
    profile: Profile,
    latest: i32,
}

impl VersionPage {
    fn recorder(&self) -> String {
        recorder_text(&self.cast, &self.version)
    }
    fn note_lines(&self) -> Vec<String> {
        crate::web::form::lines(&self.profile.notes)
    }
    /// Rows grouped by kind of contact, only those with answers.
    fn groups(&self) -> Vec<(Contact, Vec<&Entry>)> {
        Contact::ALL
            .into_iter()
            .map(|c| {
                (
                    c,
                    self.profile
                        .entries
                        .iter()
                        .filter(|e| e.contact == c)
                        .collect(),
                )
            })
            .filter(|(_, rows): &(Contact, Vec<&Entry>)| !rows.is_empty())
            .collect()
    }
}

async fn version_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, cast_member_id, version)): Path<(i64, i64, i32)>,
) -> Result<Response> {
    let cast = readable_cast(&state.pool, &member, cast_member_id).await?;
    let mut all = versions(&state.pool, cast.cast_member_id).await?;
    let latest = all.first().map_or(0, |v| v.version);
    let at = all
        .iter()
        .position(|v| v.version == version)
        .ok_or(AppError::NotFound)?;
    let version = all.swap_remove(at);
    if !is_self(&member, &cast) {
        access_log::record(
            &state.pool,
            &member,
            &[cast.cast_member_id],
            RecordKind::BoundaryProfile,
            Some(version.boundary_profile_version_id),
        )
        .await?;
    }
    let profile = Profile::from_stored(&version.entries, &version.notes);
    render(&VersionPage {
        ctx,
        member,
        cast,
        version,
        profile,
        latest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> ProfileForm {
        let body: String = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        ProfileForm::read(&FormBody::parse(body.as_bytes()))
    }

    #[test]
    fn answers_become_sorted_entries_and_blanks_are_left_out() {
        let profile = form(&[
            ("kissed.mouth", "ask"),
            ("seen_unclothed.breasts", "no"),
            ("seen_unclothed.breasts.note", "Not+in+any+scene"),
            ("notes", "+Closed+set+only+"),
        ])
        .parse()
        .unwrap();
        assert_eq!(profile.entries.len(), 2);
        assert_eq!(profile.entries[0].contact, Contact::SeenUnclothed);
        assert_eq!(profile.entries[0].note, "Not in any scene");
        assert_eq!(profile.entries[1].answer, Answer::Ask);
        assert_eq!(profile.notes, "Closed set only");
        // Stored and read back, it compares equal: an unchanged save makes no version.
        let stored = serde_json::to_value(&profile.entries).unwrap();
        assert_eq!(Profile::from_stored(&stored, &profile.notes), profile);
        assert_eq!(
            Profile::from_stored(&serde_json::json!([]), ""),
            Profile::default()
        );
    }

    #[test]
    fn a_note_needs_an_answer_and_answers_come_from_the_list() {
        let errors = form(&[("kissed.neck.note", "gently"), ("kissed.mouth", "maybe")])
            .parse()
            .unwrap_err();
        assert!(errors.get("kissed.neck").unwrap().contains("Neck"));
        assert!(errors.get("kissed.mouth").is_some());
    }
}

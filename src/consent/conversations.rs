//! The conversation log: what the intimacy coordinator logs after meeting performers (kind, who,
//! when, a confidential summary, follow-ups), and the first-meeting rule (R6) it feeds.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sqlx::PgPool;
use time::{Date, OffsetDateTime};
use tower_sessions::Session;

use super::boundaries::access_log::{self, RecordKind};
use super::boundaries::{UnlinkedPage, own_cast_record};
use crate::access::Action;
use crate::clock::format_date;
use crate::clock::hour_minute;
use crate::clock::local_time;
use crate::clock::parse_date;
use crate::clock::parse_time;
use crate::error::{AppError, Result};
use crate::productions::Member;
use crate::rules::first_meeting::{Called, first_meeting_refusal};
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::FormBody;
use crate::web::{Ctx, FieldErrors, Flash, render_with_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/productions/{production_id}/conversations",
            get(list_page).post(create),
        )
        .route(
            "/productions/{production_id}/conversations/{conversation_id}",
            get(show_page).post(update),
        )
        .route(
            "/productions/{production_id}/conversations/{conversation_id}/follow-ups",
            post(add_follow_up),
        )
        .route(
            "/productions/{production_id}/follow-ups/{follow_up_id}/done",
            post(mark_done),
        )
}

// ---------------------------------------------------------------- vocabulary

/// A kind of conversation (DOMAIN §2); the database values of `conversation.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    FirstOneToOne,
    ScenePreparation,
    RehearsalCheckIn,
    OnTheDayReconfirmation,
    Closure,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::FirstOneToOne,
        Kind::ScenePreparation,
        Kind::RehearsalCheckIn,
        Kind::OnTheDayReconfirmation,
        Kind::Closure,
        Kind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::FirstOneToOne => "first_one_to_one",
            Kind::ScenePreparation => "scene_preparation",
            Kind::RehearsalCheckIn => "rehearsal_check_in",
            Kind::OnTheDayReconfirmation => "on_the_day_reconfirmation",
            Kind::Closure => "closure",
            Kind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::FirstOneToOne => "First one-to-one",
            Kind::ScenePreparation => "Scene preparation",
            Kind::RehearsalCheckIn => "Rehearsal check-in",
            Kind::OnTheDayReconfirmation => "On-the-day reconfirmation",
            Kind::Closure => "Closure / step-out",
            Kind::Other => "Other",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }
}

fn kind_label(db: &str) -> &'static str {
    Kind::parse(db).map_or("Other", Kind::label)
}

// ---------------------------------------------------------------- R6, the facts for the first meeting

/// Gathers what R6 needs for one rehearsal (in one query) and applies it.
pub async fn first_meeting_check(
    pool: &PgPool,
    production_id: i64,
    scene_id: i64,
    cast_member_ids: &[i64],
) -> Result<Option<String>> {
    let rows: Vec<(bool, i32, String, bool)> = sqlx::query_as(
        "select coalesce((select v.flagged from scene s
                          join scene_version v on v.scene_version_id = s.current_version_id
                          where s.scene_id = $2 and s.production_id = $1), false) as flagged,
                c.cast_number, c.name,
                exists (select 1 from conversation_performer cp
                        join conversation k using (conversation_id)
                        where cp.cast_member_id = c.cast_member_id
                          and k.kind = 'first_one_to_one') as met
         from cast_member c
         where c.production_id = $1 and c.cast_member_id = any($3)
         order by c.cast_number",
    )
    .bind(production_id)
    .bind(scene_id)
    .bind(cast_member_ids)
    .fetch_all(pool)
    .await?;
    let flagged = rows.first().is_some_and(|r| r.0);
    let called: Vec<Called> = rows
        .into_iter()
        .map(|(_, cast_number, name, met)| Called {
            cast_number,
            name,
            met,
        })
        .collect();
    Ok(first_meeting_refusal(flagged, &called))
}

/// Performers in flagged scenes with no first one-to-one logged yet, for the coordinator's
/// dashboard: cast member id and `#2 Sam Lindqvist`.
pub async fn first_meeting_missing(
    pool: &PgPool,
    production_id: i64,
) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "select c.cast_member_id, '#' || c.cast_number || ' ' || c.name
         from cast_member c
         where c.production_id = $1
           and exists (select 1 from scene_cast sc
                       join scene s on s.scene_id = sc.scene_id
                       join scene_version v on v.scene_version_id = s.current_version_id
                       where sc.cast_member_id = c.cast_member_id and v.flagged and not s.omitted)
           and not exists (select 1 from conversation_performer cp
                           join conversation k using (conversation_id)
                           where cp.cast_member_id = c.cast_member_id
                             and k.kind = 'first_one_to_one')
         order by c.cast_number",
    )
    .bind(production_id)
    .fetch_all(pool)
    .await?)
}

// ---------------------------------------------------------------- follow-ups

/// A follow-up with the conversation it came from.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FollowUp {
    pub follow_up_id: i64,
    pub conversation_id: i64,
    pub body: String,
    pub due_on: Option<Date>,
    pub done_at: Option<OffsetDateTime>,
    pub done_by: Option<String>,
    pub kind: String,
    /// `#1 Alex Rivera`, one per performer of the conversation.
    pub performers: Vec<String>,
}

impl FollowUp {
    pub fn due(&self) -> String {
        self.due_on.map(format_date).unwrap_or_default()
    }
    pub fn kind_label(&self) -> &'static str {
        kind_label(&self.kind)
    }
    pub fn who(&self) -> String {
        self.performers.join(", ")
    }
    pub fn done(&self) -> String {
        self.done_at
            .map(|d| format_date(d.date()))
            .unwrap_or_default()
    }
}

const FOLLOW_UP_COLUMNS: &str = "f.follow_up_id, f.conversation_id, f.body, f.due_on, f.done_at,
    u.name as done_by, k.kind,
    array(select '#' || c.cast_number || ' ' || c.name from conversation_performer cp
          join cast_member c using (cast_member_id)
          where cp.conversation_id = k.conversation_id order by c.cast_number) as performers";

/// Follow-ups not yet done, soonest due first, for the coordinator's dashboard.
pub async fn open_follow_ups(pool: &PgPool, production_id: i64) -> Result<Vec<FollowUp>> {
    follow_ups(pool, production_id, None, None, true).await
}

/// Follow-ups of a production, narrowed to one conversation, to a performer's conversations,
/// or to those still open.
async fn follow_ups(
    pool: &PgPool,
    production_id: i64,
    conversation_id: Option<i64>,
    cast_member_id: Option<i64>,
    open_only: bool,
) -> Result<Vec<FollowUp>> {
    Ok(sqlx::query_as(&format!(
        "select {FOLLOW_UP_COLUMNS}
         from follow_up f join conversation k using (conversation_id)
         left join app_user u on u.user_id = f.done_by
         where f.production_id = $1
           and ($2::bigint is null or f.conversation_id = $2)
           and ($3::bigint is null or exists (
                   select 1 from conversation_performer cp
                   where cp.conversation_id = k.conversation_id and cp.cast_member_id = $3))
           and (not $4 or f.done_at is null)
         order by f.done_at is not null, f.due_on nulls last, f.created_at, f.follow_up_id"
    ))
    .bind(production_id)
    .bind(conversation_id)
    .bind(cast_member_id)
    .bind(open_only)
    .fetch_all(pool)
    .await?)
}

// ---------------------------------------------------------------- conversations

/// A logged conversation with its performers.
#[derive(sqlx::FromRow)]
struct ConversationRow {
    conversation_id: i64,
    kind: String,
    held_at: OffsetDateTime,
    summary: String,
    created_by: Option<String>,
    performer_ids: Vec<i64>,
    performers: Vec<String>,
}

impl ConversationRow {
    fn kind_label(&self) -> &'static str {
        kind_label(&self.kind)
    }
    fn who(&self) -> String {
        self.performers.join(", ")
    }
    fn summary_lines(&self) -> Vec<String> {
        crate::web::form::lines(&self.summary)
    }
}

/// Conversations of a production, newest first; narrowed to one, or to those a performer was in.
async fn conversations(
    pool: &PgPool,
    production_id: i64,
    conversation_id: Option<i64>,
    cast_member_id: Option<i64>,
) -> Result<Vec<ConversationRow>> {
    Ok(sqlx::query_as(
        "select k.conversation_id, k.kind, k.held_at, k.summary, u.name as created_by,
                array(select cp.cast_member_id from conversation_performer cp
                      join cast_member c using (cast_member_id)
                      where cp.conversation_id = k.conversation_id order by c.cast_number)
                    as performer_ids,
                array(select '#' || c.cast_number || ' ' || c.name from conversation_performer cp
                      join cast_member c using (cast_member_id)
                      where cp.conversation_id = k.conversation_id order by c.cast_number)
                    as performers
         from conversation k left join app_user u on u.user_id = k.created_by
         where k.production_id = $1
           and ($2::bigint is null or k.conversation_id = $2)
           and ($3::bigint is null or exists (
                   select 1 from conversation_performer cp
                   where cp.conversation_id = k.conversation_id and cp.cast_member_id = $3))
         order by k.held_at desc, k.conversation_id desc",
    )
    .bind(production_id)
    .bind(conversation_id)
    .bind(cast_member_id)
    .fetch_all(pool)
    .await?)
}

/// A cast member offered as a checkbox.
#[derive(sqlx::FromRow)]
struct CastOption {
    cast_member_id: i64,
    cast_number: i32,
    name: String,
    character_name: String,
}

async fn cast_options(pool: &PgPool, production_id: i64) -> Result<Vec<CastOption>> {
    Ok(sqlx::query_as(
        "select cast_member_id, cast_number, name, character_name from cast_member
         where production_id = $1 order by cast_number",
    )
    .bind(production_id)
    .fetch_all(pool)
    .await?)
}

/// Names of the follow-up rows on the new-conversation form (field errors need fixed names).
const FOLLOW_UP_FIELDS: [(&str, &str); 3] = [
    ("follow_up_1", "follow_up_due_1"),
    ("follow_up_2", "follow_up_due_2"),
    ("follow_up_3", "follow_up_due_3"),
];

/// What was typed into a conversation form, kept as text for a refused form.
#[derive(Default)]
struct ConversationForm {
    kind: String,
    performers: Vec<String>,
    date: String,
    time: String,
    summary: String,
    /// Body and due date per row of `FOLLOW_UP_FIELDS`.
    follow_ups: Vec<(String, String)>,
}

impl ConversationForm {
    fn read(body: &FormBody) -> ConversationForm {
        ConversationForm {
            kind: body.get("kind"),
            performers: body.all("performers"),
            date: body.get("date"),
            time: body.get("time"),
            summary: body.get("summary"),
            follow_ups: FOLLOW_UP_FIELDS
                .iter()
                .map(|(text, due)| (body.get(text), body.get(due)))
                .collect(),
        }
    }

    fn from_row(row: &ConversationRow, zone: &time_tz::Tz) -> ConversationForm {
        let local = crate::clock::utc_to_local(row.held_at, zone);
        ConversationForm {
            kind: row.kind.clone(),
            performers: row.performer_ids.iter().map(i64::to_string).collect(),
            date: local.date().to_string(),
            time: hour_minute(local.time()),
            summary: row.summary.clone(),
            follow_ups: Vec::new(),
        }
    }

    fn has(&self, cast_member_id: &i64) -> bool {
        self.performers.contains(&cast_member_id.to_string())
    }

    fn follow_up(&self, i: &usize) -> (&str, &str) {
        self.follow_ups
            .get(*i)
            .map_or(("", ""), |(t, d)| (t.as_str(), d.as_str()))
    }

    /// Checks every field against the cast of the production; `with_follow_ups` for new ones.
    fn parse(
        &self,
        cast: &[CastOption],
        zone: &time_tz::Tz,
        with_follow_ups: bool,
    ) -> Result<ConversationInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = Kind::parse(&self.kind);
        if kind.is_none() {
            errors.add("kind", "Choose what kind of conversation it was.");
        }
        let mut performers = Vec::new();
        for text in &self.performers {
            match text.parse::<i64>() {
                Ok(id) if cast.iter().any(|c| c.cast_member_id == id) => {
                    if !performers.contains(&id) {
                        performers.push(id);
                    }
                }
                _ => errors.add("performers", "Choose performers from the cast list."),
            }
        }
        if performers.is_empty() {
            errors.add("performers", "Choose at least one performer who was there.");
        }
        let date = parse_date(&self.date);
        if date.is_none() {
            errors.add(
                "date",
                "Enter the date it was held, for example 2027-04-20.",
            );
        }
        let time = parse_time(&self.time);
        if time.is_none() {
            errors.add("time", "Enter the time it started, for example 14:30.");
        }
        let mut held_at = None;
        if let (Some(date), Some(time)) = (date, time) {
            match crate::clock::local_to_utc(date, time, zone) {
                Ok(instant) => held_at = Some(instant),
                Err(e) => errors.add("time", e.to_string().replace("call time", "time")),
            }
        }
        let summary = self.summary.trim().to_string();
        if summary.chars().count() > 20_000 {
            errors.add("summary", "Keep the summary to 20,000 characters.");
        }
        let mut follow_ups = Vec::new();
        if with_follow_ups {
            for (i, (text_field, due_field)) in FOLLOW_UP_FIELDS.iter().enumerate() {
                let (text, due) = self.follow_up(&i);
                match parse_follow_up(text, due) {
                    Ok(Some(row)) => follow_ups.push(row),
                    Ok(None) => {}
                    Err((on_due, message)) => {
                        errors.add(if on_due { due_field } else { text_field }, message)
                    }
                }
            }
        }
        match (kind, held_at, errors.is_empty()) {
            (Some(kind), Some(held_at), true) => Ok(ConversationInput {
                kind,
                performers,
                held_at,
                summary,
                follow_ups,
            }),
            _ => Err(errors),
        }
    }
}

/// A follow-up's text and optional due date.
type FollowUpRow = (String, Option<Date>);
/// Whether the message belongs beside the due date (else the text), and the message.
type FollowUpError = (bool, &'static str);

/// One follow-up row: `None` when blank.
fn parse_follow_up(
    text: &str,
    due: &str,
) -> std::result::Result<Option<FollowUpRow>, FollowUpError> {
    let text = text.trim();
    let due_on = match due.trim() {
        "" => None,
        d => Some(parse_date(d).ok_or((
            true,
            "Enter the due date as year-month-day, for example 2027-04-25.",
        ))?),
    };
    if text.is_empty() {
        return match due_on {
            Some(_) => Err((false, "Write what needs doing by that date.")),
            None => Ok(None),
        };
    }
    if text.chars().count() > 1000 {
        return Err((false, "Keep a follow-up to 1,000 characters."));
    }
    Ok(Some((text.to_string(), due_on)))
}

struct ConversationInput {
    kind: Kind,
    performers: Vec<i64>,
    held_at: OffsetDateTime,
    summary: String,
    follow_ups: Vec<(String, Option<Date>)>,
}

/// Whom the caller may see: every conversation for a coordinator; for a performer, only those
/// with their cast record (`Some(cast_member_id)`); `Err(404)` for everyone else.
enum Reader {
    Coordinator,
    Performer(i64),
    Unlinked,
}

async fn reader(pool: &PgPool, member: &Member) -> Result<Reader> {
    member.may(Action::ReadConversations)?;
    if member.is(Role::Coordinator) {
        return Ok(Reader::Coordinator);
    }
    Ok(match own_cast_record(pool, member).await? {
        Some(cast) => Reader::Performer(cast.cast_member_id),
        None => Reader::Unlinked,
    })
}

// ---------------------------------------------------------------- list and log

#[derive(Template)]
#[template(path = "consent/conversations.html")]
struct ListPage {
    ctx: Ctx,
    member: Member,
    conversations: Vec<ConversationRow>,
    follow_ups: Vec<FollowUp>,
    /// Empty for performers, who only read.
    cast: Vec<CastOption>,
    form: ConversationForm,
    errors: FieldErrors,
    kinds: [Kind; 6],
}

impl ListPage {
    fn can_edit(&self) -> bool {
        self.member.can(Action::KeepConversations)
    }
    fn when(&self, row: &ConversationRow) -> String {
        when(&self.member, row.held_at)
    }
    fn rows(&self) -> std::ops::Range<usize> {
        0..FOLLOW_UP_FIELDS.len()
    }
    fn row_fields(&self, i: &usize) -> (&'static str, &'static str) {
        FOLLOW_UP_FIELDS[*i]
    }
}

/// `Tue 20 Apr 2027, 14:30 BST` on the production's clocks.
fn when(member: &Member, instant: OffsetDateTime) -> String {
    let zone = member.production.zone.tz();
    format!(
        "{}, {}",
        format_date(crate::clock::utc_to_local(instant, zone).date()),
        local_time(instant, zone)
    )
}

async fn list_response(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    form: ConversationForm,
    errors: FieldErrors,
) -> Result<Response> {
    let production_id = member.production.production_id;
    let only = match reader(&state.pool, &member).await? {
        Reader::Coordinator => None,
        Reader::Performer(id) => Some(id),
        Reader::Unlinked => return crate::web::render(&UnlinkedPage { ctx, member }),
    };
    let conversations = conversations(&state.pool, production_id, None, only).await?;
    let follow_ups = follow_ups(&state.pool, production_id, None, only, true).await?;
    let cast = if only.is_none() {
        cast_options(&state.pool, production_id).await?
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
        &ListPage {
            ctx,
            member,
            conversations,
            follow_ups,
            cast,
            form,
            errors,
            kinds: Kind::ALL,
        },
    )
}

async fn list_page(State(state): State<AppState>, ctx: Ctx, member: Member) -> Result<Response> {
    list_response(
        &state,
        ctx,
        member,
        ConversationForm::default(),
        FieldErrors::default(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    body: Bytes,
) -> Result<Response> {
    member.may(Action::KeepConversations)?;
    let production_id = member.production.production_id;
    let form = ConversationForm::read(&FormBody::parse(&body));
    let cast = cast_options(&state.pool, production_id).await?;
    let input = match form.parse(&cast, member.production.zone.tz(), true) {
        Ok(input) => input,
        Err(errors) => return list_response(&state, ctx, member, form, errors).await,
    };
    let mut tx = state.pool.begin().await?;
    let conversation_id: i64 = sqlx::query_scalar(
        "insert into conversation (production_id, kind, held_at, summary, created_by)
         values ($1, $2, $3, $4, $5) returning conversation_id",
    )
    .bind(production_id)
    .bind(input.kind.as_str())
    .bind(input.held_at)
    .bind(&input.summary)
    .bind(member.user.user_id)
    .fetch_one(&mut *tx)
    .await?;
    set_performers(&mut tx, production_id, conversation_id, &input.performers).await?;
    let (bodies, dues): (Vec<String>, Vec<Option<Date>>) = input.follow_ups.into_iter().unzip();
    sqlx::query(
        "insert into follow_up (conversation_id, production_id, body, due_on)
         select $1, $2, body, due_on from unnest($3::text[], $4::date[]) as t(body, due_on)",
    )
    .bind(conversation_id)
    .bind(production_id)
    .bind(&bodies)
    .bind(&dues)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Flash::success(
        &session,
        format!(
            "{} logged. Only coordinators and the performers in it can read it.",
            input.kind.label()
        ),
    )
    .await?;
    Ok(Redirect::to(&format!(
        "{}/conversations/{conversation_id}",
        member.base()
    ))
    .into_response())
}

/// Replaces who took part in a conversation.
async fn set_performers(
    tx: &mut sqlx::PgConnection,
    production_id: i64,
    conversation_id: i64,
    performers: &[i64],
) -> Result<()> {
    sqlx::query(
        "delete from conversation_performer
         where conversation_id = $1 and cast_member_id <> all($2)",
    )
    .bind(conversation_id)
    .bind(performers)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into conversation_performer (conversation_id, cast_member_id, production_id)
         select $1, unnest($2::bigint[]), $3 on conflict do nothing",
    )
    .bind(conversation_id)
    .bind(performers)
    .bind(production_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- one conversation

#[derive(Template)]
#[template(path = "consent/conversation.html")]
struct ShowPage {
    ctx: Ctx,
    member: Member,
    conversation: ConversationRow,
    follow_ups: Vec<FollowUp>,
    cast: Vec<CastOption>,
    form: ConversationForm,
    errors: FieldErrors,
    follow_up_form: (String, String),
    follow_up_errors: FieldErrors,
    kinds: [Kind; 6],
}

impl ShowPage {
    fn can_edit(&self) -> bool {
        self.member.can(Action::KeepConversations)
    }
    fn when(&self) -> String {
        when(&self.member, self.conversation.held_at)
    }
}

/// The conversation if the caller may read it; 404 otherwise, also for uninvolved performers.
async fn readable(pool: &PgPool, member: &Member, conversation_id: i64) -> Result<ConversationRow> {
    let only = match reader(pool, member).await? {
        Reader::Coordinator => None,
        Reader::Performer(id) => Some(id),
        Reader::Unlinked => return Err(AppError::NotFound),
    };
    conversations(
        pool,
        member.production.production_id,
        Some(conversation_id),
        only,
    )
    .await?
    .pop()
    .ok_or(AppError::NotFound)
}

#[allow(clippy::too_many_arguments)]
async fn show_response(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    conversation: ConversationRow,
    form: Option<ConversationForm>,
    errors: FieldErrors,
    follow_up_form: (String, String),
    follow_up_errors: FieldErrors,
) -> Result<Response> {
    let production_id = member.production.production_id;
    let follow_ups = follow_ups(
        &state.pool,
        production_id,
        Some(conversation.conversation_id),
        None,
        false,
    )
    .await?;
    let cast = if member.is(Role::Coordinator) {
        cast_options(&state.pool, production_id).await?
    } else {
        Vec::new()
    };
    // Everyone in the conversation but the reader is told their conversation was opened.
    access_log::record(
        &state.pool,
        &member,
        &conversation.performer_ids,
        RecordKind::Conversation,
        Some(conversation.conversation_id),
    )
    .await?;
    let status = if errors.is_empty() && follow_up_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let form = form
        .unwrap_or_else(|| ConversationForm::from_row(&conversation, member.production.zone.tz()));
    render_with_status(
        status,
        &ShowPage {
            ctx,
            member,
            conversation,
            follow_ups,
            cast,
            form,
            errors,
            follow_up_form,
            follow_up_errors,
            kinds: Kind::ALL,
        },
    )
}

async fn show_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Path((_, conversation_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let conversation = readable(&state.pool, &member, conversation_id).await?;
    show_response(
        &state,
        ctx,
        member,
        conversation,
        None,
        FieldErrors::default(),
        Default::default(),
        FieldErrors::default(),
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, conversation_id)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response> {
    member.may(Action::KeepConversations)?;
    let conversation = readable(&state.pool, &member, conversation_id).await?;
    let production_id = member.production.production_id;
    let form = ConversationForm::read(&FormBody::parse(&body));
    let cast = cast_options(&state.pool, production_id).await?;
    let input = match form.parse(&cast, member.production.zone.tz(), false) {
        Ok(input) => input,
        Err(errors) => {
            return show_response(
                &state,
                ctx,
                member,
                conversation,
                Some(form),
                errors,
                Default::default(),
                FieldErrors::default(),
            )
            .await;
        }
    };
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "update conversation set kind = $3, held_at = $4, summary = $5, updated_at = now()
         where conversation_id = $1 and production_id = $2",
    )
    .bind(conversation_id)
    .bind(production_id)
    .bind(input.kind.as_str())
    .bind(input.held_at)
    .bind(&input.summary)
    .execute(&mut *tx)
    .await?;
    set_performers(&mut tx, production_id, conversation_id, &input.performers).await?;
    tx.commit().await?;
    Flash::success(&session, "The conversation log is saved.").await?;
    Ok(Redirect::to(&format!(
        "{}/conversations/{conversation_id}",
        member.base()
    ))
    .into_response())
}

async fn add_follow_up(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    session: Session,
    Path((_, conversation_id)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response> {
    member.may(Action::KeepConversations)?;
    let conversation = readable(&state.pool, &member, conversation_id).await?;
    let body = FormBody::parse(&body);
    let (text, due) = (body.get("follow_up"), body.get("follow_up_due"));
    let parsed = match parse_follow_up(&text, &due) {
        Ok(None) => Err((false, "Write what needs doing.")),
        other => other,
    };
    let (text_out, due_on) = match parsed {
        Ok(Some(row)) => row,
        Ok(None) => unreachable!("blank rows are refused above"),
        Err((on_due, message)) => {
            let mut errors = FieldErrors::default();
            errors.add(if on_due { "follow_up_due" } else { "follow_up" }, message);
            return show_response(
                &state,
                ctx,
                member,
                conversation,
                None,
                FieldErrors::default(),
                (text, due),
                errors,
            )
            .await;
        }
    };
    sqlx::query(
        "insert into follow_up (conversation_id, production_id, body, due_on)
         values ($1, $2, $3, $4)",
    )
    .bind(conversation_id)
    .bind(member.production.production_id)
    .bind(&text_out)
    .bind(due_on)
    .execute(&state.pool)
    .await?;
    Flash::success(&session, "Follow-up added.").await?;
    Ok(Redirect::to(&format!(
        "{}/conversations/{conversation_id}",
        member.base()
    ))
    .into_response())
}

async fn mark_done(
    State(state): State<AppState>,
    member: Member,
    session: Session,
    Path((_, follow_up_id)): Path<(i64, i64)>,
) -> Result<Response> {
    member.may(Action::KeepConversations)?;
    // Marking twice keeps the first time and person.
    let conversation_id: i64 = sqlx::query_scalar(
        "update follow_up set done_at = coalesce(done_at, now()),
                              done_by = case when done_at is null then $3 else done_by end
         where follow_up_id = $1 and production_id = $2
         returning conversation_id",
    )
    .bind(follow_up_id)
    .bind(member.production.production_id)
    .bind(member.user.user_id)
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Flash::success(&session, "Follow-up marked done.").await?;
    Ok(Redirect::to(&format!(
        "{}/conversations/{conversation_id}",
        member.base()
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_up_rows() {
        assert_eq!(parse_follow_up(" ", ""), Ok(None));
        assert_eq!(
            parse_follow_up("Robe sizes", "2027-04-25"),
            Ok(Some((
                "Robe sizes".into(),
                Some(time::macros::date!(2027 - 04 - 25))
            )))
        );
        assert!(matches!(parse_follow_up("x", "soon"), Err((true, _))));
        assert!(matches!(parse_follow_up("", "2027-04-25"), Err((false, _))));
        assert_eq!(Kind::parse("closure"), Some(Kind::Closure));
        assert_eq!(Kind::parse("chat"), None);
    }
}

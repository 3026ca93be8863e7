//! The riders list: the production's riders for staff, fifty a page, found by performer or
//! scene; a performer's own delivered ones for them; with the notice deadline each was (or is
//! still) due by.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use time::{Duration, OffsetDateTime};

use crate::access::Action;
use crate::error::Result;
use crate::productions::Member;
use crate::vocab::RiderStatus;
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::ids::{Params, canonical_id};
use crate::web::pager::{self, PAGE_SIZE, Pager};
use crate::web::{Ctx, render};

use super::reading::maybe_time;

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
    total: i64,
}

struct ListItem {
    rider_id: i64,
    performer: String,
    scenes: String,
    status: &'static str,
    tone: &'static str,
    delivered: String,
    deadline: String,
    /// Delivered after the notice deadline, or still undelivered past it.
    late: bool,
    revocable: bool,
    /// "Withdraw consent" or, unsigned, "Decline this rider".
    no_word: &'static str,
}

#[derive(Template)]
#[template(path = "consent/rider_list.html")]
struct ListPage<'a> {
    ctx: Ctx,
    member: Member,
    riders: Vec<ListItem>,
    can_draft: bool,
    is_performer: bool,
    filter: Filter,
    /// The cast, for the performer filter (staff only).
    cast: &'a [CastChoice],
    /// Riders matching the filter, on every page.
    total: i64,
    /// This page's first row, counted from 1 (0 when the page is empty).
    first: i64,
    last: i64,
    previous: Option<String>,
    next: Option<String>,
}

/// The list's filters and page, as the query string carries them (`?performer=7&scene=12A&page=2`).
#[derive(serde::Deserialize, Default)]
pub(super) struct ListQuery {
    performer: Option<String>,
    scene: Option<String>,
    page: Option<String>,
}

/// The filters as read: an id or page that is not a canonical number is ignored, so a
/// hand-edited link still shows the list.
#[derive(Clone, Default)]
struct Filter {
    performer: Option<i64>,
    /// A scene number as scripts write it, compared without case.
    scene: String,
    page: i64,
}

impl Filter {
    fn read(q: ListQuery) -> Filter {
        Filter {
            performer: q.performer.as_deref().and_then(canonical_id),
            scene: q
                .scene
                .unwrap_or_default()
                .trim()
                .chars()
                .take(20)
                .collect(),
            page: q.page.as_deref().and_then(canonical_id).unwrap_or(1),
        }
    }

    /// The list's address with these filters and `page`: canonical, so links keep their place.
    fn link(&self, base: &str, page: i64) -> String {
        let performer = self.performer.map(|id| id.to_string()).unwrap_or_default();
        pager::link(
            &format!("{base}/riders"),
            &[("performer", performer), ("scene", self.scene.clone())],
            page,
        )
    }
}

#[derive(sqlx::FromRow)]
struct CastChoice {
    cast_member_id: i64,
    label: String,
}

// The page's riders are chosen first (cheap: the rider and cast rows, with the total as a
// window over every match), and only those fifty get the covered scenes, the earliest call and
// staleness. Before, every rider's earliest call was a join that scanned all of
// `shoot_day_scene` once per rider (600 × 300 rows, 26–43 ms on `demo --large`); now it is
// fifty look-ups by the rider's scene ids (about 2 ms, EXPLAIN ANALYZE in README "Performance").
fn list_sql() -> String {
    let next_call = super::next_call_sql("p.rider_id");
    let stale = super::stale_sql("p.rider_id");
    format!(
        "with page as (
         select r.rider_id, r.status, c.cast_number, c.name as performer_name, r.delivered_at,
                r.revoked_at, count(*) over () as total
         from rider r join cast_member c using (cast_member_id)
         where r.production_id = $1
           and ($2::bigint is null or (c.user_id = $2 and r.status <> 'drafted'))
           and ($3::bigint is null or r.cast_member_id = $3)
           and ($4::text = '' or exists (
                   select 1 from rider_scene rs join scene s using (scene_id)
                   where rs.rider_id = r.rider_id and lower(s.number) = lower($4)))
         order by c.cast_number, r.rider_id desc
         limit $5 offset $6)
     select p.*,
            {next_call} as first_call,
            (select string_agg(s.number, ', ' order by s.sort_key collate \"C\")
             from rider_scene rs join scene s using (scene_id)
             where rs.rider_id = p.rider_id) as scenes,
            {stale} as stale
     from page p
     order by p.cast_number, p.rider_id desc"
    )
}

/// What the list shows for one production revision and minute, filter and page.
struct ListData {
    rows: Vec<ListRow>,
    cast: Vec<CastChoice>,
}

async fn load(
    state: &AppState,
    production_id: i64,
    performer: Option<i64>,
    filter: &Filter,
) -> Result<ListData> {
    let rows: Vec<ListRow> = sqlx::query_as(&list_sql())
        .bind(production_id)
        .bind(performer)
        .bind(filter.performer)
        .bind(&filter.scene)
        .bind(PAGE_SIZE)
        .bind(pager::offset(filter.page))
        .fetch_all(&state.pool)
        .await?;
    let cast: Vec<CastChoice> = if performer.is_none() {
        sqlx::query_as(
            "select cast_member_id, '#' || cast_number || ' ' || name as label
             from cast_member where production_id = $1 order by cast_number",
        )
        .bind(production_id)
        .fetch_all(&state.pool)
        .await?
    } else {
        Vec::new()
    };
    Ok(ListData { rows, cast })
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
    Params(query): Params<ListQuery>,
) -> Result<Response> {
    member.may(Action::ReadRiders)?;
    let performer = member.is(Role::Performer).then_some(member.user.user_id);
    let filter = Filter::read(query);
    let production_id = member.production.production_id;
    // Kept by production revision (riders, their scenes, cast and schedule all move it) and
    // minute (the next call is the next day not yet shot), by filters and page, and by viewer:
    // a performer's list is theirs alone.
    let params = format!(
        "{}performer={:?}&scene={}&page={}",
        performer.map_or_else(|| "staff:".to_string(), |u| format!("performer {u}:")),
        filter.performer,
        filter.scene,
        filter.page
    );
    let minute = crate::web::cache::this_minute();
    let data: Arc<ListData> = state
        .pages
        .get_or_compute_with(
            production_id,
            "riders list",
            ctx.lang,
            &params,
            member.production.revision,
            minute,
            || load(&state, production_id, performer, &filter),
        )
        .await?;
    let (rows, cast) = (&data.rows, &data.cast[..]);
    let total = rows.first().map_or(0, |r| r.total);
    let notice = Duration::hours(i64::from(member.production.notice_hours));
    let now = OffsetDateTime::now_utc();
    let production = &member.production;
    let base = member.base();
    let Pager {
        first,
        last,
        previous,
        next,
    } = Pager::new(filter.page, rows.len(), total, |page| {
        filter.link(&base, page)
    });
    let riders = rows
        .iter()
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
                scenes: r.scenes.clone().unwrap_or_default(),
                status: r.status.label(r.stale),
                tone: r.status.tone(r.stale),
                delivered: maybe_time(production, r.delivered_at),
                deadline: deadline
                    .map(|d| production.zone.moment(d))
                    .unwrap_or_else(|| "Not scheduled yet".into()),
                late,
                revocable: performer.is_some() && r.revoked_at.is_none() && r.status.is_live(),
                no_word: super::lifecycle::no_word(r.status),
            }
        })
        .collect();
    render(&ListPage {
        ctx,
        can_draft: member.can(Action::DraftRiders),
        is_performer: member.is(Role::Performer),
        member,
        riders,
        filter,
        cast,
        total,
        first,
        last,
        previous,
        next,
    })
}

//! The access log of a performer's private records: every view by someone other than the
//! performer is written down, and the performer's "Who viewed my records" page reads it.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use sqlx::PgPool;
use time::OffsetDateTime;

use super::cast_record::{UnlinkedPage, own_cast_record};
use crate::access::Action;
use crate::error::Result;
use crate::productions::Member;
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::{Ctx, render};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/productions/{production_id}/records/views",
        get(views_page),
    )
}

/// What was looked at; the database values of `record_view.record_kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    BoundaryProfile,
    Rider,
    Certificate,
    Conversation,
    /// A performer's part of a scene's breakdown (their nudity, areas and acts), by scene id.
    Breakdown,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::BoundaryProfile => "boundary_profile",
            RecordKind::Rider => "rider",
            RecordKind::Certificate => "certificate",
            RecordKind::Conversation => "conversation",
            RecordKind::Breakdown => "breakdown",
        }
    }
}

/// Logs that `viewer` looked at a record of each of `cast_member_ids`, skipping the performer
/// who is the viewer: reading your own record is not an access anyone needs to be told about.
pub async fn record(
    pool: &PgPool,
    viewer: &Member,
    cast_member_ids: &[i64],
    kind: RecordKind,
    record_id: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "insert into record_view (production_id, cast_member_id, viewer_user_id, record_kind,
                                  record_id)
         select production_id, cast_member_id, $3, $4, $5 from cast_member
         where production_id = $1 and cast_member_id = any($2)
           and user_id is distinct from $3",
    )
    .bind(viewer.production.production_id)
    .bind(cast_member_ids)
    .bind(viewer.user.user_id)
    .bind(kind.as_str())
    .bind(record_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// One logged view, with what the page needs to name and link it.
#[derive(sqlx::FromRow)]
struct ViewRow {
    viewer: Option<String>,
    role: Option<Role>,
    record_kind: String,
    record_id: Option<i64>,
    viewed_at: OffsetDateTime,
    /// For a boundary profile, the version number that was shown.
    version: Option<i32>,
    /// For a breakdown, the number of the scene.
    scene_number: Option<String>,
    /// For a conversation, whether the performer is still one of its people; for a breakdown,
    /// whether they are still in the scene; for a rider, whether it has left the draft (so
    /// they may open it: a draft the coordinator read is not theirs to open yet).
    may_open: bool,
}

#[derive(Template)]
#[template(path = "consent/record_views.html")]
struct ViewsPage {
    ctx: Ctx,
    member: Member,
    cast_member_id: i64,
    rows: Vec<ViewRow>,
    /// Shown when the list is cut at `LIMIT`.
    limited: bool,
}

/// The page shows the newest views; a performer with more can ask their coordinator.
const LIMIT: i64 = 500;

impl ViewsPage {
    fn who(&self, row: &ViewRow) -> String {
        match (&row.viewer, row.role) {
            (Some(name), Some(role)) => format!("{name} ({})", role.label()),
            (Some(name), None) => format!("{name} (no longer a member)"),
            (None, _) => "A deleted account".into(),
        }
    }

    fn what(&self, row: &ViewRow) -> String {
        match (row.record_kind.as_str(), row.version) {
            ("boundary_profile", Some(v)) => format!("Your boundary profile, version {v}"),
            ("boundary_profile", None) => "Your boundary profile (nothing saved yet)".into(),
            ("rider", _) => "Your rider".into(),
            ("certificate", _) => "Your consent certificate".into(),
            ("conversation", _) => "A conversation log that includes you".into(),
            ("breakdown", _) => match &row.scene_number {
                Some(number) => format!("Your part of the breakdown of scene {number}"),
                None => "Your part of the breakdown of a scene since removed".into(),
            },
            (other, _) => other.to_string(),
        }
    }

    /// Where the performer can open the record themself, if anywhere.
    fn link(&self, row: &ViewRow) -> Option<String> {
        let base = self.member.base();
        match (row.record_kind.as_str(), row.record_id, row.version) {
            ("boundary_profile", _, Some(v)) => Some(format!(
                "{base}/boundaries/{}/versions/{v}",
                self.cast_member_id
            )),
            ("rider", Some(id), _) if row.may_open => Some(format!("{base}/riders/{id}")),
            ("certificate", Some(id), _) if row.may_open => {
                Some(format!("{base}/riders/{id}/certificate"))
            }
            ("conversation", Some(id), _) if row.may_open => {
                Some(format!("{base}/conversations/{id}"))
            }
            ("breakdown", Some(id), _) if row.may_open => Some(format!("{base}/scenes/{id}")),
            _ => None,
        }
    }

    fn when(&self, row: &ViewRow) -> String {
        let zone = self.member.production.zone.tz();
        format!(
            "{}, {}",
            crate::clock::format_date(crate::clock::utc_to_local(row.viewed_at, zone).date()),
            crate::clock::local_time(row.viewed_at, zone)
        )
    }
}

async fn views_page(State(state): State<AppState>, ctx: Ctx, member: Member) -> Result<Response> {
    member.may(Action::SeeWhoViewedMyRecords)?;
    let Some(cast) = own_cast_record(&state.pool, &member).await? else {
        return render(&UnlinkedPage { ctx, member });
    };
    let mut rows: Vec<ViewRow> = sqlx::query_as(
        "select u.name as viewer, m.role, rv.record_kind, rv.record_id, rv.viewed_at,
                bpv.version, s.number as scene_number,
                exists (select 1 from conversation_performer cp
                        where rv.record_kind = 'conversation'
                          and cp.conversation_id = rv.record_id
                          and cp.cast_member_id = rv.cast_member_id)
                or exists (select 1 from scene_cast sc
                           where rv.record_kind = 'breakdown'
                             and sc.scene_id = rv.record_id
                             and sc.cast_member_id = rv.cast_member_id)
                or exists (select 1 from rider r
                           where rv.record_kind in ('rider', 'certificate')
                             and r.rider_id = rv.record_id and r.status <> 'drafted') as may_open
         from record_view rv
         left join app_user u on u.user_id = rv.viewer_user_id
         left join member m on m.user_id = rv.viewer_user_id and m.production_id = rv.production_id
         left join boundary_profile_version bpv
                on rv.record_kind = 'boundary_profile'
               and bpv.boundary_profile_version_id = rv.record_id
         left join scene s
                on rv.record_kind = 'breakdown'
               and s.scene_id = rv.record_id and s.production_id = rv.production_id
         where rv.cast_member_id = $1
         order by rv.viewed_at desc, rv.record_view_id desc
         limit $2",
    )
    .bind(cast.cast_member_id)
    .bind(LIMIT + 1)
    .fetch_all(&state.pool)
    .await?;
    let limited = rows.len() as i64 > LIMIT;
    rows.truncate(LIMIT as usize);
    render(&ViewsPage {
        ctx,
        member,
        cast_member_id: cast.cast_member_id,
        rows,
        limited,
    })
}

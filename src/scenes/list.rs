//! The scene list: the scenes in script order with their heading, pages, cast numbers and
//! revision colour, fifty a page, found by cast member or intimacy, with the page total of
//! every matching scene; a performer sees only the scenes they are cast in. Each flagged
//! scene's consent status is given by the caller (`pages::scene_list`), which stands above
//! consent; this module loads and renders the rest.

use std::collections::HashMap;

use std::sync::Arc;

use askama::Template;
use axum::response::Response;

use crate::access::Action;
use crate::error::Result;
use crate::productions::Member;
use crate::rules::cleared::StatusLine;
use crate::scenes::eighths::Eighths;
use crate::scenes::heading_text;
use crate::scenes::stored::{colour_label, pages};
use crate::vocab::Role;
use crate::web::ids::canonical_id;
use crate::web::pager::{self, PAGE_SIZE, Pager};
use crate::web::{AppState, Ctx, render};

#[derive(sqlx::FromRow, Clone)]
struct SceneListing {
    scene_id: i64,
    number: String,
    int_ext: String,
    set_name: String,
    time_of_day: String,
    eighths: i32,
    revision_colour: String,
    omitted: bool,
    flagged: bool,
    cast_numbers: Vec<i32>,
    /// Scenes matching the filters, on every page.
    total_scenes: i64,
    /// Their eighths, omitted scenes left out.
    total_eighths: i64,
}

impl SceneListing {
    fn heading(&self) -> String {
        heading_text(&self.int_ext, &self.set_name, &self.time_of_day)
    }
    fn pages(&self) -> String {
        pages(self.eighths)
    }
    fn colour(&self) -> &'static str {
        colour_label(&self.revision_colour)
    }
    fn cast(&self) -> String {
        self.cast_numbers
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Template)]
#[template(path = "scenes/list.html")]
pub struct ListPage {
    ctx: Ctx,
    member: Member,
    scenes: Vec<SceneListing>,
    total: String,
    can_edit: bool,
    filter: Filter,
    /// The cast, for the cast filter (not offered to performers).
    cast: Vec<CastChoice>,
    total_scenes: i64,
    first: i64,
    last: i64,
    previous: Option<String>,
    next: Option<String>,
    /// Each flagged scene's consent status as this viewer may read it, by scene id.
    consent: HashMap<i64, StatusLine>,
}

impl ListPage {
    pub fn member(&self) -> &Member {
        &self.member
    }

    /// The ids of the scenes on this page.
    pub fn scene_ids(&self) -> Vec<i64> {
        self.scenes.iter().map(|s| s.scene_id).collect()
    }

    /// The page with each scene's consent status beside it.
    pub fn with_consent(self, lines: Vec<StatusLine>) -> ListPage {
        ListPage {
            consent: lines.into_iter().map(|l| (l.scene_id, l)).collect(),
            ..self
        }
    }

    fn consent_of(&self, scene_id: &i64) -> Option<&StatusLine> {
        self.consent.get(scene_id)
    }

    pub fn respond(&self) -> Result<Response> {
        render(self)
    }
}

/// The filters and page as the query string carries them (`?cast=7&intimate=yes&page=2`).
#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    cast: Option<String>,
    intimate: Option<String>,
    page: Option<String>,
}

/// The filters as read: an id or page that is not a canonical number is ignored, so a
/// hand-edited link still shows the list.
#[derive(Clone, Default)]
struct Filter {
    cast: Option<i64>,
    intimate: bool,
    page: i64,
}

impl Filter {
    fn read(q: ListQuery) -> Filter {
        Filter {
            cast: q.cast.as_deref().and_then(canonical_id),
            intimate: q.intimate.as_deref() == Some("yes"),
            page: q.page.as_deref().and_then(canonical_id).unwrap_or(1),
        }
    }

    /// The list's canonical address with these filters and `page`.
    fn link(&self, base: &str, page: i64) -> String {
        let cast = self.cast.map(|id| id.to_string()).unwrap_or_default();
        let intimate = if self.intimate { "yes" } else { "" };
        pager::link(
            &format!("{base}/scenes"),
            &[("cast", cast), ("intimate", intimate.into())],
            page,
        )
    }
}

#[derive(sqlx::FromRow, Clone)]
struct CastChoice {
    cast_member_id: i64,
    label: String,
}

// The page's scenes are chosen first, with the count and page total of every match as windows;
// only those fifty get their cast numbers.
const LIST_SQL: &str = "with matching as (
         select s.scene_id, s.number, s.int_ext, s.set_name, s.time_of_day, s.eighths,
                s.revision_colour, s.omitted, coalesce(v.flagged, false) as flagged, s.sort_key,
                count(*) over () as total_scenes,
                coalesce(sum(case when s.omitted then 0 else greatest(s.eighths, 0) end) over (), 0)
                    as total_eighths
         from scene s left join scene_version v on v.scene_version_id = s.current_version_id
         where s.production_id = $1
           and ($2::bigint is null
                or exists (select 1 from scene_cast sc join cast_member c using (cast_member_id)
                           where sc.scene_id = s.scene_id and c.user_id = $2))
           and (not $3 or coalesce(v.flagged, false))
           and ($4::bigint is null
                or exists (select 1 from scene_cast sc
                           where sc.scene_id = s.scene_id and sc.cast_member_id = $4))
         order by s.sort_key collate \"C\"
         limit $5 offset $6)
     select m.*,
            array(select c.cast_number from scene_cast sc join cast_member c using (cast_member_id)
                  where sc.scene_id = m.scene_id order by c.cast_number) as cast_numbers
     from matching m
     order by m.sort_key collate \"C\"";

/// What the list shows for one production revision, filter and page.
struct ListData {
    scenes: Vec<SceneListing>,
    cast: Vec<CastChoice>,
}

async fn fetch(
    state: &AppState,
    production_id: i64,
    only_user: Option<i64>,
    filter: &Filter,
) -> Result<ListData> {
    let scenes: Vec<SceneListing> = sqlx::query_as(LIST_SQL)
        .bind(production_id)
        .bind(only_user)
        .bind(filter.intimate)
        .bind(filter.cast)
        .bind(PAGE_SIZE)
        .bind(pager::offset(filter.page))
        .fetch_all(&state.pool)
        .await?;
    let cast: Vec<CastChoice> = if only_user.is_none() {
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
    Ok(ListData { scenes, cast })
}

/// The list as the filters ask, without consent status yet (see `ListPage::with_consent`).
pub async fn load(
    state: &AppState,
    ctx: Ctx,
    member: Member,
    query: ListQuery,
) -> Result<ListPage> {
    // Performers see only the scenes they are cast in.
    let only_user = member.is(Role::Performer).then_some(member.user.user_id);
    let filter = Filter::read(query);
    let production_id = member.production.production_id;
    // Kept by production revision (scenes, versions, cast and their links all move it), by
    // filters and page, and by viewer: a performer's list is theirs alone.
    let params = format!(
        "{}cast={:?}&intimate={}&page={}",
        only_user.map_or_else(|| "staff:".to_string(), |u| format!("performer {u}:")),
        filter.cast,
        filter.intimate,
        filter.page
    );
    let data: Arc<ListData> = state
        .pages
        .get_or_compute_with(
            production_id,
            "scene list",
            ctx.lang,
            &params,
            member.production.revision,
            0,
            || fetch(state, production_id, only_user, &filter),
        )
        .await?;
    let (scenes, cast) = (data.scenes.clone(), data.cast.clone());
    let total_scenes = scenes.first().map_or(0, |s| s.total_scenes);
    let total_eighths = scenes.first().map_or(0, |s| s.total_eighths);
    let total = Eighths::new(u32::try_from(total_eighths).unwrap_or(u32::MAX));
    let base = member.base();
    let Pager {
        first,
        last,
        previous,
        next,
    } = Pager::new(filter.page, scenes.len(), total_scenes, |page| {
        filter.link(&base, page)
    });
    let can_edit = member.can(Action::EditScenes);
    Ok(ListPage {
        ctx,
        member,
        scenes,
        total: total.to_string(),
        can_edit,
        filter,
        cast,
        total_scenes,
        first,
        last,
        previous,
        next,
        consent: HashMap::new(),
    })
}

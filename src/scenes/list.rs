//! The scene list: every scene in script order with its heading, pages, cast numbers and
//! revision colour, and the page total; a performer sees only the scenes they are cast in.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::access::Action;
use crate::error::Result;
use crate::productions::Member;
use crate::scenes::eighths::Eighths;
use crate::scenes::heading_text;
use crate::scenes::stored::{colour_label, pages};
use crate::vocab::Role;
use crate::web::{AppState, Ctx, render};

pub fn router() -> Router<AppState> {
    Router::new().route("/productions/{production_id}/scenes", get(list_page))
}

#[derive(sqlx::FromRow)]
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
struct ListPage {
    ctx: Ctx,
    member: Member,
    scenes: Vec<SceneListing>,
    total: String,
    can_edit: bool,
}

async fn list_page(State(state): State<AppState>, ctx: Ctx, member: Member) -> Result<Response> {
    // Performers see only the scenes they are cast in.
    let only_user = member.is(Role::Performer).then_some(member.user.user_id);
    let scenes: Vec<SceneListing> = sqlx::query_as(
        "select s.scene_id, s.number, s.int_ext, s.set_name, s.time_of_day, s.eighths,
                s.revision_colour, s.omitted, coalesce(v.flagged, false) as flagged,
                array(select c.cast_number from scene_cast sc join cast_member c using (cast_member_id)
                      where sc.scene_id = s.scene_id order by c.cast_number) as cast_numbers
         from scene s left join scene_version v on v.scene_version_id = s.current_version_id
         where s.production_id = $1
           and ($2::bigint is null
                or exists (select 1 from scene_cast sc join cast_member c using (cast_member_id)
                           where sc.scene_id = s.scene_id and c.user_id = $2))
         order by s.sort_key collate \"C\"",
    )
    .bind(member.production.production_id)
    .bind(only_user)
    .fetch_all(&state.pool)
    .await?;
    let total: Eighths = scenes
        .iter()
        .filter(|s| !s.omitted)
        .map(|s| Eighths::new(s.eighths.max(0) as u32))
        .sum();
    let can_edit = member.can(Action::EditScenes);
    render(&ListPage {
        ctx,
        member,
        scenes,
        total: total.to_string(),
        can_edit,
    })
}

//! Scenes in script order and their intimacy breakdowns: numbering, page eighths, headings,
//! the versioned breakdown with its content hash, and the minors rule (R5) on the breakdown path.

pub mod editor;
pub mod eighths;
mod form;
pub mod heading;
pub mod import;
pub mod list;
pub mod number;
mod omit;
pub mod reading;
pub mod saving;
pub mod stored;
mod version;

use axum::Router;

use crate::web::AppState;
use heading::{IntExt, TimeOfDay};
pub use saving::{SaveOutcome, save_breakdown};
/// The colour of a scene's current script revision is the column `scene.revision_colour`
/// (updated when a confirmed draft revises the scene); this gives its label ("Pink") for strips,
/// riders and certificates.
pub use stored::colour_label as revision_colour_label;

/// The scene pages of this area. The scene page itself, which also shows consent and what
/// happened on set, and the route of the breakdown editor, which warns of boundary conflicts,
/// are `crate::pages::scene`; so is the scene list's route, which adds consent status
/// (`crate::pages::scene_list`).
pub fn router() -> Router<AppState> {
    form::router()
        .merge(omit::router())
        .merge(version::router())
        .merge(import::router())
}

/// A heading as scripts print it: `INT. LAKE HOUSE BEDROOM – NIGHT` (the place with its full
/// stop, the set in capitals, an en dash before the time of day). Every page that prints a
/// heading goes through here, so one scene never shows in two spellings.
pub fn heading_text(int_ext: &str, set_name: &str, time_of_day: &str) -> String {
    let place = match int_ext.parse::<IntExt>() {
        Ok(IntExt::Int) => "INT.",
        Ok(IntExt::Ext) => "EXT.",
        Ok(IntExt::IntExt) => "INT./EXT.",
        Err(_) => "",
    };
    let time = time_of_day
        .parse::<TimeOfDay>()
        .map(|t| t.label())
        .unwrap_or("");
    format!("{place} {} – {time}", set_name.trim().to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::minors::is_restricted;
    use crate::vocab::breakdown::{empty_breakdown, read_breakdown};

    #[test]
    fn headings_read_like_scripts() {
        assert_eq!(
            heading_text("int", "Lake house", "night"),
            "INT. LAKE HOUSE – NIGHT"
        );
        assert_eq!(heading_text("int_ext", "Car", "day"), "INT./EXT. CAR – DAY");
    }

    #[test]
    fn unreadable_breakdowns_are_empty() {
        assert_eq!(read_breakdown("{}"), empty_breakdown());
        assert!(!is_restricted(&read_breakdown("not json")));
    }
}

//! The rider lifecycle in the database: draft, deliver, view, sign, supersede and revoke, each
//! inside the caller's transaction with its ledger event, so handlers and the demo share one path.

mod delivery;
mod drafting;
mod rider;
mod scenes;
mod signing;

pub use delivery::{deliver, mark_viewed, render_text};
pub use drafting::{draft, update_draft};
pub use rider::{Refused, RiderRow, Terms, load, no_word, open_body, rider_link, seal_body};
pub use scenes::{Candidate, Covered, candidates, covered, scenes_phrase};
pub use signing::{Asked, Signature, revoke, sign};

//! Every kind of notice, named once: the code that sends a notice and `mail::Category::of`,
//! which decides whether it may be switched off by e-mail, must spell it the same way.

/// A performer withdrew consent for a rider.
pub const CONSENT_REVOKED: &str = "consent_revoked";
/// A performer took back part of their consent on the shoot day.
pub const CONSENT_NARROWED: &str = "consent_narrowed";
/// Someone paused a scene on set.
pub const SCENE_PAUSED: &str = "scene_paused";
/// A pause was resolved and the scene may go on.
pub const PAUSE_RESOLVED: &str = "pause_resolved";
/// A rider was delivered to its performer to read.
pub const RIDER_DELIVERED: &str = "rider_delivered";
/// A performer signed a rider.
pub const RIDER_SIGNED: &str = "rider_signed";
/// A concern was sent to someone.
pub const CONCERN_RAISED: &str = "concern_raised";
/// A concern someone raised changed status.
pub const CONCERN_STATUS: &str = "concern_status";
/// A new breakdown version left a performer's part as it was: their rider still covers it.
pub const RIDER_CARRIED_FORWARD: &str = "rider_carried_forward";
/// A 1st AD published a call sheet: the notice carries the recipient's personal link.
pub const CALL_SHEET_PUBLISHED: &str = "call_sheet_published";
/// A producer or coordinator made a password reset link for someone's account.
pub const RESET_LINK_MADE: &str = "reset_link_made";

//! Consent: what performers agree to (scope), whether a scene is cleared to shoot (clearance)
//! and the tamper-evident ledger of every rider event.

pub mod clearance;
pub mod ledger;
pub mod rider_text;
pub mod scope;

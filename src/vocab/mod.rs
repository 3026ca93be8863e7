//! The typed vocabulary of consent, below everything that uses it: roles, bodies and kinds of
//! intimacy, a performer's boundary answers, the breakdown a scene version holds, and the scope
//! a rider agrees to. Plain data and its own invariants; nothing here reads the database or the
//! clock.

pub mod beat;
pub mod body;
pub mod boundary;
pub mod breakdown;
pub mod fixed_list;
pub mod ledger_event;
pub mod money;
pub mod rider;
pub mod role;
pub mod scope;

pub use ledger_event::LedgerEvent;
pub use rider::RiderStatus;
pub use role::Role;

//! The rules of DOMAIN §5, each a pure function over plain data: no database, and `now` or
//! `today` always an argument. Handlers gather the facts, ask a rule, and render its answer.
//!
//! | rule | what it decides | where |
//! |---|---|---|
//! | R1 cleared to shoot, with R4 (after revocation), R9 (stills), R11 (on the day) | is a scene cleared on a shoot day, and if not, who and what stops it | `cleared` |
//! | R5 minors | who is under 18 on a date; whether a breakdown closes a scene to minors | `minors` |
//! | R6 first meeting | which performers called to a flagged rehearsal still need a first one-to-one | `first_meeting` |
//! | R10 hold, R11 on the day | when a hold can be pressed, when reconfirmations and closures are logged | `on_set` |
//! | R12 budget follows the schedule | IC days needed from the schedule, and the budget's warnings | `budget_forecast` |
//!
//! Still outside this folder, to move next: R2 (`vocab::scope::Scope::beyond`), R8 (the
//! monitor list checked against the closed set in `vocab::breakdown`), R3 and R13 (decided in
//! their handlers).

pub mod budget_forecast;
pub mod cleared;
pub mod first_meeting;
pub mod minors;
pub mod on_set;

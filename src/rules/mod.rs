//! The rules of DOMAIN §5, each a pure function over plain data: no database, and `now` or
//! `today` always an argument. Handlers gather the facts, ask a rule, and render its answer.
//!
//! | rule | what it decides | where |
//! |---|---|---|
//! | R1 cleared to shoot, with R4 (after revocation), R9 (stills), R11 (on the day) | is a scene cleared on a shoot day, and if not, who and what stops it | `cleared` |
//! | R5 minors | who is under 18 on a date, and which attachments that refuses | `minors` |
//! | R12 budget follows the schedule | IC days needed from the schedule, and the budget's warnings | `budget_forecast` |

pub mod budget_forecast;
pub mod cleared;
pub mod minors;

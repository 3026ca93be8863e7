//! The rules of DOMAIN §5, each a pure function over plain data: no database, and `now` or
//! `today` always an argument. Handlers gather the facts, ask a rule, and render its answer.
//!
//! | rule | what it decides | where |
//! |---|---|---|
//! | R1 cleared to shoot | is a scene cleared on a shoot day, and if not, who and what stops it | `cleared` (over the facts of `facts`) |
//! | Stale (§3) | whether a performer's own part changed since the version their rider covers | `staleness` |
//! | Boundary conflicts (§2, §3) | where a performer's boundary profile says No or "ask me first" to what their part of a breakdown asks, before anyone signs | `boundaries` |
//! | R2 expanding needs a new rider | what an ask wants beyond what was signed | `expanding` |
//! | R3 revocation | whether consent can still be withdrawn (or a rider signed) | `revocation` |
//! | Shot (§3) | whether a scene may be marked shot now: its day, after call, cleared | `shot` |
//! | R4 after revocation | whether a double's signed rider may stand in for a performer who withdrew | `after_revocation` |
//! | R5 minors | who is under 18 on a date; whether a breakdown closes a scene to minors | `minors` |
//! | R6 first meeting | which performers called to a flagged rehearsal still need a first one-to-one | `first_meeting` |
//! | R8 closed set | which monitor-list names are not on the closed set | `closed_set` |
//! | R9 stills | whether stills are allowed: asked for, and allowed by every rider | `stills` |
//! | R10 hold, R11 on the day | when a hold can be pressed, when reconfirmations and closures are logged, what a reconfirmation and a narrowing ask | `on_set` |
//! | R12 budget follows the schedule | IC days needed from the schedule, and the budget's warnings | `budget_forecast` |
//! | Values in range (issue #18) | dates a production can have, dates of birth, rates and amounts, counts | `input_ranges` |
//! | Day Out of Days (§6) | each person's code (SW, W, WF, SWF, H, R, T, WD, PW…) on each day of the schedule, with the drop-and-pickup convention | `day_out_of_days` |
//! | Sun times (§6, call sheets) | sunrise and sunset at a place on a date (NOAA equations), or that the sun stays up or down | `sun` |
//! | R13 concerns | who a concern goes to: only recipients chosen from those offered | `concerns` |
//! | Retention (issue #14) | how long records are kept after wrap, and when they are due for erasure | `retention` |
//!
//! Who may do what at all (DOMAIN §4) is the access table, `crate::access`.

pub mod after_revocation;
pub mod beats;
pub mod boundaries;
pub mod budget_forecast;
pub mod cleared;
pub mod closed_set;
pub mod concerns;
pub mod day_out_of_days;
pub mod expanding;
pub mod facts;
pub mod first_meeting;
pub mod input_ranges;
pub mod minors;
pub mod on_set;
pub mod retention;
pub mod revocation;
pub mod shot;
pub mod staleness;
pub mod stills;
pub mod sun;

//! R1 Cleared to shoot: is a scene cleared on a shoot day, and if not, who and what stops it.
//! One pure function over the facts of `rules::facts`; it asks R4 (`after_revocation`), R5
//! (`minors`), R9 (`stills`) and R11 (`on_set`) along the way. Handlers gather the facts; this
//! decides. Readable by a coordinator.

use super::after_revocation::stand_in;
use super::facts::{Call, Clearance, Double, Performer, Problem, Reason, Rider, Scene};
use super::minors::is_minor_on;
use super::on_set::on_the_day;
use super::stills;

/// What one valid rider needs: signed, not revoked, not superseded, for the current version,
/// agreeing to being in the picture, delivered at least the notice period before call.
fn problem_with(rider: &Rider, scene: &Scene, call: &Call) -> Option<Problem> {
    if rider.revoked_at.is_some() {
        return Some(Problem::Revoked);
    }
    let Some(delivered_at) = rider.delivered_at else {
        return Some(Problem::NotDelivered);
    };
    if rider.signed_at.is_none() {
        return Some(Problem::NotSigned);
    }
    if rider.superseded
        || (rider.covers_version_id != scene.current_version_id && rider.part_changed)
    {
        return Some(Problem::Stale);
    }
    // A rider that does not agree to being filmed cannot clear a shoot, whatever else it says.
    if !rider.scope.uses.in_picture {
        return Some(Problem::NotInPicture);
    }
    let deadline = call.call_at - call.notice;
    if delivered_at > deadline {
        return Some(Problem::LateDelivery {
            delivered_at,
            deadline,
        });
    }
    None
}

/// The performer's own answer: a valid rider, or the problem with their newest one.
fn performer_status<'r>(
    performer: &Performer,
    riders: &'r [Rider],
    scene: &Scene,
    call: &Call,
) -> Result<&'r Rider, Problem> {
    if is_minor_on(performer.date_of_birth, call.date) {
        return Err(Problem::UnderAge);
    }
    let mut theirs: Vec<&Rider> = riders
        .iter()
        .filter(|r| r.cast_member_id == performer.cast_member_id)
        .collect();
    // R3: a withdrawal from any rider for this scene stands for the performer, whatever older
    // riders say; only a rider delivered after it, and signed, counts again.
    let withdrawn_at = theirs.iter().filter_map(|r| r.revoked_at).max();
    let after_withdrawal =
        |r: &Rider| withdrawn_at.is_none_or(|w| r.delivered_at.is_some_and(|d| d > w));
    if let Some(valid) = theirs
        .iter()
        .find(|r| after_withdrawal(r) && problem_with(r, scene, call).is_none())
    {
        return Ok(valid);
    }
    if withdrawn_at.is_some() && !theirs.iter().any(|r| after_withdrawal(r)) {
        return Err(Problem::Revoked);
    }
    // Newest first: its problem is the one to fix.
    theirs.sort_by_key(|r| std::cmp::Reverse(r.rider_id));
    match theirs.first() {
        None => Err(Problem::NoRider),
        Some(newest) => Err(problem_with(newest, scene, call).unwrap_or(Problem::NoRider)),
    }
}

/// Decides whether `scene` is cleared to shoot at `call`.
pub fn clearance(scene: &Scene, riders: &[Rider], doubles: &[Double], call: &Call) -> Clearance {
    if scene.shot {
        return Clearance::Shot;
    }
    if !scene.flagged {
        return Clearance::NotFlagged;
    }
    let mut reasons = Vec::new();
    let mut stills_allowed = scene.stills_requested;
    for performer in &scene.performers {
        let own = performer_status(performer, riders, scene, call);
        let outcome = match own {
            Ok(rider) => Ok(rider),
            Err(problem) => {
                // R4: after a revocation a double may clear the scene, with a signed rider no
                // wider than what the original performer had agreed.
                let double = doubles
                    .iter()
                    .find(|d| d.original_cast_member_id == performer.cast_member_id);
                match (problem, double) {
                    (Problem::Revoked, Some(double)) => stand_in(performer, double, riders, |p| {
                        performer_status(p, riders, scene, call)
                    }),
                    (problem, _) => Err(Reason {
                        cast_member_id: performer.cast_member_id,
                        who: performer.label.clone(),
                        problem,
                    }),
                }
            }
        };
        match outcome.and_then(|rider| on_the_day(scene, performer, rider, doubles)) {
            Ok(rider_allows_stills) => {
                stills_allowed = stills::allowed(stills_allowed, rider_allows_stills)
            }
            Err(reason) => reasons.push(reason),
        }
    }
    if reasons.is_empty() {
        Clearance::Cleared { stills_allowed }
    } else {
        Clearance::Blocked(reasons)
    }
}

/// R1's answer for one scene on one day in words, as a "consent and clearance" panel shows it:
/// every screen that shows the scene says why. Shaped for each viewer by `consent::status`.
#[derive(Clone, Debug)]
pub struct StatusLine {
    pub scene_id: i64,
    pub number: String,
    pub shoot_day_id: Option<i64>,
    /// "Tue 24 Nov 2026" or "Not scheduled".
    pub when: String,
    pub word: String,
    pub css: &'static str,
    pub reasons: Vec<String>,
    /// Stills allowed, when the scene is cleared.
    pub stills: Option<bool>,
}

impl StatusLine {
    /// The line's id in a page's `data-status`, which the live script asks
    /// `/productions/{id}/status` about: `scene-12-day-4`, or `scene-12` unscheduled.
    pub fn status_key(&self) -> String {
        scene_status_key(self.scene_id, self.shoot_day_id)
    }
}

/// See `StatusLine::status_key`.
pub fn scene_status_key(scene_id: i64, shoot_day_id: Option<i64>) -> String {
    match shoot_day_id {
        Some(day) => format!("scene-{scene_id}-day-{day}"),
        None => format!("scene-{scene_id}"),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;
    use time::{Duration, OffsetDateTime};

    use crate::rules::facts::Narrowed;
    use crate::vocab::body::{BodyArea, NudityLevel};
    use crate::vocab::breakdown::PerformerPart;
    use crate::vocab::scope::Uses;
    use crate::vocab::scope::{Narrowing, Scope};

    fn scope(shown: &[BodyArea], stills: bool) -> Scope {
        Scope::from_part(
            &PerformerPart {
                cast_member_id: 0,
                nudity: NudityLevel::PartialUpper,
                shown: shown.to_vec(),
                touched: vec![],
                touching: vec![],
                acts: vec!["embrace".into()],
                garments: String::new(),
            },
            Uses {
                in_picture: true,
                trailers: false,
                stills,
            },
            true,
        )
    }

    fn performer(id: i64, name: &str) -> Performer {
        Performer {
            cast_member_id: id,
            label: format!("#{id} {name}"),
            date_of_birth: Some(date!(1990 - 01 - 01)),
        }
    }

    fn scene() -> Scene {
        Scene {
            flagged: true,
            current_version_id: 20,
            shot: false,
            stills_requested: true,
            performers: vec![performer(1, "Alex"), performer(2, "Sam")],
            reconfirmed: None,
            narrowed: vec![],
        }
    }

    const CALL: Call = Call {
        date: date!(2027 - 05 - 04),
        call_at: datetime!(2027-05-04 06:00 UTC),
        notice: Duration::hours(48),
    };

    fn signed(id: i64, cast: i64, delivered: OffsetDateTime) -> Rider {
        Rider {
            rider_id: id,
            cast_member_id: cast,
            covers_version_id: 20,
            part_changed: false,
            delivered_at: Some(delivered),
            signed_at: Some(delivered + Duration::hours(1)),
            revoked_at: None,
            superseded: false,
            scope: scope(&[BodyArea::Breasts], true),
        }
    }

    fn on_time() -> OffsetDateTime {
        datetime!(2027-04-30 09:00 UTC)
    }

    fn problems(c: &Clearance) -> Vec<(i64, String)> {
        match c {
            Clearance::Blocked(r) => r
                .iter()
                .map(|r| (r.cast_member_id, r.problem.code().to_string()))
                .collect(),
            _ => vec![],
        }
    }

    #[test]
    fn every_performer_signed_in_time_clears_the_scene() {
        let riders = [signed(1, 1, on_time()), signed(2, 2, on_time())];
        assert_eq!(
            clearance(&scene(), &riders, &[], &CALL),
            Clearance::Cleared {
                stills_allowed: true
            }
        );
    }

    #[test]
    fn a_scene_without_nudity_or_simulated_sex_needs_no_rider() {
        let mut s = scene();
        s.flagged = false;
        assert_eq!(clearance(&s, &[], &[], &CALL), Clearance::NotFlagged);
    }

    #[test]
    fn the_notice_boundary_is_exact() {
        // Delivered exactly 48:00 before call: in time.
        let exactly = CALL.call_at - Duration::hours(48);
        let riders = [signed(1, 1, exactly), signed(2, 2, on_time())];
        assert!(!clearance(&scene(), &riders, &[], &CALL).is_blocked());
        // 47:59 before call: late.
        let late = CALL.call_at - Duration::hours(47) - Duration::minutes(59);
        let riders = [signed(1, 1, late), signed(2, 2, on_time())];
        let c = clearance(&scene(), &riders, &[], &CALL);
        assert_eq!(problems(&c), vec![(1, "late delivery".into())]);
    }

    #[test]
    fn each_missing_condition_names_the_performer_and_the_condition() {
        let mut unsigned = signed(2, 2, on_time());
        unsigned.signed_at = None;
        let c = clearance(&scene(), &[unsigned], &[], &CALL);
        assert_eq!(
            problems(&c),
            vec![(1, "missing".into()), (2, "unsigned".into())]
        );
        let text = match &c {
            Clearance::Blocked(r) => r[1].to_string(),
            _ => unreachable!(),
        };
        assert_eq!(text, "#2 Sam: rider delivered but not signed");

        let mut drafted = signed(2, 2, on_time());
        drafted.delivered_at = None;
        drafted.signed_at = None;
        let c = clearance(&scene(), &[signed(1, 1, on_time()), drafted], &[], &CALL);
        assert_eq!(problems(&c), vec![(2, "not delivered".into())]);
    }

    #[test]
    fn a_change_to_what_is_asked_of_a_performer_after_signing_makes_their_rider_stale() {
        let mut old = signed(2, 2, on_time());
        old.covers_version_id = 19;
        old.part_changed = true;
        let c = clearance(&scene(), &[signed(1, 1, on_time()), old], &[], &CALL);
        assert_eq!(problems(&c), vec![(2, "stale".into())]);
    }

    #[test]
    fn a_change_around_a_performer_carries_their_rider_forward() {
        let mut old = signed(2, 2, on_time());
        old.covers_version_id = 19;
        old.part_changed = false;
        let c = clearance(&scene(), &[signed(1, 1, on_time()), old], &[], &CALL);
        assert!(!c.is_blocked(), "{c:?}");
    }

    #[test]
    fn revocation_blocks_at_once_and_only_a_new_signed_rider_clears_again() {
        let mut revoked = signed(2, 2, on_time());
        revoked.revoked_at = Some(datetime!(2027-05-01 10:00 UTC));
        let riders = vec![signed(1, 1, on_time()), revoked.clone()];
        assert_eq!(
            problems(&clearance(&scene(), &riders, &[], &CALL)),
            vec![(2, "revoked".into())]
        );

        // A new rider delivered (after the withdrawal, in time) but unsigned still blocks.
        let mut new = signed(3, 2, datetime!(2027-05-01 12:00 UTC));
        new.signed_at = None;
        let riders = vec![signed(1, 1, on_time()), revoked.clone(), new.clone()];
        assert_eq!(
            problems(&clearance(&scene(), &riders, &[], &CALL)),
            vec![(2, "unsigned".into())]
        );

        new.signed_at = Some(datetime!(2027-05-01 13:00 UTC));
        let riders = vec![signed(1, 1, on_time()), revoked, new];
        assert!(!clearance(&scene(), &riders, &[], &CALL).is_blocked());
    }

    #[test]
    fn a_withdrawal_stands_whatever_an_older_signed_rider_says() {
        // Sam signed rider 2, then withdrew from a newer rider 3 before signing it.
        let older = signed(2, 2, on_time());
        let mut newer = signed(3, 2, on_time() + Duration::hours(2));
        newer.signed_at = None;
        newer.revoked_at = Some(on_time() + Duration::hours(3));
        let riders = [signed(1, 1, on_time()), older.clone(), newer];
        let c = clearance(&scene(), &riders, &[], &CALL);
        assert_eq!(problems(&c), vec![(2, "revoked".into())]);
    }

    #[test]
    fn after_a_withdrawal_only_a_rider_delivered_later_and_signed_clears() {
        let mut withdrawn = signed(2, 2, on_time());
        withdrawn.revoked_at = Some(on_time() + Duration::hours(2));
        // Delivered after the withdrawal but not signed: sign it, the problem says.
        let mut later = signed(3, 2, on_time() + Duration::hours(3));
        later.signed_at = None;
        let riders = [signed(1, 1, on_time()), withdrawn.clone(), later.clone()];
        let c = clearance(&scene(), &riders, &[], &CALL);
        assert_eq!(problems(&c), vec![(2, "unsigned".into())]);
        later.signed_at = Some(on_time() + Duration::hours(4));
        let riders = [signed(1, 1, on_time()), withdrawn, later];
        assert!(!clearance(&scene(), &riders, &[], &CALL).is_blocked());
    }

    #[test]
    fn a_rider_that_does_not_agree_to_being_filmed_blocks_the_shoot() {
        let mut no_picture = signed(2, 2, on_time());
        no_picture.scope.uses.in_picture = false;
        let riders = [signed(1, 1, on_time()), no_picture];
        let c = clearance(&scene(), &riders, &[], &CALL);
        assert_eq!(problems(&c), vec![(2, "not in picture".into())]);
        let text = match &c {
            Clearance::Blocked(r) => r[0].to_string(),
            _ => unreachable!(),
        };
        assert_eq!(
            text,
            "#2 Sam: the signed rider does not agree to being in the picture"
        );
    }

    #[test]
    fn takes_already_shot_stay_shot() {
        let mut revoked = signed(2, 2, on_time());
        revoked.revoked_at = Some(datetime!(2027-05-04 12:00 UTC));
        let mut s = scene();
        s.shot = true;
        assert_eq!(
            clearance(&s, &[signed(1, 1, on_time()), revoked], &[], &CALL),
            Clearance::Shot
        );
    }

    #[test]
    fn a_double_no_wider_than_the_original_clears_after_revocation() {
        let mut revoked = signed(2, 2, on_time());
        revoked.revoked_at = Some(datetime!(2027-05-01 10:00 UTC));
        let double = Double {
            original_cast_member_id: 2,
            double: performer(7, "Kim (double)"),
        };
        let mut double_rider = signed(9, 7, on_time());
        double_rider.scope = scope(&[BodyArea::Breasts], false);
        let riders = vec![signed(1, 1, on_time()), revoked.clone(), double_rider];
        assert_eq!(
            clearance(&scene(), &riders, std::slice::from_ref(&double), &CALL),
            Clearance::Cleared {
                stills_allowed: false
            }
        );

        // Wider than the original: still blocked, and says why.
        let mut wider = signed(9, 7, on_time());
        wider.scope = scope(&[BodyArea::Breasts, BodyArea::Buttocks], true);
        let riders = vec![signed(1, 1, on_time()), revoked, wider];
        let c = clearance(&scene(), &riders, &[double], &CALL);
        assert_eq!(problems(&c), vec![(2, "double wider".into())]);
    }

    #[test]
    fn stills_need_every_performer_to_allow_them() {
        let mut no_stills = signed(2, 2, on_time());
        no_stills.scope.uses.stills = false;
        assert_eq!(
            clearance(&scene(), &[signed(1, 1, on_time()), no_stills], &[], &CALL),
            Clearance::Cleared {
                stills_allowed: false
            }
        );
        let mut s = scene();
        s.stills_requested = false;
        assert_eq!(
            clearance(
                &s,
                &[signed(1, 1, on_time()), signed(2, 2, on_time())],
                &[],
                &CALL
            ),
            Clearance::Cleared {
                stills_allowed: false
            }
        );
    }

    #[test]
    fn a_minor_on_the_shoot_date_blocks_whatever_was_signed() {
        let mut s = scene();
        s.performers[1].date_of_birth = Some(date!(2009 - 09 - 14));
        let c = clearance(
            &s,
            &[signed(1, 1, on_time()), signed(2, 2, on_time())],
            &[],
            &CALL,
        );
        assert_eq!(problems(&c), vec![(2, "under 18".into())]);
    }

    fn narrowing_of_act(act: &str) -> Narrowing {
        Narrowing {
            acts: [act.to_string()].into(),
            ..Narrowing::default()
        }
    }

    #[test]
    fn on_the_day_each_performer_must_be_reconfirmed() {
        let riders = [signed(1, 1, on_time()), signed(2, 2, on_time())];
        let mut s = scene();
        s.reconfirmed = Some(vec![]);
        let c = clearance(&s, &riders, &[], &CALL);
        assert_eq!(
            problems(&c),
            vec![(1, "not reconfirmed".into()), (2, "not reconfirmed".into())]
        );
        let text = match &c {
            Clearance::Blocked(r) => r[0].to_string(),
            _ => unreachable!(),
        };
        assert!(
            text.starts_with("#1 Alex: not reconfirmed on the day"),
            "{text}"
        );
        s.reconfirmed = Some(vec![2]);
        assert_eq!(
            problems(&clearance(&s, &riders, &[], &CALL)),
            vec![(1, "not reconfirmed".into())]
        );
        s.reconfirmed = Some(vec![1, 2]);
        assert!(!clearance(&s, &riders, &[], &CALL).is_blocked());
        // Before the day the check does not apply.
        s.reconfirmed = None;
        assert!(!clearance(&s, &riders, &[], &CALL).is_blocked());
    }

    #[test]
    fn reconfirmation_never_outweighs_a_rider_problem() {
        let mut revoked = signed(2, 2, on_time());
        revoked.revoked_at = Some(datetime!(2027-05-04 05:00 UTC));
        let mut s = scene();
        s.reconfirmed = Some(vec![1, 2]);
        assert_eq!(
            problems(&clearance(
                &s,
                &[signed(1, 1, on_time()), revoked],
                &[],
                &CALL
            )),
            vec![(2, "revoked".into())]
        );
    }

    #[test]
    fn a_narrowing_blocks_what_it_takes_back_and_names_it() {
        let riders = [signed(1, 1, on_time()), signed(2, 2, on_time())];
        let mut s = scene();
        s.reconfirmed = Some(vec![1, 2]);
        s.narrowed = vec![Narrowed {
            rider_id: 2,
            narrowing: narrowing_of_act("embrace"),
        }];
        let c = clearance(&s, &riders, &[], &CALL);
        assert_eq!(problems(&c), vec![(2, "narrowed".into())]);
        let text = match &c {
            Clearance::Blocked(r) => r[0].to_string(),
            _ => unreachable!(),
        };
        assert_eq!(
            text,
            "#2 Sam: consent narrowed on the day, no longer agreed: act: embrace"
        );
        // It holds on later days too, before any reconfirmation applies.
        s.reconfirmed = None;
        assert!(clearance(&s, &riders, &[], &CALL).is_blocked());
        // A narrowing of an older rider, or of something never agreed, takes nothing away.
        s.narrowed = vec![
            Narrowed {
                rider_id: 99,
                narrowing: narrowing_of_act("embrace"),
            },
            Narrowed {
                rider_id: 2,
                narrowing: narrowing_of_act("something else"),
            },
        ];
        assert!(!clearance(&s, &riders, &[], &CALL).is_blocked());
    }

    #[test]
    fn narrowing_footage_uses_limits_stills_without_blocking() {
        let riders = [signed(1, 1, on_time()), signed(2, 2, on_time())];
        let mut s = scene();
        s.narrowed = vec![Narrowed {
            rider_id: 1,
            narrowing: Narrowing {
                stills: true,
                trailers: true,
                ..Narrowing::default()
            },
        }];
        assert_eq!(
            clearance(&s, &riders, &[], &CALL),
            Clearance::Cleared {
                stills_allowed: false
            }
        );
        // Taking back use in the picture, or a body area, blocks.
        s.narrowed[0].narrowing = Narrowing {
            in_picture: true,
            ..Narrowing::default()
        };
        assert_eq!(
            problems(&clearance(&s, &riders, &[], &CALL)),
            vec![(1, "narrowed".into())]
        );
        s.narrowed[0].narrowing = Narrowing {
            shown: [BodyArea::Breasts].into(),
            ..Narrowing::default()
        };
        assert_eq!(
            problems(&clearance(&s, &riders, &[], &CALL)),
            vec![(1, "narrowed".into())]
        );
    }

    #[test]
    fn narrowings_add_up_and_count_items() {
        let mut n = narrowing_of_act("embrace");
        n.add(&Narrowing {
            shown: [BodyArea::Breasts].into(),
            stills: true,
            ..Narrowing::default()
        });
        n.add(&narrowing_of_act("embrace"));
        assert_eq!(n.count(), 3);
        let scope = scope(&[BodyArea::Breasts], false);
        // Stills were never agreed here: only what the rider held counts.
        assert_eq!(n.within(&scope).count(), 2);
        assert!(Narrowing::default().is_empty());
    }

    #[test]
    fn a_double_standing_in_is_the_one_reconfirmed() {
        let mut revoked = signed(2, 2, on_time());
        revoked.revoked_at = Some(datetime!(2027-05-01 10:00 UTC));
        let double = Double {
            original_cast_member_id: 2,
            double: performer(7, "Kim (double)"),
        };
        let mut double_rider = signed(9, 7, on_time());
        double_rider.scope = scope(&[BodyArea::Breasts], false);
        let riders = vec![signed(1, 1, on_time()), revoked, double_rider];
        let mut s = scene();
        s.reconfirmed = Some(vec![1, 2]);
        let c = clearance(&s, &riders, std::slice::from_ref(&double), &CALL);
        assert_eq!(problems(&c), vec![(2, "not reconfirmed".into())]);
        match &c {
            Clearance::Blocked(r) => assert!(r[0].who.contains("Kim (double) (double for #2 Sam)")),
            _ => unreachable!(),
        }
        s.reconfirmed = Some(vec![1, 7]);
        assert!(!clearance(&s, &riders, &[double], &CALL).is_blocked());
    }
}

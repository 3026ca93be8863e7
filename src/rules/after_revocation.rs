//! R4 After revocation: a scene a performer withdrew from clears again with a double whose own
//! signed rider is no wider than what the original performer had agreed (or with a new signed
//! rider, or a breakdown that no longer asks it, which R1 itself sees).

use super::facts::{Double, Performer, Problem, Reason, Rider};

/// The double's answer for a performer who withdrew: their valid rider if it is no wider than
/// the original's last signed one, else why not. `status` is R1's own answer for a performer.
pub(super) fn stand_in<'r>(
    performer: &Performer,
    double: &Double,
    riders: &'r [Rider],
    status: impl Fn(&Performer) -> Result<&'r Rider, Problem>,
) -> Result<&'r Rider, Reason> {
    let original = riders
        .iter()
        .filter(|r| {
            r.cast_member_id == performer.cast_member_id
                && r.revoked_at.is_some()
                && r.signed_at.is_some()
        })
        .max_by_key(|r| r.rider_id);
    match status(&double.double) {
        Ok(rider) => match original {
            Some(original) if rider.scope.within(&original.scope) => Ok(rider),
            Some(original) => Err(Reason {
                cast_member_id: performer.cast_member_id,
                who: format!("{} (double for {})", double.double.label, performer.label),
                problem: Problem::DoubleWider(rider.scope.beyond(&original.scope)),
            }),
            None => Err(Reason {
                cast_member_id: performer.cast_member_id,
                who: performer.label.clone(),
                problem: Problem::Revoked,
            }),
        },
        Err(problem) => Err(Reason {
            cast_member_id: double.double.cast_member_id,
            who: format!("{} (double for {})", double.double.label, performer.label),
            problem,
        }),
    }
}

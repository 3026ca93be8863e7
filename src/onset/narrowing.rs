//! What a reconfirmation on the day may take back (R11): each item of a signed scope as a
//! checkbox, and the narrowing the unticked boxes make.

use crate::vocab::scope::Narrowing;
use crate::vocab::scope::Scope;

/// One item of a signed scope, as a checkbox: `act:Kisses on the mouth`, `shown:breasts`.
pub(super) struct Item {
    pub value: String,
    pub label: String,
}

/// Every item of `scope` a narrowing can take back, less those already taken back.
pub(super) fn items(scope: &Scope, already: &Narrowing) -> Vec<Item> {
    let mut out = Vec::new();
    for act in scope.acts.difference(&already.acts) {
        out.push(Item {
            value: format!("act:{act}"),
            label: format!("Act: {act}"),
        });
    }
    for (key, word, areas, taken) in [
        ("shown", "Shown", &scope.shown, &already.shown),
        ("touched", "Touched", &scope.touched, &already.touched),
        (
            "touching",
            "Touching with",
            &scope.touching,
            &already.touching,
        ),
    ] {
        for area in areas.difference(taken) {
            out.push(Item {
                value: format!("{key}:{}", area.as_str()),
                label: format!("{word}: {}", area.label()),
            });
        }
    }
    for (key, label, agreed, taken) in [
        (
            "in_picture",
            "Use in the picture",
            scope.uses.in_picture,
            already.in_picture,
        ),
        (
            "trailers",
            "Use in trailers and marketing",
            scope.uses.trailers,
            already.trailers,
        ),
        ("stills", "Use in stills", scope.uses.stills, already.stills),
    ] {
        if agreed && !taken {
            out.push(Item {
                value: format!("use:{key}"),
                label: label.to_string(),
            });
        }
    }
    out
}

/// What the unticked boxes take back: every offered item not kept.
pub(super) fn taken_back(offered: &[Item], kept: &[String]) -> Narrowing {
    let mut n = Narrowing::default();
    for item in offered.iter().filter(|i| !kept.contains(&i.value)) {
        let Some((kind, what)) = item.value.split_once(':') else {
            continue;
        };
        match kind {
            "act" => {
                n.acts.insert(what.to_string());
            }
            "use" => match what {
                "in_picture" => n.in_picture = true,
                "trailers" => n.trailers = true,
                _ => n.stills = true,
            },
            _ => {
                if let Ok(area) = what.parse() {
                    match kind {
                        "shown" => n.shown.insert(area),
                        "touched" => n.touched.insert(area),
                        _ => n.touching.insert(area),
                    };
                }
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::body::{BodyArea, NudityLevel};
    use crate::vocab::breakdown::PerformerPart;
    use crate::vocab::scope::Uses;

    #[test]
    fn unticked_items_are_taken_back_and_nothing_else() {
        let scope = Scope::from_part(
            &PerformerPart {
                cast_member_id: 1,
                nudity: NudityLevel::PartialUpper,
                shown: vec![BodyArea::Breasts, BodyArea::UpperBack],
                touched: vec![BodyArea::Neck],
                touching: vec![],
                acts: vec!["Kiss".into(), "Embrace".into()],
                garments: String::new(),
            },
            Uses {
                in_picture: true,
                trailers: true,
                stills: false,
            },
            false,
        );
        let offered = items(&scope, &Narrowing::default());
        assert_eq!(offered.len(), 7);
        let all: Vec<String> = offered.iter().map(|i| i.value.clone()).collect();
        assert!(taken_back(&offered, &all).is_empty());
        let kept: Vec<String> = all
            .iter()
            .filter(|v| *v != "act:Kiss" && *v != "shown:breasts" && *v != "use:trailers")
            .cloned()
            .collect();
        let n = taken_back(&offered, &kept);
        assert_eq!(n.count(), 3);
        assert!(n.acts.contains("Kiss") && n.shown.contains(&BodyArea::Breasts) && n.trailers);
        // Already taken back: not offered again.
        assert_eq!(items(&scope, &n).len(), 4);
    }
}

//! A new draft compared scene by scene with what is stored, matched on scene number: which
//! scenes are new, changed, newly omitted or unchanged, each changed line marked with an
//! asterisk as revised pages mark it, and which flagged scenes need their breakdown reviewed.

use super::ScriptScene;

/// What a stored scene looks like to the comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    pub number: String,
    /// As `crate::scenes::heading_text` prints it, so spelling alone is never a change.
    pub heading: String,
    pub omitted: bool,
    pub flagged: bool,
    /// The text stored from the last imported draft; `None` for a scene typed in by hand.
    pub body: Option<Vec<String>>,
}

/// A scene of the new draft, with its number and heading already in canonical form.
#[derive(Clone, Debug)]
pub struct Drafted<'a> {
    pub number: String,
    pub heading: String,
    pub scene: &'a ScriptScene,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Not stored yet.
    New,
    /// Its heading or text differs from the stored one.
    Changed,
    /// OMITTED in this draft, not before.
    Omitted,
    /// The same as stored.
    Unchanged,
}

/// How one line reads in the comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mark {
    Same,
    /// New or rewritten in this draft: printed with an asterisk.
    Changed,
    /// In the last draft, gone from this one.
    Cut,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub mark: Mark,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SceneChange {
    pub number: String,
    pub kind: Kind,
    /// What differs, in words: "heading", "text", "omitted".
    pub what: Vec<&'static str>,
    /// The new draft's lines with changes marked (only for changed scenes with stored text).
    pub lines: Vec<Line>,
    /// A flagged scene whose script changed: the coordinator reviews its breakdown.
    pub review: bool,
    /// The heading before, when it changed.
    pub heading_before: Option<String>,
}

/// The whole comparison, in the draft's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    pub scenes: Vec<SceneChange>,
    /// Stored scenes this draft does not mention: left as they are.
    pub missing: Vec<String>,
}

/// Past this many line pairs a scene is marked changed whole rather than line by line.
const MAX_PAIRS: usize = 250_000;

pub fn compare(known: &[Known], draft: &[Drafted]) -> Comparison {
    let mut scenes = Vec::with_capacity(draft.len());
    for d in draft {
        let Some(k) = known.iter().find(|k| k.number == d.number) else {
            scenes.push(SceneChange {
                number: d.number.clone(),
                kind: Kind::New,
                what: Vec::new(),
                lines: Vec::new(),
                review: false,
                heading_before: None,
            });
            continue;
        };
        let mut what = Vec::new();
        if d.scene.omitted && !k.omitted {
            what.push("omitted");
        }
        if !d.scene.omitted && k.omitted {
            what.push("back in the script");
        }
        let heading_changed = !d.scene.omitted && !k.omitted && k.heading != d.heading;
        if heading_changed {
            what.push("heading");
        }
        let mut lines = Vec::new();
        if let Some(before) = &k.body
            && !d.scene.omitted
            && *before != d.scene.body
        {
            what.push("text");
            lines = marked(before, &d.scene.body);
        }
        let kind = if what.contains(&"omitted") {
            Kind::Omitted
        } else if what.is_empty() {
            Kind::Unchanged
        } else {
            Kind::Changed
        };
        scenes.push(SceneChange {
            number: d.number.clone(),
            kind,
            review: k.flagged && kind != Kind::Unchanged,
            what,
            lines,
            heading_before: heading_changed.then(|| k.heading.clone()),
        });
    }
    let missing = known
        .iter()
        .filter(|k| !draft.iter().any(|d| d.number == k.number))
        .map(|k| k.number.clone())
        .collect();
    Comparison { scenes, missing }
}

/// The new lines with what changed marked, and cut lines shown where they were.
pub fn marked(before: &[String], after: &[String]) -> Vec<Line> {
    if before.len().saturating_mul(after.len()) > MAX_PAIRS {
        return after
            .iter()
            .map(|text| Line {
                text: text.clone(),
                mark: Mark::Changed,
            })
            .collect();
    }
    // Longest common subsequence, table from the end.
    let (n, m) = (before.len(), after.len());
    let mut table = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if before[i] == after[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(m);
    while i < n || j < m {
        if i < n && j < m && before[i] == after[j] {
            out.push(Line {
                text: after[j].clone(),
                mark: Mark::Same,
            });
            i += 1;
            j += 1;
        } else if j < m && (i == n || table[i][j + 1] >= table[i + 1][j]) {
            out.push(Line {
                text: after[j].clone(),
                mark: Mark::Changed,
            });
            j += 1;
        } else {
            out.push(Line {
                text: before[i].clone(),
                mark: Mark::Cut,
            });
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[&str]) -> Vec<String> {
        text.iter().map(|s| s.to_string()).collect()
    }

    fn known(number: &str, flagged: bool, body: &[&str]) -> Known {
        Known {
            number: number.into(),
            heading: "INT. ROOM – DAY".into(),
            omitted: false,
            flagged,
            body: Some(lines(body)),
        }
    }

    #[test]
    fn only_the_changed_flagged_scene_asks_for_review() {
        let stored = [
            known("1", true, &["A", "B"]),
            known("2", true, &["C"]),
            known("3", false, &["D"]),
        ];
        let s1 = ScriptScene {
            body: lines(&["A", "B2"]),
            ..ScriptScene::default()
        };
        let s2 = ScriptScene {
            body: lines(&["C"]),
            ..ScriptScene::default()
        };
        let s4 = ScriptScene::default();
        let draft = [
            Drafted {
                number: "1".into(),
                heading: "INT. ROOM – DAY".into(),
                scene: &s1,
            },
            Drafted {
                number: "2".into(),
                heading: "INT. ROOM – DAY".into(),
                scene: &s2,
            },
            Drafted {
                number: "4".into(),
                heading: "INT. ROOM – DAY".into(),
                scene: &s4,
            },
        ];
        let result = compare(&stored, &draft);
        let kinds: Vec<_> = result.scenes.iter().map(|s| (s.kind, s.review)).collect();
        assert_eq!(
            kinds,
            [
                (Kind::Changed, true),
                (Kind::Unchanged, false),
                (Kind::New, false)
            ]
        );
        assert_eq!(result.missing, ["3"]);
        assert_eq!(
            result.scenes[0].lines,
            [
                Line {
                    text: "A".into(),
                    mark: Mark::Same
                },
                Line {
                    text: "B2".into(),
                    mark: Mark::Changed
                },
                Line {
                    text: "B".into(),
                    mark: Mark::Cut
                },
            ]
        );
    }

    #[test]
    fn a_new_heading_and_an_omission_are_changes() {
        let stored = [known("5", false, &["X"])];
        let moved = ScriptScene {
            body: lines(&["X"]),
            ..ScriptScene::default()
        };
        let draft = [Drafted {
            number: "5".into(),
            heading: "EXT. ROOF – NIGHT".into(),
            scene: &moved,
        }];
        let result = compare(&stored, &draft);
        assert_eq!(result.scenes[0].what, ["heading"]);
        assert_eq!(
            result.scenes[0].heading_before.as_deref(),
            Some("INT. ROOM – DAY")
        );
        let omitted = ScriptScene {
            omitted: true,
            ..ScriptScene::default()
        };
        let draft = [Drafted {
            number: "5".into(),
            heading: String::new(),
            scene: &omitted,
        }];
        assert_eq!(compare(&stored, &draft).scenes[0].kind, Kind::Omitted);
    }
}

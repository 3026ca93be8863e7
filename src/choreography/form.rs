//! The beat form: what was typed, kept as typed for a form sent back with messages, and its
//! parsing into a `Beat`. Contact is three rows of (who, with what, whom, where); exposure is
//! one nudity level and a set of body areas shown per performer of the scene.

use crate::vocab::beat::{Beat, Contact, Exposure};
use crate::vocab::body::{BodyArea, NudityLevel};
use crate::web::{FieldErrors, FormBody, Len};

pub const CONTACT_ROWS: usize = 3;

#[derive(Clone, Debug, Default)]
pub struct ContactRow {
    pub by: String,
    pub with: String,
    pub to: String,
    pub area: String,
}

impl ContactRow {
    fn is_blank(&self) -> bool {
        [&self.by, &self.with, &self.to, &self.area]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

#[derive(Clone, Debug, Default)]
pub struct ExposureRow {
    pub cast_member_id: i64,
    pub nudity: String,
    pub shown: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct BeatForm {
    pub action: String,
    pub performers: Vec<String>,
    pub contacts: Vec<ContactRow>,
    pub exposures: Vec<ExposureRow>,
    pub positions: String,
    pub garments: String,
    pub camera: String,
    pub hold_point: bool,
    /// The beat's place in the order, from 1; empty for the end.
    pub place: String,
    /// Fields typed longer than they may be, with their messages.
    pub too_long: FieldErrors,
}

impl BeatForm {
    /// An empty form for a scene with these performers.
    pub fn empty(cast: &[(i64, String)]) -> BeatForm {
        BeatForm {
            contacts: vec![ContactRow::default(); CONTACT_ROWS],
            exposures: cast
                .iter()
                .map(|(id, _)| ExposureRow {
                    cast_member_id: *id,
                    nudity: NudityLevel::None.as_str().into(),
                    shown: Vec::new(),
                })
                .collect(),
            ..BeatForm::default()
        }
    }

    /// The form showing a stored beat.
    pub fn of(beat: &Beat, place: usize, cast: &[(i64, String)]) -> BeatForm {
        let mut form = BeatForm::empty(cast);
        form.action = beat.action.clone();
        form.performers = beat.performers.iter().map(i64::to_string).collect();
        for (row, c) in form.contacts.iter_mut().zip(&beat.contacts) {
            *row = ContactRow {
                by: c.by.to_string(),
                with: c.with.as_str().into(),
                to: c.to.to_string(),
                area: c.area.as_str().into(),
            };
        }
        for row in &mut form.exposures {
            if let Some(e) = beat
                .exposures
                .iter()
                .find(|e| e.cast_member_id == row.cast_member_id)
            {
                row.nudity = e.nudity.as_str().into();
                row.shown = e.shown.iter().map(|a| a.as_str().to_string()).collect();
            }
        }
        form.positions = beat.positions.clone();
        form.garments = beat.garments.clone();
        form.camera = beat.camera.clone();
        form.hold_point = beat.hold_point;
        form.place = place.to_string();
        form
    }

    pub fn read(body: &FormBody, cast: &[(i64, String)]) -> BeatForm {
        let mut r = body.reader();
        BeatForm {
            action: r.text("action", Len::Paragraph),
            performers: r.all("performer", Len::Code),
            contacts: (0..CONTACT_ROWS)
                .map(|i| ContactRow {
                    by: r.text(format!("contact_by_{i}"), Len::Code),
                    with: r.text(format!("contact_with_{i}"), Len::Code),
                    to: r.text(format!("contact_to_{i}"), Len::Code),
                    area: r.text(format!("contact_area_{i}"), Len::Code),
                })
                .collect(),
            exposures: cast
                .iter()
                .map(|(id, _)| ExposureRow {
                    cast_member_id: *id,
                    nudity: r.text(format!("nudity_{id}"), Len::Code),
                    shown: r.all(format!("shown_{id}"), Len::Code),
                })
                .collect(),
            positions: r.text("positions", Len::Line),
            garments: r.text("garments", Len::Line),
            camera: r.text("camera", Len::Line),
            hold_point: !r.text("hold_point", Len::Code).is_empty(),
            place: r.text("place", Len::Code),
            too_long: r.finish(),
        }
    }

    /// The beat the form describes, with `key`, or the messages to show beside the fields.
    /// `cast` is who the scene's breakdown asks something of: only they can be in a beat.
    pub fn parse(&self, key: i64, cast: &[(i64, String)]) -> Result<Beat, FieldErrors> {
        let mut errors = self.too_long.clone();
        let in_scene = |text: &str| -> Option<i64> {
            let id = text.trim().parse::<i64>().ok()?;
            cast.iter().any(|(c, _)| *c == id).then_some(id)
        };
        let action = self.action.trim();
        if action.is_empty() {
            errors.add(
                "action",
                "Say what happens in this beat, in clinical words.",
            );
        }
        let performers: Option<Vec<i64>> = self.performers.iter().map(|p| in_scene(p)).collect();
        let performers = match performers {
            Some(p) if !p.is_empty() => p,
            Some(_) => {
                errors.add("performer", "Choose who is in this beat.");
                Vec::new()
            }
            None => {
                errors.add("performer", "Choose performers from this scene's cast.");
                Vec::new()
            }
        };
        let mut contacts = Vec::new();
        for (i, row) in self.contacts.iter().enumerate() {
            if row.is_blank() {
                continue;
            }
            let field = format!("contact_{i}");
            let parsed = (
                in_scene(&row.by),
                row.with.parse::<BodyArea>().ok(),
                in_scene(&row.to),
                row.area.parse::<BodyArea>().ok(),
            );
            match parsed {
                (Some(by), Some(with), Some(to), Some(area)) => {
                    if performers.contains(&by) && performers.contains(&to) {
                        contacts.push(Contact { by, with, to, area });
                    } else {
                        errors.add(
                            field.clone(),
                            "Both people in a contact must be among the beat's performers.",
                        );
                    }
                }
                _ => errors.add(
                    field,
                    "Fill in who touches, with what, whom and where, or leave the whole row empty.",
                ),
            }
        }
        let mut exposures = Vec::new();
        for row in &self.exposures {
            let field: &'static str = "exposure";
            let nudity = if row.nudity.trim().is_empty() {
                Some(NudityLevel::None)
            } else {
                row.nudity.parse::<NudityLevel>().ok()
            };
            let shown: Option<Vec<BodyArea>> = row
                .shown
                .iter()
                .map(|a| a.parse::<BodyArea>().ok())
                .collect();
            let (Some(nudity), Some(shown)) = (nudity, shown) else {
                errors.add(
                    field,
                    "Choose a nudity level and body areas from the lists.",
                );
                continue;
            };
            if nudity == NudityLevel::None && shown.is_empty() {
                continue;
            }
            if !performers.contains(&row.cast_member_id) {
                errors.add(
                    field,
                    "Only performers in the beat can be exposed in it: tick them above.",
                );
                continue;
            }
            exposures.push(Exposure {
                cast_member_id: row.cast_member_id,
                nudity,
                shown,
            });
        }
        let place = self.place.trim();
        if !place.is_empty() && place.parse::<usize>().map_or(true, |p| p == 0) {
            errors.add(
                "place",
                "Give the beat's place as a number from 1, or leave it empty.",
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Beat {
            key,
            performers,
            action: action.to_string(),
            contacts,
            exposures,
            positions: self.positions.trim().to_string(),
            garments: self.garments.trim().to_string(),
            camera: self.camera.trim().to_string(),
            hold_point: self.hold_point,
        }
        .normalised())
    }

    /// Where the beat goes in a list of `len` others: its place from 1, or the end.
    pub fn index_in(&self, len: usize) -> usize {
        self.place
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|p| *p >= 1)
            .map_or(len, |p| (p - 1).min(len))
    }

    pub fn has_performer(&self, id: &i64) -> bool {
        self.performers.iter().any(|p| p.trim() == id.to_string())
    }
}

impl ExposureRow {
    pub fn shows(&self, area: &BodyArea) -> bool {
        self.shown.iter().any(|a| a == area.as_str())
    }
}

//! Who is who in a production's scenes, for the on-set pages, the report and the footage list:
//! each cast member's label, and who doubles for whom in which scene.

use std::collections::HashMap;

use sqlx::PgPool;

use crate::cast::cast_list;
use crate::error::Result;
use crate::vocab::breakdown::read_breakdown;

/// Who is who in a production's scenes, for the on-set pages, the report and the footage list:
/// each cast member's label and who doubles for whom. Two queries, whatever the size.
#[derive(Default)]
pub(crate) struct People {
    /// "#1 Alex Rivera" by cast member id.
    labels: HashMap<i64, String>,
    /// Doubles by (scene, the performer they stand in for).
    doubles: HashMap<(i64, i64), Vec<i64>>,
}

impl People {
    pub async fn load(pool: &PgPool, production_id: i64) -> Result<People> {
        let labels = cast_list(pool, production_id)
            .await?
            .into_iter()
            .map(|c| (c.cast_member_id, c.label()))
            .collect();
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "select scene_id, original_cast_member_id, double_cast_member_id from scene_double
             where production_id = $1 order by assigned_at, double_cast_member_id",
        )
        .bind(production_id)
        .fetch_all(pool)
        .await?;
        let mut doubles: HashMap<(i64, i64), Vec<i64>> = HashMap::new();
        for (scene_id, original, double) in rows {
            doubles
                .entry((scene_id, original))
                .or_default()
                .push(double);
        }
        Ok(People { labels, doubles })
    }

    /// "#1 Alex Rivera"; a cast member deleted since is still named by id.
    pub fn label(&self, cast_member_id: i64) -> String {
        self.labels
            .get(&cast_member_id)
            .cloned()
            .unwrap_or_else(|| format!("cast member {cast_member_id}"))
    }

    /// Who answers for each performer of a scene: the breakdown's performers, any double
    /// standing in for one of them, then anyone else in `cast_ids` (a closure is theirs too).
    /// (cast member id, label)
    pub fn of_scene(&self, scene_id: i64, breakdown: &str, cast_ids: &[i64]) -> Vec<(i64, String)> {
        let breakdown = read_breakdown(breakdown);
        let mut people = Vec::new();
        for part in &breakdown.performers {
            let original = part.cast_member_id;
            people.push((original, self.label(original)));
            for double in self
                .doubles
                .get(&(scene_id, original))
                .into_iter()
                .flatten()
            {
                people.push((
                    *double,
                    format!(
                        "{} (double for {})",
                        self.label(*double),
                        self.label(original)
                    ),
                ));
            }
        }
        for id in cast_ids {
            if !people.iter().any(|(known, _)| known == id) {
                people.push((*id, self.label(*id)));
            }
        }
        people
    }
}

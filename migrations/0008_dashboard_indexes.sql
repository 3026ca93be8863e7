-- Every list the dashboards read is found through an index: doubles were only reachable by
-- scene, and the clearance facts read them per production.
create index scene_double_production_idx on scene_double (production_id);

-- Signing a new rider supersedes an older one only for the scenes the new one covers: the
-- older rider keeps counting for its other scenes. Each covered scene of a rider can therefore
-- be superseded on its own; the rider's own status becomes 'superseded' only when every scene
-- it covers is.
alter table rider_scene add column superseded_at timestamptz;
alter table rider_scene add column superseded_by bigint references rider (rider_id);

update rider_scene rs set superseded_at = r.superseded_at, superseded_by = r.superseded_by
from rider r
where r.rider_id = rs.rider_id and r.superseded_at is not null;

-- A rider carried forward to a newer breakdown version (the performer's own part unchanged,
-- a 'carried_forward' ledger event) still covers the scene at that version: pages that ask
-- "is this rider stale?" compare the scene's current version with both.
alter table rider_scene add column carried_to_version_id bigint references scene_version (scene_version_id);

-- Signed checkpoints of each production's consent log (C2SP tlog-checkpoint): the log's size
-- and Merkle root, signed with a key that lives outside the database. `frontier` holds the
-- roots of the tree's perfect subtrees at that size, so the next checkpoint hashes only the
-- entries after it; `ledger verify` never trusts it and recomputes every root from the entries.
create table ledger_checkpoint (
    ledger_checkpoint_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete restrict,
    size bigint not null,
    root_hash text not null,
    frontier text not null,
    note text not null,
    issued_at timestamptz not null default now(),
    constraint ledger_checkpoint_size_key unique (production_id, size),
    constraint ledger_checkpoint_size_check check (size >= 1),
    constraint ledger_checkpoint_root_check check (root_hash ~ '^[0-9a-f]{64}$')
);

create trigger ledger_checkpoint_append_only
    before update or delete on ledger_checkpoint
    for each row execute function consent_event_refuse_change();

create trigger ledger_checkpoint_no_truncate
    before truncate on ledger_checkpoint
    for each statement execute function consent_event_refuse_change();

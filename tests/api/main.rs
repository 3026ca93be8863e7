//! Integration tests: the real server against a real PostgreSQL, driven over HTTP.

mod access;
mod accounts;
mod boundary_conflicts;
mod budget;
mod cast_privacy;
mod cast_scenes;
mod clearance;
mod concerns;
mod consent_records;
mod dashboards;
mod database_role;
mod embedded;
mod fuzz;
mod layers;
mod ledger;
mod ledger_export;
mod ledger_state;
mod live;
mod onset;
mod producer_dashboard;
mod productions;
mod receipts;
mod riders;
mod schedule;
mod support;
mod web;

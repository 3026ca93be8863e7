//! Integration tests: the real server against a real PostgreSQL, driven over HTTP.

mod access;
mod accounts;
mod cast_scenes;
mod embedded;
mod ledger;
mod productions;
mod schedule;
mod support;
mod web;

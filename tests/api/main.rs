//! Integration tests: the real server against a real PostgreSQL, driven over HTTP.

mod access;
mod accounts;
mod productions;
mod support;
mod web;

// The migrations are embedded with `sqlx::migrate!()`; a new file in migrations/ must rebuild
// the crate, which cargo does not know on its own.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}

//! A person's data and the production's duty to it: sealing what was written in clear before
//! encryption, and (with `crate::vault`) erasure by destroying keys.

mod seal_existing;

pub use seal_existing::{Sealed, seal_existing};

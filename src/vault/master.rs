//! The master key file: one line per master key version, `closedset-master-key <version>
//! <base64 of 32 bytes>`, the newest last. It lives outside the database (by default beside the
//! data directory), is created with mode 0600 and is never logged. It only wraps data keys.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::XChaCha20Poly1305;
use rand::RngCore;

const LINE_TAG: &str = "closedset-master-key";

pub struct MasterKeys {
    /// Oldest first; the last wraps new data keys.
    versions: Vec<(i32, [u8; 32])>,
}

impl MasterKeys {
    /// A single master key held in memory (tests, and the file's first line).
    pub fn from_secret(version: i32, secret: [u8; 32]) -> MasterKeys {
        MasterKeys {
            versions: vec![(version, secret)],
        }
    }

    pub fn current_version(&self) -> i32 {
        self.versions.last().map(|(v, _)| *v).unwrap_or(1)
    }

    pub fn versions(&self) -> Vec<i32> {
        self.versions.iter().map(|(v, _)| *v).collect()
    }

    fn current(&self) -> (i32, &[u8; 32]) {
        let (v, k) = self.versions.last().expect("a master key file holds a key");
        (*v, k)
    }

    pub(super) fn wrap_key(&self, scope: &str, raw: &[u8; 32]) -> Vec<u8> {
        let (version, key) = self.current();
        super::wrap_with(&super::cipher(key), version, scope, raw)
    }

    /// The data key inside `wrapped`, opened with the master key version it names.
    pub(super) fn unwrap_raw(&self, scope: &str, wrapped: &[u8]) -> Option<[u8; 32]> {
        let version = i32::from_be_bytes(wrapped.get(..4)?.try_into().ok()?);
        let (_, key) = self.versions.iter().find(|(v, _)| *v == version)?;
        super::unwrap_with(&super::cipher(key), scope, wrapped)
    }

    pub(super) fn unwrap_key(&self, scope: &str, wrapped: &[u8]) -> Option<XChaCha20Poly1305> {
        self.unwrap_raw(scope, wrapped)
            .map(|raw| super::cipher(&raw))
    }

    fn text(&self) -> String {
        self.versions
            .iter()
            .map(|(v, k)| format!("{LINE_TAG} {v} {}\n", BASE64.encode(k)))
            .collect()
    }

    fn parse(text: &str) -> anyhow::Result<MasterKeys> {
        let mut versions = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let mut words = line.split_whitespace();
            let (Some(LINE_TAG), Some(version), Some(key), None) =
                (words.next(), words.next(), words.next(), words.next())
            else {
                bail!("a line is not `{LINE_TAG} <version> <key>`");
            };
            let version: i32 = version.parse().context("the version is not a number")?;
            let key: [u8; 32] = BASE64
                .decode(key)
                .ok()
                .and_then(|k| k.try_into().ok())
                .context("the key is not 32 bytes of base64")?;
            versions.push((version, key));
        }
        if versions.is_empty() {
            bail!("it holds no key");
        }
        Ok(MasterKeys { versions })
    }

    /// Reads the file, or makes it with one new key when there is none.
    pub fn load_or_create(path: &Path) -> anyhow::Result<MasterKeys> {
        match std::fs::read_to_string(path) {
            Ok(text) => MasterKeys::parse(&text)
                .with_context(|| format!("reading the master key file {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut secret = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut secret);
                let keys = MasterKeys::from_secret(1, secret);
                let mut file = private_file(path, true)
                    .with_context(|| format!("creating the master key file {}", path.display()))?;
                file.write_all(keys.text().as_bytes())?;
                file.sync_all()?;
                tracing::info!("made a new master key file at {}", path.display());
                Ok(keys)
            }
            Err(e) => {
                Err(e).with_context(|| format!("reading the master key file {}", path.display()))
            }
        }
    }

    /// Adds a new master key version and writes the file (old versions kept, so data keys not
    /// yet re-wrapped still open).
    pub fn add_version(&mut self, path: &Path) -> anyhow::Result<i32> {
        let mut secret = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        let version = self.current_version() + 1;
        self.versions.push((version, secret));
        self.write(path)?;
        Ok(version)
    }

    /// Keeps only the newest version, once every data key is wrapped by it.
    pub fn retire_old(&mut self, path: &Path) -> anyhow::Result<()> {
        let newest = *self.versions.last().expect("a key");
        self.versions = vec![newest];
        self.write(path)
    }

    /// Replaces the file atomically: a private temporary file beside it, then a rename.
    fn write(&self, path: &Path) -> anyhow::Result<()> {
        let temporary = path.with_extension("new");
        let _ = std::fs::remove_file(&temporary);
        let mut file = private_file(&temporary, true)?;
        file.write_all(self.text().as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
            .with_context(|| format!("replacing the master key file {}", path.display()))?;
        Ok(())
    }
}

fn private_file(path: &Path, new: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(new);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

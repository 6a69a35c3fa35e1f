//! The cache of the file pass: what reading, parsing and walking a file produced (its facts, the
//! findings of the `ast` checks, its suppression comments), kept between runs so that a file whose
//! content did not change is not parsed again.
//!
//! One cache file holds every file of one analysis scope (a project root, or the paths named with
//! `--no-project`), as Ruff keeps one per package: a run reads it once and writes it once, instead
//! of opening and renaming thousands of small files (about 130 µs each on ext4, as much as parsing
//! a small file). It lives at `<cache-dir>/<flaskcheck version>/<key>.bin`, where the key hashes
//! the scope, the settings that change the file pass (the rule selection decides which `ast`
//! checks run) and the build fingerprint (`build.rs`: a hash of the sources of the file pass, so
//! that a changed facts layout or a changed check during development is never read as the old
//! one). The file starts with a header that repeats all of this, and is ignored when any of it
//! differs.
//!
//! Each entry is keyed by the file's absolute path, its module name and the xxh3-128 hash of its
//! bytes, and carries an xxh3-64 checksum of its payload: a truncated, corrupt or foreign entry is
//! a miss, never a wrong result, and the next write replaces it. Writes go to a temporary file in
//! the same folder, then are renamed over the old one, so concurrent runs each leave a whole file
//! (the last one wins) and readers never see half of one. A cache folder that cannot be written is
//! a warning; the run goes on without it.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::analyze::FileAnalysis;
use crate::diagnostic::Diagnostic;
use crate::file_io::{read_regular_file_within, write_atomically_with, ReadError};
use crate::source::ContentHash;
use crate::suppression::FileSuppressions;

/// The folder name, under the project root, when no `cache-dir` is configured.
pub const DEFAULT_CACHE_DIR: &str = ".flaskcheck_cache";

/// The environment variable that sets the cache folder (over the configuration's `cache-dir`).
pub const CACHE_DIR_ENV: &str = "FLASKCHECK_CACHE_DIR";

const MAGIC: &[u8; 16] = b"flaskcheck-cache";

/// The layout of the cache file itself (header and framing). The payload's layout is covered by
/// the build fingerprint.
const FORMAT: u32 = 1;

/// The `CACHEDIR.TAG` signature (<https://bford.info/cachedir/>): backup tools skip the folder.
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by flaskcheck.\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";

const GITIGNORE: &str = "# Automatically created by flaskcheck.\n*\n";

/// What the file pass produced for one file: everything the project pass and the report need
/// from it once the AST is gone.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct FilePass {
    /// The facts, for a file that was read, decoded and parsed.
    pub analysis: Option<FileAnalysis>,
    /// The findings of the `ast` checks, and FC000 for a file that could not be analyzed.
    pub diagnostics: Vec<Diagnostic>,
    pub suppressions: FileSuppressions,
}

impl FilePass {
    /// Whether the file pass read files other than the source (a Connexion OpenAPI file). Such a
    /// pass depends on more than the source's content, which is all that keys a cache entry or
    /// lets a project keep a pass: it is run again every time instead.
    pub fn read_other_files(&self) -> bool {
        self.analysis
            .as_ref()
            .is_some_and(|analysis| analysis.facts.read_other_files)
    }
}

/// What a cache entry is for: a file, under the name it is imported by, with this content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryKey {
    /// Absolute and normalized.
    pub path: PathBuf,
    pub module: Box<str>,
    pub is_package: bool,
    pub content: ContentHash,
}

/// What makes one cache file: where and for what it is kept.
#[derive(Debug, Clone)]
pub struct CacheConfig {
    pub dir: PathBuf,
    /// What the run analyses: the project root, or the paths named with `--no-project`.
    pub scope: String,
    /// The settings that change the file pass, written out (the enabled rules).
    pub settings: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Header {
    format: u32,
    version: String,
    build: String,
    scope: String,
    settings: String,
    entries: u32,
}

#[derive(Debug, Serialize, Deserialize)]
struct EntryHeader {
    path: String,
    module: String,
    is_package: bool,
    content: ContentHash,
    len: u32,
    checksum: u64,
}

/// Where one entry's payload is in the loaded file.
#[derive(Debug)]
struct Slot {
    module: String,
    is_package: bool,
    content: ContentHash,
    start: usize,
    len: usize,
    checksum: u64,
}

/// How the cache was found and what it gave, for `--verbose` and the tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Entries in the cache file read at the start (0 when there was none or it was foreign).
    pub loaded: usize,
    pub hits: usize,
    pub misses: usize,
    /// Entries that were present but unusable (bad checksum, undecodable).
    pub corrupt: usize,
    /// Whether a cache file was written at the end.
    pub written: bool,
}

/// One run's view of the cache: the file read at the start, and the warnings met.
#[derive(Debug)]
pub struct Cache {
    config: CacheConfig,
    version: String,
    file: PathBuf,
    bytes: Vec<u8>,
    slots: FxHashMap<PathBuf, Slot>,
    pub stats: CacheStats,
    pub warnings: Vec<String>,
}

impl Cache {
    /// Opens the cache of `config`; a missing, unreadable or foreign cache file is an empty cache.
    pub fn open(config: CacheConfig) -> Cache {
        Self::open_with_version(config, env!("CARGO_PKG_VERSION"))
    }

    /// [`Cache::open`] as flaskcheck `version` would (for tests of version changes).
    pub fn open_with_version(config: CacheConfig, version: &str) -> Cache {
        let key = xxh3_64(
            format!(
                "{FORMAT}\0{}\0{}\0{}",
                build_fingerprint(),
                config.scope,
                config.settings
            )
            .as_bytes(),
        );
        let file = config.dir.join(version).join(format!("{key:016x}.bin"));
        let mut cache = Cache {
            config,
            version: version.to_string(),
            file,
            bytes: Vec::new(),
            slots: FxHashMap::default(),
            stats: CacheStats::default(),
            warnings: Vec::new(),
        };
        // A regular file only (a FIFO there would block the run), of any size a cache can have.
        match read_regular_file_within(&cache.file, u64::from(u32::MAX)) {
            Ok(Some(bytes)) => cache.index(bytes),
            Ok(None) => {}
            Err(ReadError::Io(err)) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => cache.warnings.push(format!(
                "cannot read the cache file {}: {err}; analyzing every file",
                cache.file.display()
            )),
        }
        cache
    }

    /// The cache file this run reads and writes.
    pub fn file(&self) -> &Path {
        &self.file
    }

    fn expected_header(&self, entries: u32) -> Header {
        Header {
            format: FORMAT,
            version: self.version.clone(),
            build: build_fingerprint().to_string(),
            scope: self.config.scope.clone(),
            settings: self.config.settings.clone(),
            entries,
        }
    }

    /// Reads the entry headers of a cache file. Whatever cannot be read (a foreign header, a
    /// truncated tail) is left out: the entries before it are still used.
    fn index(&mut self, bytes: Vec<u8>) {
        let Some(rest) = bytes.strip_prefix(MAGIC.as_slice()) else {
            return;
        };
        let Ok((header, mut rest)) = postcard::take_from_bytes::<Header>(rest) else {
            return;
        };
        if header != self.expected_header(header.entries) {
            return;
        }
        for _ in 0..header.entries {
            let Ok((entry, after)) = postcard::take_from_bytes::<EntryHeader>(rest) else {
                break;
            };
            let len = entry.len as usize;
            if after.len() < len {
                break;
            }
            let start = bytes.len() - after.len();
            self.slots.insert(
                PathBuf::from(entry.path),
                Slot {
                    module: entry.module,
                    is_package: entry.is_package,
                    content: entry.content,
                    start,
                    len,
                    checksum: entry.checksum,
                },
            );
            rest = &after[len..];
        }
        self.stats.loaded = self.slots.len();
        self.bytes = bytes;
    }

    /// The stored file pass for `key`, if the cache holds one for exactly this content and name.
    pub fn get(&self, key: &EntryKey) -> Option<Result<FilePass, CorruptEntry>> {
        let slot = self.slot(key)?;
        let payload = &self.bytes[slot.start..slot.start + slot.len];
        if xxh3_64(payload) != slot.checksum {
            return Some(Err(CorruptEntry));
        }
        Some(postcard::from_bytes::<FilePass>(payload).map_err(|_| CorruptEntry))
    }

    fn slot(&self, key: &EntryKey) -> Option<&Slot> {
        self.slots.get(&key.path).filter(|slot| {
            slot.content == key.content
                && slot.is_package == key.is_package
                && *slot.module == *key.module
        })
    }

    /// Writes the cache file for `entries` (every file of the run that has a content hash): an
    /// entry read from the cache at the start is copied as it was, the others are serialized.
    /// Entries of files this run did not analyze (a run on other paths of the same scope) are
    /// kept while their file exists. A failure is a warning.
    pub fn save(&mut self, entries: &[(EntryKey, &FilePass, bool)]) {
        let seen: rustc_hash::FxHashSet<&Path> = entries
            .iter()
            .map(|(key, _, _)| key.path.as_path())
            .collect();
        let mut unseen: Vec<&PathBuf> = self
            .slots
            .keys()
            .filter(|path| !seen.contains(path.as_path()) && path.is_file())
            .collect();
        unseen.sort();
        match self.write(entries, &unseen) {
            Ok(()) => self.stats.written = true,
            Err(err) => self.warnings.push(format!(
                "cannot write the cache in {}: {err}; the next run will analyze every file again",
                self.config.dir.display()
            )),
        }
    }

    fn write(
        &self,
        entries: &[(EntryKey, &FilePass, bool)],
        unseen: &[&PathBuf],
    ) -> io::Result<()> {
        let folder = self.file.parent().unwrap_or(&self.config.dir);
        prepare_dir(&self.config.dir)?;
        fs::create_dir_all(folder)?;
        write_atomically_with(&self.file, &mut |out| {
            out.write_all(MAGIC)?;
            let count = u32::try_from(entries.len() + unseen.len()).map_err(io::Error::other)?;
            out.write_all(&to_bytes(&self.expected_header(count))?)?;
            for (key, pass, from_cache) in entries {
                let stored = if *from_cache { self.slot(key) } else { None };
                match stored {
                    Some(slot) => self.write_stored(out, &key.path, slot)?,
                    None => {
                        let payload = to_bytes(pass)?;
                        let header = EntryHeader {
                            path: key.path.to_string_lossy().into_owned(),
                            module: key.module.to_string(),
                            is_package: key.is_package,
                            content: key.content,
                            len: u32::try_from(payload.len()).map_err(io::Error::other)?,
                            checksum: xxh3_64(&payload),
                        };
                        out.write_all(&to_bytes(&header)?)?;
                        out.write_all(&payload)?;
                    }
                }
            }
            for path in unseen {
                self.write_stored(out, path, &self.slots[*path])?;
            }
            Ok(())
        })
    }

    /// Copies an entry read at the start, as it was.
    fn write_stored(&self, out: &mut dyn Write, path: &Path, slot: &Slot) -> io::Result<()> {
        let header = EntryHeader {
            path: path.to_string_lossy().into_owned(),
            module: slot.module.clone(),
            is_package: slot.is_package,
            content: slot.content,
            len: u32::try_from(slot.len).map_err(io::Error::other)?,
            checksum: slot.checksum,
        };
        out.write_all(&to_bytes(&header)?)?;
        out.write_all(&self.bytes[slot.start..slot.start + slot.len])
    }
}

/// A cache entry whose checksum or payload did not match: it is analyzed again and rewritten.
#[derive(Debug, Clone, Copy)]
pub struct CorruptEntry;

fn to_bytes<T: Serialize>(value: &T) -> io::Result<Vec<u8>> {
    postcard::to_stdvec(value).map_err(io::Error::other)
}

/// The build's fingerprint (see `build.rs`).
pub fn build_fingerprint() -> &'static str {
    env!("FLASKCHECK_BUILD_FINGERPRINT")
}

/// Creates the cache folder with its `.gitignore` and `CACHEDIR.TAG`, as Ruff does, so that it is
/// neither committed nor backed up.
fn prepare_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    for (name, text) in [(".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)] {
        let path = dir.join(name);
        if !path.exists() {
            fs::write(path, text)?;
        }
    }
    Ok(())
}

/// Whether `dir` is a flaskcheck cache folder (it has our `CACHEDIR.TAG`): what `flaskcheck clean`
/// checks before removing anything.
pub fn is_cache_dir(dir: &Path) -> bool {
    fs::read_to_string(dir.join("CACHEDIR.TAG"))
        .is_ok_and(|tag| tag.contains("created by flaskcheck"))
}

/// Removes a cache folder, after checking that it is one (`flaskcheck clean`). `Ok(false)` when
/// there is nothing to remove.
pub fn remove_cache_dir(dir: &Path) -> io::Result<bool> {
    if !dir.exists() {
        return Ok(false);
    }
    if !is_cache_dir(dir) {
        return Err(io::Error::other(format!(
            "{} is not a flaskcheck cache folder (it has no CACHEDIR.TAG written by flaskcheck); not removing it",
            dir.display()
        )));
    }
    fs::remove_dir_all(dir)?;
    Ok(true)
}

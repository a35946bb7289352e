//! Output files that appear whole or not at all: written under a temporary name beside their
//! final path and renamed over it at the end, so a failed or killed command never leaves a
//! half-written file (an existing one keeps its old content), and an unwritable place fails
//! before any work when the file is prepared first.

use std::fs::File;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::LandscapeError;

/// A file being written; see the module documentation.
#[derive(Debug)]
pub struct OutputFile {
    path: PathBuf,
    temp: NamedTempFile,
}

impl OutputFile {
    /// Creates the temporary file beside `path`: fails now, naming `path`, when its folder is
    /// missing or unwritable, or when `path` is a folder.
    pub fn prepare(path: impl AsRef<Path>) -> Result<Self, LandscapeError> {
        let path = path.as_ref();
        let io = |source: std::io::Error| LandscapeError::Io {
            path: path.to_path_buf(),
            source,
        };
        if path.is_dir() {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "is a folder, not a file",
            )));
        }
        let (dir, name) = folder_and_name(path).map_err(io)?;
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".partial")
            .tempfile_in(dir)
            .map_err(|e| {
                io(std::io::Error::new(
                    e.kind(),
                    format!("cannot create a file in {} ({})", dir.display(), e.kind()),
                ))
            })?;
        Ok(Self {
            path: path.to_path_buf(),
            temp,
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The temporary file to write to (wrap it in a `BufWriter` and flush it).
    pub fn file(&mut self) -> &mut File {
        self.temp.as_file_mut()
    }

    /// Renames the written file over the final path.
    pub fn commit(self) -> Result<(), LandscapeError> {
        let path = self.path;
        self.temp
            .persist(&path)
            .map(|_| ())
            .map_err(|e| LandscapeError::Io {
                path,
                source: e.error,
            })
    }

    /// Prepares `path`, writes it through `body` and commits it: one call for a file written
    /// at the end of a command.
    pub fn write(
        path: impl AsRef<Path>,
        body: impl FnOnce(&mut std::io::BufWriter<&mut File>) -> std::io::Result<()>,
    ) -> Result<(), LandscapeError> {
        let mut out = Self::prepare(path)?;
        let path = out.path.clone();
        {
            let mut w = std::io::BufWriter::new(out.file());
            body(&mut w)
                .and_then(|()| std::io::Write::flush(&mut w))
                .map_err(|source| LandscapeError::Io { path, source })?;
        }
        out.commit()
    }
}

/// The folder of `path` (`.` for a bare name) and its file name: where a temporary file that is
/// renamed to `path` must be made (the same file system) and the name its prefix repeats.
pub(crate) fn folder_and_name(path: &Path) -> Result<(&Path, String), std::io::Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))?;
    Ok((dir, name))
}

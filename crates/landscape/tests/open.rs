//! How a database file is opened: readers never write, one writer at a time, creation and
//! grouped writes all-or-nothing, a closed writer leaves one self-contained file.

use std::path::Path;

use nnscape_landscape::{
    LandscapeDb, LandscapeError, LandscapeIdentity, StationaryPoint, Tolerances,
};
use nnscape_model::Loss;

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn writer(path: &Path, loss: &Loss) -> Result<LandscapeDb, LandscapeError> {
    LandscapeDb::open_or_create(path, &LandscapeIdentity::of(loss), Tolerances::default())
}

#[test]
fn one_writer_readers_that_never_write_and_all_or_nothing_groups() {
    let mut loss = Loss::xor(2, 1e-2).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h2.sqlite");
    let zero = StationaryPoint::evaluate(&mut loss, &[0.0; 12], &Tolerances::default()).unwrap();

    let db = writer(&path, &loss).unwrap();
    db.insert_minimum(&zero).unwrap();
    // A second writer, even in this process, is told the file is in use; a reader is welcome.
    let second = writer(&path, &loss).err().expect("in use");
    assert!(matches!(second, LandscapeError::InUse { .. }), "{second}");
    assert!(second.to_string().contains("h2.sqlite"));
    assert_eq!(
        LandscapeDb::open_existing(&path)
            .unwrap()
            .count_minima()
            .unwrap(),
        1
    );

    // A group of writes that fails stores none of them.
    let mut moved = zero.clone();
    moved.params[0] = 0.5;
    moved = StationaryPoint::evaluate(&mut loss, &moved.params, &Tolerances::default()).unwrap();
    let result: Result<(), LandscapeError> = db.atomically(|| {
        db.insert_minimum(&moved)?;
        Err(LandscapeError::InvalidPoint("a later point is bad".into()))
    });
    assert!(result.is_err());
    assert_eq!(db.count_minima().unwrap(), 1);
    drop(db);

    // Closed, the writer leaves one self-contained file, which a reader opens without
    // changing a byte or creating anything beside it.
    assert_eq!(files(dir.path()), ["h2.sqlite"]);
    let before = std::fs::read(&path).unwrap();
    let reader = LandscapeDb::open_existing(&path).unwrap();
    reader.check_energies(&mut loss).unwrap();
    assert_eq!(reader.minima().unwrap().len(), 1);
    // Readers cannot write.
    assert!(reader.insert_minimum(&moved).is_err());
    drop(reader);
    assert_eq!(files(dir.path()), ["h2.sqlite"]);
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // A file that cannot be created is an error naming it, and leaves nothing.
    let missing = dir.path().join("missing").join("h2.sqlite");
    let e = writer(&missing, &loss).err().expect("no folder");
    assert!(matches!(e, LandscapeError::Unwritable { .. }), "{e}");
    assert_eq!(files(dir.path()), ["h2.sqlite"]);

    // Energies are checked against the loss: another lambda's loss is refused by identity.
    let other = Loss::xor(2, 1e-3).unwrap();
    let reader = LandscapeDb::open_existing(&path).unwrap();
    let e = reader.check_energies(&mut other.clone()).unwrap_err();
    assert!(e.to_string().contains("lambda"), "{e}");
}

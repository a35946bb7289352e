//! The completeness certificates of a landscape: one row per evaluation (table
//! `certificates`: the seeds, the marks that say what "new" means, and once finished the
//! numbers of each test), the outcome of every trial (`certificate_trials`, logged batch by
//! batch after its points are stored, so a killed evaluation resumes) and the steps of the
//! seed-agreement cycles (`certificate_steps`).

use rusqlite::{params, OptionalExtension};

use super::tx::WriteTx;
use super::LandscapeDb;
use crate::certificate::{Certificate, CertificateTest, GoodTuring};
use crate::error::LandscapeError;

/// The tables, appended to the schema (version 3).
pub(super) const CERTIFICATE_SCHEMA: &str = "
CREATE TABLE certificates (
    evaluation       INTEGER PRIMARY KEY,
    cycle            INTEGER NOT NULL UNIQUE,
    master_seed      INTEGER NOT NULL,
    seed             INTEGER NOT NULL,
    minima_mark      INTEGER NOT NULL,
    ts_mark          INTEGER NOT NULL,
    quenches         INTEGER,
    quenches_reached INTEGER,
    minima_hit       INTEGER,
    minima_once      INTEGER,
    quenches_new     INTEGER,
    p_unseen_minimum REAL,
    searches         INTEGER,
    searches_reached INTEGER,
    ts_hit           INTEGER,
    ts_once          INTEGER,
    searches_new     INTEGER,
    p_unseen_ts      REAL,
    new_minima       INTEGER,
    new_ts           INTEGER,
    agreement_seeds  TEXT,
    agreement_minima INTEGER,
    agreement_ts     INTEGER,
    connected        INTEGER,
    disconnected     TEXT,
    failed           TEXT,
    certified        INTEGER
);
CREATE TABLE certificate_trials (
    evaluation INTEGER NOT NULL REFERENCES certificates (evaluation),
    kind       TEXT    NOT NULL,
    trial      INTEGER NOT NULL,
    point      INTEGER,
    PRIMARY KEY (evaluation, kind, trial)
);
CREATE TABLE certificate_steps (
    evaluation  INTEGER NOT NULL REFERENCES certificates (evaluation),
    step        TEXT    NOT NULL,
    minima_mark INTEGER NOT NULL,
    ts_mark     INTEGER NOT NULL,
    PRIMARY KEY (evaluation, step)
);
";

/// The kinds of certificate trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrialKind {
    /// A random-start quench (point: the minimum reached).
    Quench,
    /// A single-ended transition-state search (point: the transition state reached).
    TsSearch,
}

impl TrialKind {
    fn as_str(self) -> &'static str {
        match self {
            TrialKind::Quench => "quench",
            TrialKind::TsSearch => "ts-search",
        }
    }
}

/// An evaluation that has begun: its numbers, seeds and marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateStart {
    /// Evaluation number.
    pub evaluation: i64,
    /// The evaluation's seed.
    pub seed: u64,
    /// Largest minimum id when it began (0: none).
    pub minima_mark: i64,
    /// Largest transition-state id when it began.
    pub ts_mark: i64,
}

/// SQLite stores signed 64-bit integers: seeds are stored bit for bit.
fn seed_to_sql(s: u64) -> i64 {
    s as i64
}

fn seed_from_sql(s: i64) -> u64 {
    s as u64
}

impl LandscapeDb {
    /// (largest minimum id, largest transition-state id), 0 when a table is empty. Ids only
    /// grow, so a point is newer than a mark when its id is above it.
    pub fn max_ids(&self) -> Result<(i64, i64), LandscapeError> {
        let conn = self.conn();
        let max = |table: &str| -> Result<i64, LandscapeError> {
            Ok(conn.query_row(
                &format!("SELECT coalesce(max(id), 0) FROM {table}"),
                [],
                |r| r.get(0),
            )?)
        };
        Ok((max("minima")?, max("transition_states")?))
    }

    /// Begins the evaluation after exploration cycle `cycle` (idempotent: a resumed evaluation
    /// keeps its number, seed and marks). `seed_of(evaluation)` derives its seed.
    pub fn begin_certificate(
        &self,
        cycle: i64,
        master_seed: u64,
        seed_of: impl Fn(i64) -> u64,
    ) -> Result<CertificateStart, LandscapeError> {
        if let Some(s) = self.certificate_start(cycle)? {
            return Ok(s);
        }
        let (minima_mark, ts_mark) = self.max_ids()?;
        let evaluation = self.count("SELECT count(*) FROM certificates", [])? as i64;
        self.conn().execute(
            "INSERT INTO certificates (evaluation, cycle, master_seed, seed, minima_mark, ts_mark)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                evaluation,
                cycle,
                seed_to_sql(master_seed),
                seed_to_sql(seed_of(evaluation)),
                minima_mark,
                ts_mark
            ],
        )?;
        self.certificate_start(cycle)?
            .ok_or_else(|| LandscapeError::InvalidPoint("certificate row not written".into()))
    }

    /// The evaluation begun after cycle `cycle`, if any.
    pub fn certificate_start(
        &self,
        cycle: i64,
    ) -> Result<Option<CertificateStart>, LandscapeError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT evaluation, seed, minima_mark, ts_mark FROM certificates WHERE cycle = ?1",
                [cycle],
                |r| {
                    Ok(CertificateStart {
                        evaluation: r.get(0)?,
                        seed: seed_from_sql(r.get(1)?),
                        minima_mark: r.get(2)?,
                        ts_mark: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// The logged outcomes of one kind of trial of an evaluation, in trial order.
    pub fn certificate_trials(
        &self,
        evaluation: i64,
        kind: TrialKind,
    ) -> Result<Vec<Option<i64>>, LandscapeError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT point FROM certificate_trials WHERE evaluation = ?1 AND kind = ?2 ORDER BY trial",
        )?;
        let rows = stmt.query_map(params![evaluation, kind.as_str()], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Logs the outcomes of trials `first..` in one transaction.
    pub fn log_certificate_trials(
        &self,
        evaluation: i64,
        kind: TrialKind,
        first: usize,
        outcomes: &[Option<i64>],
    ) -> Result<(), LandscapeError> {
        let conn = self.conn();
        let tx = WriteTx::begin(&conn)?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO certificate_trials (evaluation, kind, trial, point) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (k, point) in outcomes.iter().enumerate() {
                stmt.execute(params![
                    evaluation,
                    kind.as_str(),
                    (first + k) as i64,
                    point
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The marks logged with step `step` of an evaluation, if it was logged.
    pub fn certificate_step(
        &self,
        evaluation: i64,
        step: &str,
    ) -> Result<Option<(i64, i64)>, LandscapeError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT minima_mark, ts_mark FROM certificate_steps WHERE evaluation = ?1 AND step = ?2",
                params![evaluation, step],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Logs step `step` of an evaluation with the current largest ids (once; a repeated step
    /// keeps its first marks). Returns the marks stored.
    pub fn log_certificate_step(
        &self,
        evaluation: i64,
        step: &str,
    ) -> Result<(i64, i64), LandscapeError> {
        let (m, t) = self.max_ids()?;
        self.conn().execute(
            "INSERT OR IGNORE INTO certificate_steps VALUES (?1, ?2, ?3, ?4)",
            params![evaluation, step, m, t],
        )?;
        Ok(self.certificate_step(evaluation, step)?.unwrap_or((m, t)))
    }

    /// Stores the numbers of a finished evaluation.
    pub fn finish_certificate(&self, c: &Certificate) -> Result<(), LandscapeError> {
        let seeds = c
            .agreement_seeds
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let disconnected = c
            .disconnected
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let failed = c
            .failed
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let (m, t) = (&c.minima, &c.transition_states);
        self.conn().execute(
            "UPDATE certificates SET
                quenches = ?2, quenches_reached = ?3, minima_hit = ?4, minima_once = ?5,
                quenches_new = ?6, p_unseen_minimum = ?7,
                searches = ?8, searches_reached = ?9, ts_hit = ?10, ts_once = ?11,
                searches_new = ?12, p_unseen_ts = ?13,
                new_minima = ?14, new_ts = ?15,
                agreement_seeds = ?16, agreement_minima = ?17, agreement_ts = ?18,
                connected = ?19, disconnected = ?20, failed = ?21, certified = ?22
             WHERE evaluation = ?1",
            params![
                c.evaluation,
                m.trials as i64,
                m.reached as i64,
                m.distinct as i64,
                m.once as i64,
                m.new_trials as i64,
                m.p_unseen,
                t.trials as i64,
                t.reached as i64,
                t.distinct as i64,
                t.once as i64,
                t.new_trials as i64,
                t.p_unseen,
                c.new_minima as i64,
                c.new_transition_states as i64,
                seeds,
                c.agreement_added.0 as i64,
                c.agreement_added.1 as i64,
                c.connected,
                disconnected,
                failed,
                c.certified(),
            ],
        )?;
        Ok(())
    }

    /// Every finished evaluation, in order.
    pub fn certificates(&self) -> Result<Vec<Certificate>, LandscapeError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT evaluation, cycle, master_seed, seed,
                    quenches, quenches_reached, minima_hit, minima_once, quenches_new, p_unseen_minimum,
                    searches, searches_reached, ts_hit, ts_once, searches_new, p_unseen_ts,
                    new_minima, new_ts, agreement_seeds, agreement_minima, agreement_ts,
                    connected, disconnected, failed
             FROM certificates WHERE certified IS NOT NULL ORDER BY evaluation",
        )?;
        let rows = stmt.query_map([], |r| {
            let count = |i: usize| -> rusqlite::Result<usize> { Ok(r.get::<_, i64>(i)? as usize) };
            let numbers = |text: String| -> Vec<String> {
                text.split_whitespace().map(str::to_owned).collect()
            };
            Ok(Certificate {
                evaluation: r.get(0)?,
                cycle: r.get(1)?,
                master_seed: seed_from_sql(r.get(2)?),
                seed: seed_from_sql(r.get(3)?),
                minima: GoodTuring {
                    trials: count(4)?,
                    reached: count(5)?,
                    distinct: count(6)?,
                    once: count(7)?,
                    new_trials: count(8)?,
                    p_unseen: r.get(9)?,
                },
                transition_states: GoodTuring {
                    trials: count(10)?,
                    reached: count(11)?,
                    distinct: count(12)?,
                    once: count(13)?,
                    new_trials: count(14)?,
                    p_unseen: r.get(15)?,
                },
                new_minima: count(16)?,
                new_transition_states: count(17)?,
                agreement_seeds: numbers(r.get(18)?)
                    .iter()
                    .filter_map(|s| s.parse().ok())
                    .collect(),
                agreement_added: (count(19)?, count(20)?),
                connected: r.get(21)?,
                disconnected: numbers(r.get(22)?)
                    .iter()
                    .filter_map(|s| s.parse().ok())
                    .collect(),
                failed: numbers(r.get(23)?)
                    .iter()
                    .filter_map(|s| CertificateTest::parse(s))
                    .collect(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The last finished evaluation, if any.
    pub fn latest_certificate(&self) -> Result<Option<Certificate>, LandscapeError> {
        Ok(self.certificates()?.pop())
    }
}

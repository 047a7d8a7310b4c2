//! Password hashing with argon2id, on the work threads. Each thread keeps
//! its argon2 memory (19 MiB at the default cost) between hashes: freeing
//! and allocating it anew for every sign-in leaves freed blocks that the
//! allocator keeps, which under a flood of sign-ins grew a node by hundreds
//! of megabytes.

use std::cell::RefCell;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::work::Work;
use crate::{AppError, Ctx, Result};

/// Stored hashes asking for more memory than this are refused rather than
/// computed (a tampered row must not make a node allocate gigabytes).
const MAX_MEMORY_KIB: u32 = 256 * 1024;

thread_local! {
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("password hashing: {e}"))
}

/// The cost of new hashes: argon2's default, or the cheapest for tests.
fn params(weak: bool) -> Result<Params> {
    if weak {
        Params::new(Params::MIN_M_COST, 1, 1, None).map_err(internal)
    } else {
        Ok(Params::default())
    }
}

/// Hashes `password` with `salt` in this thread's kept memory.
fn compute(
    argon: &Argon2<'_>,
    password: &[u8],
    salt: &SaltString,
    output_len: usize,
) -> Result<Output> {
    let params = argon.params();
    if params.m_cost() > MAX_MEMORY_KIB {
        return Err(internal("a stored hash asks for too much memory"));
    }
    let mut raw = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut raw).map_err(internal)?;
    MEMORY.with_borrow_mut(|memory| {
        let blocks = params.block_count();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        Output::init_with(output_len, |out| {
            argon
                .hash_password_into_with_memory(password, salt_bytes, out, &mut memory[..blocks])
                .map_err(|_| argon2::password_hash::Error::Crypto)
        })
        .map_err(internal)
    })
}

/// Hashes a password with argon2id on the calling thread, as a PHC string.
pub fn hash_now(password: &str, weak: bool) -> Result<String> {
    let params = params(weak)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut raw = [0u8; 16];
    getrandom::fill(&mut raw).map_err(internal)?;
    let salt = SaltString::encode_b64(&raw).map_err(internal)?;
    let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let hash = compute(&argon, password.as_bytes(), &salt, output_len)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(internal)?,
        salt: Some(salt.as_salt()),
        hash: Some(hash),
    };
    Ok(phc.to_string())
}

/// Hashes a password with argon2id, on the work threads.
pub async fn hash(ctx: &Ctx, password: String) -> Result<String> {
    let weak = ctx.config.weak_password_hashing;
    ctx.work
        .run(Work::Hashing, move || hash_now(&password, weak))
        .await?
}

/// A hash that matches no password, checked when an account does not exist
/// so that the answer takes as long as for one that does.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8Y8uKBxTqTWmPeTdDYNyFTz2KChJtn4gR2wvEgxwHvw";

/// Whether `password` matches the stored PHC string, on the calling thread.
pub fn matches_now(password: &str, stored: &str) -> Result<bool> {
    let parsed = PasswordHash::new(stored).map_err(internal)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(internal("a stored hash has no salt or output"));
    };
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(internal)?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).map_err(internal)?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).map_err(internal)?;
    let argon = Argon2::new(algorithm, version, params);
    let salt = SaltString::from_b64(salt.as_str()).map_err(internal)?;
    let computed = compute(&argon, password.as_bytes(), &salt, expected.len())?;
    // `Output`'s equality takes the same time wherever the bytes differ.
    Ok(computed == expected)
}

/// Checks a password against a stored hash (or the decoy, for nobody), on
/// the work threads.
pub async fn verify(ctx: &Ctx, password: String, stored: Option<String>) -> Result<bool> {
    ctx.work
        .run(Work::Hashing, move || {
            let real = stored.is_some();
            let ok = matches_now(&password, stored.as_deref().unwrap_or(DECOY_HASH))?;
            Ok(real && ok)
        })
        .await?
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordVerifier;

    #[test]
    fn a_password_matches_its_own_hash_only() -> Result<()> {
        for weak in [true, false] {
            let hash = hash_now("correct horse battery", weak)?;
            assert!(matches_now("correct horse battery", &hash)?);
            assert!(!matches_now("wrong horse battery", &hash)?);
            // The same PHC string argon2 itself writes and checks.
            let parsed = PasswordHash::new(&hash).map_err(internal)?;
            assert!(
                Argon2::default()
                    .verify_password(b"correct horse battery", &parsed)
                    .is_ok()
            );
        }
        Ok(())
    }

    #[test]
    fn hashes_argon2_wrote_are_checked() -> Result<()> {
        use argon2::PasswordHasher;
        let salt = SaltString::encode_b64(b"sixteen byte sal").map_err(internal)?;
        let theirs = Argon2::default()
            .hash_password(b"an old password", &salt)
            .map_err(internal)?
            .to_string();
        assert!(matches_now("an old password", &theirs)?);
        assert!(!matches_now("another", &theirs)?);
        assert!(!matches_now("anything", DECOY_HASH)?);
        Ok(())
    }

    #[test]
    fn a_hash_asking_for_too_much_memory_is_refused() {
        let greedy = "$argon2id$v=19$m=4194304,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$8Y8uKBxTqTWmPeTdDYNyFTz2KChJtn4gR2wvEgxwHvw";
        assert!(matches!(
            matches_now("x", greedy),
            Err(AppError::Internal(_))
        ));
    }
}

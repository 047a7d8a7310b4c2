//! Random secrets, their hashes, and password hashing.

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use hearth_store::verify::{hex, sha256_hex};

use crate::work::Work;
use crate::{AppError, Ctx, Result};

/// 256 random bits as 64 hex characters.
pub fn random_secret() -> Result<String> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(hex(&buf))
}

/// SHA-256 of a secret, hex; what the store keeps instead of the secret.
pub fn hash_secret(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

fn argon2(weak: bool) -> Result<Argon2<'static>> {
    let params = if weak {
        Params::new(Params::MIN_M_COST, 1, 1, None)
    } else {
        Ok(Params::default())
    }
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password with argon2id, on the work threads.
pub async fn hash_password(ctx: &Ctx, password: String) -> Result<String> {
    let weak = ctx.config.weak_password_hashing;
    ctx.work
        .run(Work::Hashing, move || hash_password_now(&password, weak))
        .await?
}

/// Hashes a password with argon2id on the calling thread; for commands
/// that serve no requests.
pub fn hash_password_now(password: &str, weak: bool) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2(weak)?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// A hash that matches no password, verified when an account does not exist
/// so that the answer takes as long as for one that does.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8Y8uKBxTqTWmPeTdDYNyFTz2KChJtn4gR2wvEgxwHvw";

/// Checks a password against a stored hash (or the decoy), on the work threads.
pub async fn verify_password(ctx: &Ctx, password: String, hash: Option<String>) -> Result<bool> {
    ctx.work
        .run(Work::Hashing, move || {
            let real = hash.is_some();
            let hash = hash.unwrap_or_else(|| DECOY_HASH.to_owned());
            let parsed = PasswordHash::new(&hash).map_err(|e| AppError::Internal(e.to_string()))?;
            let ok = Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            Ok(real && ok)
        })
        .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() -> Result<()> {
        let hash = hash_password_now("correct horse battery", true)?;
        let parsed = PasswordHash::new(&hash).map_err(|e| AppError::Internal(e.to_string()))?;
        let verify = |p: &str| {
            Argon2::default()
                .verify_password(p.as_bytes(), &parsed)
                .is_ok()
        };
        assert!(verify("correct horse battery"));
        assert!(!verify("wrong horse battery"));
        Ok(())
    }

    #[test]
    fn secrets_are_random_and_hashed_to_hex() -> Result<()> {
        let (a, b) = (random_secret()?, random_secret()?);
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_secret("abc").len(), 64);
        Ok(())
    }
}

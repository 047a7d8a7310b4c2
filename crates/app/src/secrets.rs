//! Random secrets, their hashes, and password hashing.

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use hearth_store::verify::{hex, sha256_hex};

use crate::{AppError, Result};

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

/// Hashes a password with argon2id, off the async threads.
pub async fn hash_password(password: String, weak: bool) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2(weak)?
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// A hash that matches no password, verified when an account does not exist
/// so that the answer takes as long as for one that does.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8Y8uKBxTqTWmPeTdDYNyFTz2KChJtn4gR2wvEgxwHvw";

/// Checks a password against a stored hash (or the decoy), off the async threads.
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let real = hash.is_some();
        let hash = hash.unwrap_or_else(|| DECOY_HASH.to_owned());
        let parsed = PasswordHash::new(&hash).map_err(|e| AppError::Internal(e.to_string()))?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(real && ok)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() -> Result<()> {
        let hash = hash_password("correct horse battery".into(), true).await?;
        assert!(verify_password("correct horse battery".into(), Some(hash.clone())).await?);
        assert!(!verify_password("wrong horse battery".into(), Some(hash)).await?);
        assert!(!verify_password("anything".into(), None).await?);
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

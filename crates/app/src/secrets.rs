//! Random secrets and their hashes.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_hashed_to_hex() -> Result<()> {
        let (a, b) = (random_secret()?, random_secret()?);
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_secret("abc").len(), 64);
        Ok(())
    }
}

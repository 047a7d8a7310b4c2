//! Tokens Hearth signs into mail, so that a click or a reply proves which
//! member it came from without a session: unsubscribing from a kind of
//! mail, and replying to a topic by e-mail. HMAC-SHA-256 with a key the
//! database keeps (made at first use, the same on every node).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::secrets::random_secret;
use crate::{AppError, Ctx, Result};

/// The name of the key in the store.
const KEY: &str = "mail_signing";
/// Hex digits of a signature kept in a token: 128 bits.
const SIGNATURE_HEX: usize = 32;

/// The site's signing key.
pub(crate) async fn key(ctx: &Ctx) -> Result<Vec<u8>> {
    let secret = ctx
        .store
        .site_secret(KEY, random_secret()?, ctx.now())
        .await?;
    Ok(secret.into_bytes())
}

fn mac(key: &[u8], payload: &str) -> Result<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .map_err(|e| AppError::Internal(format!("signing key: {e}")))?;
    mac.update(payload.as_bytes());
    Ok(mac)
}

/// `payload.SIGNATURE`.
pub(crate) fn sign(key: &[u8], payload: &str) -> Result<String> {
    let tag = mac(key, payload)?.finalize().into_bytes();
    let hex = hearth_store::verify::hex(&tag);
    Ok(format!("{payload}.{}", &hex[..SIGNATURE_HEX]))
}

/// The payload of a token this key signed, if it did.
pub(crate) fn verify<'t>(key: &[u8], token: &'t str) -> Option<&'t str> {
    let (payload, signature) = token.rsplit_once('.')?;
    if signature.len() != SIGNATURE_HEX || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut raw = [0u8; SIGNATURE_HEX / 2];
    for (i, pair) in signature.as_bytes().chunks(2).enumerate() {
        let digits = std::str::from_utf8(pair).ok()?;
        raw[i] = u8::from_str_radix(digits, 16).ok()?;
    }
    mac(key, payload)
        .ok()?
        .verify_truncated_left(&raw)
        .ok()
        .map(|()| payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_with_its_key_only_and_whole() {
        let token = sign(b"key one", "7.mention").unwrap();
        assert_eq!(verify(b"key one", &token), Some("7.mention"));
        assert_eq!(verify(b"key two", &token), None);
        assert_eq!(verify(b"key one", &token.replace("7.", "8.")), None);
        let (payload, sig) = token.rsplit_once('.').unwrap();
        let mut flipped = sig.to_owned();
        let last = if flipped.ends_with('0') { "1" } else { "0" };
        flipped.replace_range(SIGNATURE_HEX - 1.., last);
        assert_eq!(verify(b"key one", &format!("{payload}.{flipped}")), None);
        assert_eq!(verify(b"key one", payload), None);
        assert_eq!(verify(b"key one", ""), None);
    }
}

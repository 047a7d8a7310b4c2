//! Replies by e-mail: any bytes are read within the per-input time limit,
//! and a reply read from them has a Message-ID, a reply address, and new
//! text with no quoted line left in it.
#![no_main]

use hearth_core::inbound_mail::{REPLY_PREFIX, read_reply};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(reply) = read_reply(data, None) else {
        return;
    };
    assert!(!reply.message_id.is_empty());
    assert!(reply.reply_address.to_ascii_lowercase().starts_with(REPLY_PREFIX));
    assert!(!reply.text.is_empty());
    assert_eq!(reply.text, reply.text.trim());
    assert!(reply.text.lines().all(|l| !l.starts_with('>')), "{:?}", reply.text);
});

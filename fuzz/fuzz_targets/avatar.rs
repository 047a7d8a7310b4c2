//! Avatars: any uploaded bytes are refused or become square JPEG files of
//! the fixed sizes, within the per-input time limit (a header that claims a
//! huge picture is refused before it is decoded).
#![no_main]

use hearth_core::avatar::{AVATAR_SIZES, make_avatar};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(files) = make_avatar(data) else {
        return;
    };
    for (jpeg, side) in files.jpegs.iter().zip(AVATAR_SIZES) {
        assert!(jpeg.starts_with(&[0xFF, 0xD8]), "not a JPEG of {side} pixels");
    }
});

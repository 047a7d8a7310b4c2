//! Avatars: an uploaded picture cut to a square and made into JPEG files of
//! a few fixed sizes. Decoding is bounded before it starts (dimensions and
//! memory), so that a small file claiming a huge picture costs nothing.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbImage};

use crate::CoreError;

/// The largest file taken, in bytes.
pub const MAX_AVATAR_BYTES: usize = 5 * 1024 * 1024;

/// The longest side of a picture taken, in pixels.
pub const MAX_AVATAR_SIDE: u32 = 6000;

/// The sizes made, in pixels: one for lists and cards, one for the profile
/// (each twice the size shown, for high-density screens).
pub const AVATAR_SIZES: [u32; 2] = [96, 320];

/// The most memory decoding may take (a 6000 × 6000 RGBA picture is 144 MB).
const MAX_DECODE_BYTES: u64 = 160 * 1024 * 1024;

const JPEG_QUALITY: u8 = 85;

/// The picture in each of [`AVATAR_SIZES`], as JPEG files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvatarFiles {
    /// The files, in the order of [`AVATAR_SIZES`].
    pub jpegs: [Vec<u8>; 2],
}

fn refused(why: impl Into<String>) -> CoreError {
    CoreError::invalid("avatar", why)
}

/// Makes the avatar files of an uploaded PNG, JPEG or WebP picture: the
/// middle square of it, scaled, transparent parts on white.
pub fn make_avatar(file: &[u8]) -> Result<AvatarFiles, CoreError> {
    if file.len() > MAX_AVATAR_BYTES {
        return Err(refused("must be at most 5 MB"));
    }
    let format = image::guess_format(file)
        .ok()
        .filter(|f| matches!(f, ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP))
        .ok_or_else(|| refused("must be a PNG, JPEG or WebP picture"))?;
    let mut reader = ImageReader::with_format(Cursor::new(file), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_AVATAR_SIDE);
    limits.max_image_height = Some(MAX_AVATAR_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let picture = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => refused(format!(
            "must be at most {MAX_AVATAR_SIDE} pixels on each side"
        )),
        _ => refused("could not be read as a picture"),
    })?;
    if picture.width() == 0 || picture.height() == 0 {
        return Err(refused("could not be read as a picture"));
    }
    let square = middle_square(picture);
    let jpegs = AVATAR_SIZES.map(|side| {
        let scaled = square.resize_exact(side, side, FilterType::Triangle);
        jpeg(&on_white(&scaled))
    });
    let [small, large] = jpegs;
    Ok(AvatarFiles {
        jpegs: [small?, large?],
    })
}

fn middle_square(picture: DynamicImage) -> DynamicImage {
    let (w, h) = (picture.width(), picture.height());
    let side = w.min(h);
    picture.crop_imm((w - side) / 2, (h - side) / 2, side, side)
}

/// The picture with its transparent parts laid on white.
fn on_white(picture: &DynamicImage) -> RgbImage {
    let rgba = picture.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| {
            let (c, a) = (u16::from(c), u16::from(a));
            // a = 255 keeps c; a = 0 gives white.
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

fn jpeg(picture: &RgbImage) -> Result<Vec<u8>, CoreError> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode_image(picture)
        .map_err(|_| refused("could not be made into a picture"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, RgbaImage};

    fn png(width: u32, height: u32, pixel: [u8; 4]) -> Vec<u8> {
        let picture = RgbaImage::from_pixel(width, height, image::Rgba(pixel));
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&picture, width, height, image::ExtendedColorType::Rgba8)
            .unwrap();
        out
    }

    /// The CRC-32 that ends a PNG chunk.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn decoded(jpeg: &[u8]) -> RgbImage {
        image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg)
            .unwrap()
            .to_rgb8()
    }

    #[test]
    fn pictures_become_squares_of_each_size() {
        let files = make_avatar(&png(600, 200, [200, 30, 30, 255])).unwrap();
        for (jpeg, side) in files.jpegs.iter().zip(AVATAR_SIZES) {
            let picture = decoded(jpeg);
            assert_eq!((picture.width(), picture.height()), (side, side));
            let [r, g, b] = picture.get_pixel(side / 2, side / 2).0;
            assert!(r > 180 && g < 60 && b < 60, "{r} {g} {b}");
        }
    }

    #[test]
    fn transparency_is_laid_on_white() {
        let files = make_avatar(&png(10, 10, [0, 0, 0, 0])).unwrap();
        let [r, g, b] = decoded(&files.jpegs[0]).get_pixel(5, 5).0;
        assert!(r > 245 && g > 245 && b > 245, "{r} {g} {b}");
    }

    #[test]
    fn what_is_no_picture_or_too_large_is_refused() {
        for file in [
            b"GIF89a not taken".to_vec(),
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            Vec::new(),
            png(10, 10, [0; 4])[..40].to_vec(),
        ] {
            assert!(make_avatar(&file).is_err());
        }
        // A header claiming 60,000 × 60,000 pixels is refused before decoding.
        let mut huge = png(1, 1, [0; 4]);
        huge[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        let crc = crc32(&huge[12..29]);
        huge[29..33].copy_from_slice(&crc.to_be_bytes());
        let e = make_avatar(&huge).unwrap_err();
        assert!(e.to_string().contains("pixels"), "{e}");
        assert!(make_avatar(&vec![0; MAX_AVATAR_BYTES + 1]).is_err());
    }
}

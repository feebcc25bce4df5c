#![no_main]

use libfuzzer_sys::fuzz_target;

// Whatever the bytes, `parse` must return; a panic is a finding.
fuzz_target!(|bytes: &[u8]| {
    let _ = ch16_parser::request::parse(bytes);
});

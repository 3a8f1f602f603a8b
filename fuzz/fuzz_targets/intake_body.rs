#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| compliance_vault_fuzz::intake_body(data));

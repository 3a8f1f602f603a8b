//! The cost of one Argon2id hash and one verification at the production parameters, alone: the
//! figure sign-in throughput is compared with (docs/performance.md), with fresh working memory
//! each time and over memory kept between calls, as the server keeps it.

// A benchmark whose setup fails should stop loudly, like a test.
#![allow(clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use identity::testing::SeededRandom;
use identity::{HashMemory, NewPassword, hash_password, verify_password, verify_password_in};

fn argon2id(c: &mut Criterion) {
    let password = NewPassword::parse("benchmark admin passphrase 2026").expect("a valid password");
    let rng = SeededRandom::new(7);
    let stored = hash_password(&password, &rng).expect("hashing works");
    let mut group = c.benchmark_group("argon2id");
    group.sample_size(20);
    group.bench_function("hash", |b| b.iter(|| hash_password(&password, &rng)));
    group.bench_function("verify", |b| {
        b.iter(|| verify_password("benchmark admin passphrase 2026", &stored))
    });
    // What the server does: the 19 MiB of working memory kept between calls.
    let mut memory = HashMemory::new();
    group.bench_function("verify_over_kept_memory", |b| {
        b.iter(|| verify_password_in("benchmark admin passphrase 2026", &stored, &mut memory))
    });
    group.finish();
}

criterion_group!(benches, argon2id);
criterion_main!(benches);

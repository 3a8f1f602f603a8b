// Included by the build scripts of the crates whose tests need PostgreSQL, Redis or S3. Each
// service's cfg is set when its URL is given (or when `VAULT_REQUIRE_SERVICES=1`, so that a
// missing URL fails those tests instead of hiding them); without it the tests carry
// `#[cfg_attr(not(has_…), ignore = "needs …")]` and report as ignored, not passed.

fn main() {
    let required = std::env::var("VAULT_REQUIRE_SERVICES").as_deref() == Ok("1");
    println!("cargo:rerun-if-env-changed=VAULT_REQUIRE_SERVICES");
    for (cfg, var) in [
        ("has_postgres", "TEST_DATABASE_URL"),
        ("has_redis", "TEST_REDIS_URL"),
        ("has_s3", "TEST_S3_URL"),
    ] {
        println!("cargo:rustc-check-cfg=cfg({cfg})");
        println!("cargo:rerun-if-env-changed={var}");
        let given = std::env::var(var).is_ok_and(|url| !url.trim().is_empty());
        if given || required {
            println!("cargo:rustc-cfg={cfg}");
        }
    }
}

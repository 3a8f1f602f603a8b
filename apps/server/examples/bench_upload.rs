//! `just bench-upload`: against a running server, provisions one client, then uploads COUNT files
//! of each SIZE (MB) as that client and reports MB/s; finally streams 1 GB against the upload
//! limit and reports how the server answered. Files are generated on the fly, never held whole.
//!
//! Usage: `bench_upload BASE_URL WEBHOOK_SECRET DATA_DIR SIZE_MB:COUNT...`

// A benchmark reports on stdout and stops at the first failure.
#![allow(clippy::print_stdout, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::time::Instant;

use serde_json::json;

const BOUNDARY: &str = "bench-upload-boundary";
const CHUNK: usize = 256 * 1024;

/// A multipart body of `size` bytes of PDF-looking content, generated chunk by chunk.
fn body(property_id: &str, size: u64) -> reqwest::Body {
    let head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"property_id\"\r\n\r\n{property_id}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    );
    let tail = format!("\r\n--{BOUNDARY}--\r\n");
    let filler = vec![b'x'; CHUNK];
    let chunks = (size.saturating_sub(9)).div_ceil(CHUNK as u64);
    let last = size.saturating_sub(9) - (chunks.saturating_sub(1)) * CHUNK as u64;
    let stream = futures_util::stream::iter(
        std::iter::once(head.into_bytes())
            .chain((0..chunks).map(move |i| {
                if i + 1 == chunks {
                    filler[..last as usize].to_vec()
                } else {
                    filler.clone()
                }
            }))
            .chain(std::iter::once(tail.into_bytes()))
            .map(Ok::<_, std::io::Error>),
    );
    reqwest::Body::wrap_stream(stream)
}

async fn provisioned_client(http: &reqwest::Client, base: &str, secret: &str, data_dir: &str) -> (String, String) {
    let run = uuid::Uuid::new_v4().simple().to_string();
    let intake = json!({
        "full_name": "Bench Uploader", "email": format!("bench-upload-{run}@example.com"), "client_type": "INDIVIDUAL",
        "preferred_contact": "EMAIL", "billing_plan": "PLAN_1", "consent_data_processing": true,
        "properties": [{"address_line_1": "1 Bench Street", "city": "Leeds", "postcode": "LS1 4AP"}]
    });
    let (token, _) = support::signed_up(http, base, secret, data_dir, &intake).await;
    let status = support::dashboard(http, base, &token).await;
    let property_id = status["properties"][0]["property_id"].as_str().unwrap().to_owned();
    (token, property_id)
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args.next().expect("BASE_URL");
    let secret = args.next().expect("WEBHOOK_SECRET");
    let data_dir = args.next().expect("DATA_DIR");
    let http = reqwest::Client::new();
    let (token, property_id) = provisioned_client(&http, &base, &secret, &data_dir).await;
    for spec in args {
        let (mb, count) = spec.split_once(':').expect("SIZE_MB:COUNT");
        let (mb, count): (u64, u32) = (mb.parse().unwrap(), count.parse().unwrap());
        let size = mb * 1_000_000;
        let started = Instant::now();
        for _ in 0..count {
            let response = http
                .post(format!("{base}/api/client/documents"))
                .bearer_auth(&token)
                .header("Content-Type", format!("multipart/form-data; boundary={BOUNDARY}"))
                .body(body(&property_id, size))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201, "{}", response.text().await.unwrap_or_default());
        }
        let seconds = started.elapsed().as_secs_f64();
        let total = (size * u64::from(count)) as f64 / 1e6;
        println!(
            "upload {mb} MB x {count}: {total:.0} MB in {seconds:.2} s = {:.1} MB/s",
            total / seconds
        );
    }
    let started = Instant::now();
    let response = http
        .post(format!("{base}/api/client/documents"))
        .bearer_auth(&token)
        .header("Content-Type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(body(&property_id, 1_000_000_000))
        .send()
        .await;
    match response {
        Ok(r) => println!(
            "1 GB upload: HTTP {} after {:.2} s",
            r.status(),
            started.elapsed().as_secs_f64()
        ),
        Err(e) => println!(
            "1 GB upload: connection ended after {:.2} s ({e})",
            started.elapsed().as_secs_f64()
        ),
    }
}

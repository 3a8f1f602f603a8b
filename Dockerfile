# The production image: a stripped release build of the one binary on a slim Debian base.
# Back up /var/lib/compliance-vault with `compliance-vault backup` (docs/operations.md).
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
# The image carries no debug information: symbols stripped (line tables stay in
# local release builds for backtraces).
ENV CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_STRIP=symbols
RUN cargo build --release --locked -p compliance-vault

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/compliance-vault vault && mkdir -p /var/lib/compliance-vault \
    && chown vault /var/lib/compliance-vault
COPY --from=build /src/target/release/compliance-vault /usr/local/bin/compliance-vault
USER vault
ENV DATA_DIR=/var/lib/compliance-vault BIND_ADDR=0.0.0.0:8080 ENVIRONMENT=production
EXPOSE 8080
ENTRYPOINT ["compliance-vault"]
CMD ["serve"]

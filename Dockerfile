# syntax=docker/dockerfile:1
# The updater's image: a static musl binary on Alpine, which provides the real `git` and `ssh`
# the updater shells out to (and `ssh-keygen`/`gpg` for commit signing).
#
#   docker build --build-arg GIT_COMMIT=$(git rev-parse HEAD) -t argocd-image-updater:0.1.0 .

ARG RUST_VERSION=1.95
ARG ALPINE_VERSION=3.22

FROM rust:${RUST_VERSION}-alpine AS build
# The Rust target of the build platform's architecture, e.g. aarch64-unknown-linux-musl on arm64.
ARG TARGET=x86_64-unknown-linux-musl
# Stamped into `version` by build.rs (.git is not in the build context).
ARG GIT_COMMIT=unknown
ARG SOURCE_DATE_EPOCH=0
ENV GIT_COMMIT=${GIT_COMMIT} SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH}
# musl-dev: the C runtime ring's assembly and the static link need.
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p argocd-image-updater --target "${TARGET}" \
 && install -D -m 0755 "target/${TARGET}/release/argocd-image-updater" /out/argocd-image-updater

FROM alpine:${ALPINE_VERSION}
# git and openssh-client for write-back; openssh-keygen for ssh commit signing; gpg and
# gpg-agent for OpenPGP commit signing; ca-certificates for registries and git over HTTPS.
RUN apk add --no-cache ca-certificates git openssh-client openssh-keygen gpg gpg-agent \
 && adduser -D -h /app -u 1000 argocd \
 && mkdir -p /app/config /app/.ssh /app/ssh-keys \
 && chown -R 1000:1000 /app
COPY --from=build /out/argocd-image-updater /usr/local/bin/argocd-image-updater
WORKDIR /app
USER 1000:1000
ENTRYPOINT ["/usr/local/bin/argocd-image-updater"]
CMD ["run"]

# syntax=docker/dockerfile:1
# smallgoals: a static binary on a distroless, non-root image.
#
#   docker build -t smallgoals \
#     --build-arg VERSION=$(git describe --tags --always --dirty) \
#     --build-arg COMMIT=$(git rev-parse HEAD) \
#     --build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ) .
#
# Run: see docker-compose.yml, deploy/helm/smallgoals and the README.
#
# Both base images are pinned by their multi-architecture index digest, so
# a rebuild of an old commit starts from the same bytes; the tag before the
# digest is for the reader (the digest wins). To move to a newer base, look
# the digest up (`crane digest golang:1.26.8-bookworm`, or
# `docker buildx imagetools inspect …`) and change tag and digest together.

FROM golang:1.26.8-bookworm@sha256:a688600ca24f8a4d3ca77f95b0dd40704a9fc787c826660eb7ba0b641b8b175d AS build
WORKDIR /src
# Modules first, so a code change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static (no cgo), reproducible paths, no debug info. Time-zone data is
# embedded by the binary itself (import time/tzdata). `smallgoals version`
# prints VERSION and COMMIT (empty: Go's build information, else (devel)).
ARG VERSION=
ARG COMMIT=
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/smallgoals ./cmd/smallgoals

FROM gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab
ARG VERSION=
ARG COMMIT=
ARG CREATED=
LABEL org.opencontainers.image.title="smallgoals" \
      org.opencontainers.image.description="Små mål: a Slack bot for logging and revising citizens' small goals in Danish social-sector institutions" \
      org.opencontainers.image.licenses="MPL-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="gcr.io/distroless/static-debian12:nonroot" \
      org.opencontainers.image.base.digest="sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab"
COPY --from=build /out/smallgoals /smallgoals
# Numeric, so Kubernetes' runAsNonRoot can check it without a passwd file:
# distroless's nonroot user and group. No shell, no package manager.
USER 65532:65532
ENV HTTP_ADDR=:3000
EXPOSE 3000
# Liveness: `smallgoals healthcheck --live` asks serve's /healthz (the image has
# no curl). Not /readyz: a database outage must not mark every container
# unhealthy; readiness recovers on its own.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/smallgoals", "healthcheck", "--live"]
ENTRYPOINT ["/smallgoals"]
CMD ["serve"]

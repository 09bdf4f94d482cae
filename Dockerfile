# syntax=docker/dockerfile:1
# smallgoals: a static binary on a distroless, non-root image.
# Build: docker build -t smallgoals .   Run: see docker-compose.yml and the README.

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first, so a code change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static (no cgo), reproducible paths, no debug info. Time-zone data is
# embedded by the binary itself (import time/tzdata).
# `smallgoals version` prints VERSION and COMMIT when given, e.g.
# docker build --build-arg VERSION=v1.2.0 --build-arg COMMIT=$(git rev-parse HEAD) .
ARG VERSION=
ARG COMMIT=
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/smallgoals ./cmd/smallgoals

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/smallgoals /smallgoals
# nonroot is UID 65532; the image has no shell, no package manager.
USER nonroot:nonroot
ENV HTTP_ADDR=:3000
EXPOSE 3000
# No curl in the image: the binary asks serve's /readyz itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/smallgoals", "healthcheck"]
ENTRYPOINT ["/smallgoals"]
CMD ["serve"]

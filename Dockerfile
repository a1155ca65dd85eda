# One image for the three regioncopy binaries: docker-compose.yml chooses one with its
# entrypoint (regioncopy-worker, the default; regioncopy, the CLI; backup-emulator).
#
#   docker build -t regioncopy --build-arg VERSION="$(git describe --tags --always --dirty)" .
#
# VERSION and COMMIT are stamped into every binary (package buildinfo); left empty, they
# are read from the git repository in the build context, when it has one.

# Go 1.26.8 on Debian 12 (bookworm), the official image: the Go release this module is
# built and tested with. It carries git, for the version stamp.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
# Modules first, so that a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
ARG COMMIT=""
# Static binaries: the final image has no C library.
ENV CGO_ENABLED=0
RUN set -eu; \
    if [ -z "${VERSION}" ]; then VERSION="$(git describe --tags --always --dirty 2>/dev/null || echo devel)"; fi; \
    if [ -z "${COMMIT}" ]; then COMMIT="$(git rev-parse HEAD 2>/dev/null || echo unknown)"; fi; \
    ldflags="-s -w -X github.com/regioncopy/regioncopy/buildinfo.version=${VERSION} -X github.com/regioncopy/regioncopy/buildinfo.commit=${COMMIT}"; \
    go build -trimpath -buildvcs=false -ldflags "${ldflags}" -o /out/regioncopy ./starter/cmd/regioncopy; \
    go build -trimpath -buildvcs=false -ldflags "${ldflags}" -o /out/regioncopy-worker ./worker/cmd/regioncopy-worker; \
    go build -trimpath -buildvcs=false -ldflags "${ldflags}" -o /out/backup-emulator ./emulator/cmd/backup-emulator

# Distroless static on Debian 12, nonroot variant: CA certificates and time zones for the
# AWS and Temporal clients, no shell and no package manager; user nonroot is uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ /usr/local/bin/
USER nonroot:nonroot
WORKDIR /home/nonroot
# The worker's metrics endpoint (REGIONCOPY_METRICS_LISTEN) and the emulator's port.
EXPOSE 9464 4566
ENTRYPOINT ["/usr/local/bin/regioncopy-worker"]

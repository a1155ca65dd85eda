// Package deploy holds the files that run regioncopy outside `make dev` (the Prometheus,
// Grafana and Temporal configuration that docker-compose.yml mounts) and the tests that
// check docker-compose.yml and the Dockerfile against the code without a container
// engine: images pinned, environment variables the binaries read, health checks, start-up
// order, mounted files present, and the Dockerfile's builds those of the real commands.
package deploy

// Package check holds the deployment files' tests, in a module of its own
// so the bot's module does not carry Helm's, Kubernetes' and Prometheus'
// libraries: the Helm chart rendered with Helm's library for several value
// sets and every object decoded strictly into its Kubernetes (or
// Prometheus Operator) type; the alert rules parsed with Prometheus' rule
// parser; the Grafana dashboard's queries parsed as PromQL; the compose
// file's database roles. Run it with `make deploy-check`.
package check

{{/* The chart's name. */}}
{{- define "smallgoals.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The full name of the release's objects. */}}
{{- define "smallgoals.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The labels that select the release's pods. */}}
{{- define "smallgoals.selectorLabels" -}}
app.kubernetes.io/name: {{ include "smallgoals.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Every object's labels. */}}
{{- define "smallgoals.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "smallgoals.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "smallgoals.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "smallgoals.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image: repository@digest, or repository:tag. */}}
{{- define "smallgoals.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The mode, checked. */}}
{{- define "smallgoals.mode" -}}
{{- if not (has .Values.slack.mode (list "socket" "http")) -}}
{{- fail (printf "slack.mode must be socket or http, not %q" .Values.slack.mode) -}}
{{- end -}}
{{- if and .Values.ingress.enabled (eq .Values.slack.mode "socket") -}}
{{- fail "ingress.enabled needs slack.mode http: in Socket Mode Slack calls nothing (set slack.mode=http or ingress.enabled=false)" -}}
{{- end -}}
{{- .Values.slack.mode -}}
{{- end -}}

{{/*
GOMEMLIMIT in bytes: goMemLimit when set, else 90 % of
resources.limits.memory; empty without a memory limit.
*/}}
{{- define "smallgoals.goMemLimit" -}}
{{- if .Values.goMemLimit -}}
{{- .Values.goMemLimit -}}
{{- else -}}
{{- $limit := "" -}}
{{- with .Values.resources.limits -}}
{{- if or (kindIs "float64" .memory) (kindIs "int64" .memory) (kindIs "int" .memory) -}}
{{- $limit = printf "%d" (int64 .memory) -}}
{{- else -}}
{{- $limit = toString (default "" .memory) -}}
{{- end -}}
{{- end -}}
{{- if $limit -}}
{{- $digits := regexFind "^[0-9]+" $limit -}}
{{- $unit := trimPrefix $digits $limit -}}
{{- $units := dict "" 1 "K" 1000 "M" 1000000 "G" 1000000000 "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 -}}
{{- if or (not $digits) (not (hasKey $units $unit)) -}}
{{- fail (printf "resources.limits.memory %q: write a whole number with Ki, Mi, Gi, K, M or G (or set goMemLimit)" $limit) -}}
{{- end -}}
{{- div (mul (atoi $digits) (get $units $unit) 9) 10 -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The restricted pod security context of every pod. */}}
{{- define "smallgoals.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The restricted container security context of every container. */}}
{{- define "smallgoals.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

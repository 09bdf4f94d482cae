package check

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"sigs.k8s.io/yaml"
)

const chartDir = "../helm/smallgoals"

// The Kubernetes types the chart may make; anything else is an error.
var (
	scheme = runtime.NewScheme()
	codecs = serializer.NewCodecFactory(scheme, serializer.EnableStrict)
)

func init() {
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme,
		policyv1.AddToScheme, networkingv1.AddToScheme, monitoringv1.AddToScheme} {
		utilruntime.Must(add(scheme))
	}
}

// rendered is a chart rendered with a value set: its objects, decoded.
type rendered struct {
	objects []runtime.Object
	files   map[string]string // template -> rendered text
}

// render renders the chart as `helm install sg` would in the namespace
// care, with vals over values.yaml (YAML), and decodes every object
// strictly: an unknown or duplicate field, a wrong type or an unknown
// kind fails the test.
func render(t *testing.T, vals string) rendered {
	t.Helper()
	out, err := renderErr(vals)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// loadChart loads the chart once (Helm says once that it follows the
// links in files/).
var loadChart = sync.OnceValues(func() (*chart.Chart, error) { return loader.Load(chartDir) })

func renderErr(vals string) (rendered, error) {
	chrt, err := loadChart()
	if err != nil {
		return rendered{}, err
	}
	var user map[string]any
	if err := yaml.Unmarshal([]byte(vals), &user); err != nil {
		return rendered{}, fmt.Errorf("values: %w", err)
	}
	top, err := chartutil.ToRenderValues(chrt, user, chartutil.ReleaseOptions{Name: "sg", Namespace: "care", IsInstall: true, Revision: 1}, nil)
	if err != nil {
		return rendered{}, err
	}
	files, err := engine.Render(chrt, top)
	if err != nil {
		return rendered{}, err
	}
	out := rendered{files: files}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	dec := codecs.UniversalDeserializer()
	for _, name := range names {
		if !strings.HasSuffix(name, ".yaml") {
			continue // NOTES.txt, _helpers.tpl
		}
		for _, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(files[name], -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			obj, gvk, err := dec.Decode([]byte(doc), nil, nil)
			if err != nil {
				return rendered{}, fmt.Errorf("%s: %w\n%s", name, err, doc)
			}
			if gvk.Kind == "" {
				return rendered{}, fmt.Errorf("%s: no kind", name)
			}
			out.objects = append(out.objects, obj)
		}
	}
	return out, nil
}

func stripComments(doc string) string {
	return regexp.MustCompile(`(?m)^\s*#.*$`).ReplaceAllString(doc, "")
}

func all[T runtime.Object](r rendered) []T {
	var out []T
	for _, o := range r.objects {
		if v, ok := o.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

func one[T runtime.Object](t *testing.T, r rendered) T {
	t.Helper()
	got := all[T](r)
	if len(got) != 1 {
		var zero T
		t.Fatalf("want one %T, got %d", zero, len(got))
	}
	return got[0]
}

// The value sets every common property is checked on.
var valueSets = map[string]string{
	"defaults": ``,
	"http with ingress": `
slack: {mode: http}
ingress:
  enabled: true
  className: nginx
  host: maal.kommune.dk
  tls: [{secretName: maal-tls, hosts: [maal.kommune.dk]}]
  annotations: {cert-manager.io/cluster-issuer: letsencrypt}
image: {repository: registry.kommune.dk/smallgoals, digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
secrets: {existingSecret: maal, keys: {oldDataKeys: old-data-keys}}
networkPolicy:
  postgres: {to: [{ipBlock: {cidr: 10.20.30.40/32}}]}
`,
	"socket mode": `
slack: {mode: socket}
replicaCount: 3
resources: {requests: {cpu: 50m, memory: 64Mi}, limits: {cpu: "1", memory: 1Gi}}
migration: {existingSecret: maal-owner}
config: {retentionDays: 365, auditRetentionDays: 1826}
extraEnv: [{name: HTTPS_PROXY, value: "http://proxy.kommune.dk:3128"}]
`,
	"monitoring on": `
serviceMonitor: {enabled: true, labels: {release: kube-prometheus-stack}}
prometheusRule: {enabled: true, labels: {release: kube-prometheus-stack}}
grafanaDashboard: {enabled: true}
`,
}

func TestChartRendersAndDecodesStrictly(t *testing.T) {
	for name, vals := range valueSets {
		t.Run(name, func(t *testing.T) {
			r := render(t, vals)
			kinds := map[string]int{}
			for _, o := range r.objects {
				kinds[fmt.Sprintf("%T", o)]++
			}
			for _, want := range []string{"*v1.Deployment", "*v1.Service", "*v1.PodDisruptionBudget", "*v1.NetworkPolicy", "*v1.ServiceAccount", "*v1.Job"} {
				if kinds[want] != 1 {
					t.Errorf("%s: %d, want 1 (all: %v)", want, kinds[want], kinds)
				}
			}
			if _, ok := r.files["smallgoals/templates/NOTES.txt"]; !ok {
				t.Error("NOTES.txt was not rendered")
			}
		})
	}
}

func TestDeployment(t *testing.T) {
	for name, vals := range valueSets {
		t.Run(name, func(t *testing.T) {
			r := render(t, vals)
			d := one[*appsv1.Deployment](t, r)
			if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
				t.Errorf("replicas = %v, want at least 2", d.Spec.Replicas)
			}
			if ru := d.Spec.Strategy.RollingUpdate; ru == nil || ru.MaxUnavailable.IntValue() != 0 {
				t.Errorf("rolling update %+v: want maxUnavailable 0", ru)
			}
			pod := d.Spec.Template
			sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
			if err != nil || !sel.Matches(labels.Set(pod.Labels)) {
				t.Fatalf("the selector %v does not select the pods %v", d.Spec.Selector, pod.Labels)
			}

			// A PDB for the same pods.
			pdb := one[*policyv1.PodDisruptionBudget](t, r)
			psel, _ := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
			if !psel.Matches(labels.Set(pod.Labels)) || pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() < 1 {
				t.Errorf("PDB %+v does not keep a bot pod up", pdb.Spec)
			}

			// Spread over nodes, each constraint selecting these pods.
			var hostname bool
			for _, c := range pod.Spec.TopologySpreadConstraints {
				s, _ := metav1.LabelSelectorAsSelector(c.LabelSelector)
				if !s.Matches(labels.Set(pod.Labels)) {
					t.Errorf("topology spread %s selects other pods", c.TopologyKey)
				}
				hostname = hostname || c.TopologyKey == "kubernetes.io/hostname"
			}
			if !hostname {
				t.Error("no topology spread over kubernetes.io/hostname")
			}

			checkPodSecurity(t, pod.Spec)
			if pod.Spec.ServiceAccountName == "" || pod.Spec.ServiceAccountName == "default" {
				t.Errorf("service account %q, want the release's own", pod.Spec.ServiceAccountName)
			}
			sa := one[*corev1.ServiceAccount](t, r)
			if sa.Name != pod.Spec.ServiceAccountName || sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken {
				t.Errorf("service account %s mounts its token", sa.Name)
			}

			c := pod.Spec.Containers[0]
			if len(pod.Spec.Containers) != 1 {
				t.Fatalf("%d containers", len(pod.Spec.Containers))
			}
			if !slices.ContainsFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.Name == "http" && p.ContainerPort == 3000 }) {
				t.Errorf("ports %+v: want http 3000", c.Ports)
			}
			for probe, want := range map[*corev1.Probe]string{c.StartupProbe: "/healthz", c.LivenessProbe: "/healthz", c.ReadinessProbe: "/readyz"} {
				if probe == nil || probe.HTTPGet == nil || probe.HTTPGet.Path != want || probe.HTTPGet.Port.String() != "http" {
					t.Errorf("probe %+v: want GET %s on http", probe, want)
				}
			}
			if c.StartupProbe != nil && c.StartupProbe.FailureThreshold*c.StartupProbe.PeriodSeconds < 60 {
				t.Errorf("the startup probe gives %d s, want a minute or more", c.StartupProbe.FailureThreshold*c.StartupProbe.PeriodSeconds)
			}

			env := map[string]string{}
			for _, e := range c.Env {
				if e.ValueFrom != nil {
					t.Errorf("%s comes from %+v: secrets are files (NAME_FILE), never variables", e.Name, e.ValueFrom)
				}
				env[e.Name] = e.Value
			}
			// GOMEMLIMIT: 90 % of the memory limit, in bytes.
			limit := c.Resources.Limits[corev1.ResourceMemory]
			if limit.IsZero() {
				t.Fatal("no memory limit")
			}
			if want := fmt.Sprint(limit.Value() * 9 / 10); env["GOMEMLIMIT"] != want {
				t.Errorf("GOMEMLIMIT = %q, want %s (90 %% of %s)", env["GOMEMLIMIT"], want, limit.String())
			}
			if c.Resources.Requests.Memory().IsZero() || c.Resources.Requests.Cpu().IsZero() {
				t.Errorf("requests %v: want cpu and memory", c.Resources.Requests)
			}

			// Every secret is a file in the mounted Secret, as the mode needs.
			mounts := map[string]string{}
			for _, m := range c.VolumeMounts {
				mounts[m.Name] = m.MountPath
				if !m.ReadOnly && m.Name != "tmp" {
					t.Errorf("volume %s mounted writable", m.Name)
				}
			}
			files := map[string]bool{}
			for _, v := range pod.Spec.Volumes {
				if v.Secret == nil {
					continue
				}
				for _, it := range v.Secret.Items {
					files[filepath.Join(mounts[v.Name], it.Path)] = true
				}
			}
			mode := "socket"
			if strings.Contains(name, "http") {
				mode = "http"
			}
			want := []string{"DATABASE_URL_FILE", "SLACK_BOT_TOKEN_FILE", "SMALLGOALS_DATA_KEY_FILE"}
			notWant := "SLACK_SIGNING_SECRET_FILE"
			if mode == "http" {
				want, notWant = append(want, "SLACK_SIGNING_SECRET_FILE", "SMALLGOALS_OLD_DATA_KEYS_FILE"), "SLACK_APP_TOKEN_FILE"
			} else {
				want = append(want, "SLACK_APP_TOKEN_FILE")
			}
			for _, v := range want {
				if !files[env[v]] {
					t.Errorf("%s = %q, not a file of the mounted Secret %v", v, env[v], files)
				}
			}
			if _, ok := env[notWant]; ok {
				t.Errorf("%s mode sets %s", mode, notWant)
			}
			if len(files) != len(want) {
				t.Errorf("the Secret's files %v: want only %v", files, want)
			}
			if !slices.Contains(documentedVariables(t), "DATABASE_URL") {
				t.Fatal("README table not read")
			}
			for name := range env {
				base := strings.TrimSuffix(name, "_FILE")
				if !slices.Contains(documentedVariables(t), base) && name != "GOMEMLIMIT" && name != "HTTPS_PROXY" {
					t.Errorf("the chart sets %s, which the README's configuration table does not document", name)
				}
			}

			// With the migration Job, the bot does not migrate.
			if got := strings.Join(c.Args, " "); got != "serve --no-migrate" {
				t.Errorf("args %q, want serve --no-migrate", got)
			}
		})
	}
}

// checkPodSecurity: the restricted Pod Security Standard, UID/GID 65532.
func checkPodSecurity(t *testing.T, spec corev1.PodSpec) {
	t.Helper()
	ps := spec.SecurityContext
	if ps == nil || ps.RunAsNonRoot == nil || !*ps.RunAsNonRoot || ps.RunAsUser == nil || *ps.RunAsUser != 65532 ||
		ps.RunAsGroup == nil || *ps.RunAsGroup != 65532 || ps.SeccompProfile == nil || ps.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod security context %+v: want non-root 65532:65532, seccomp RuntimeDefault", ps)
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		t.Error("the pod mounts a service account token")
	}
	if spec.HostNetwork || spec.HostPID || spec.HostIPC {
		t.Error("the pod shares a host namespace")
	}
	for _, c := range append(slices.Clone(spec.InitContainers), spec.Containers...) {
		s := c.SecurityContext
		if s == nil || s.ReadOnlyRootFilesystem == nil || !*s.ReadOnlyRootFilesystem {
			t.Errorf("%s: the root filesystem is writable", c.Name)
			continue
		}
		if s.AllowPrivilegeEscalation == nil || *s.AllowPrivilegeEscalation || (s.Privileged != nil && *s.Privileged) {
			t.Errorf("%s: privilege escalation allowed", c.Name)
		}
		if s.Capabilities == nil || !slices.Equal(s.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(s.Capabilities.Add) != 0 {
			t.Errorf("%s: capabilities %+v, want drop ALL", c.Name, s.Capabilities)
		}
		if s.RunAsUser == nil || *s.RunAsUser != 65532 || s.RunAsNonRoot == nil || !*s.RunAsNonRoot {
			t.Errorf("%s: not run as 65532", c.Name)
		}
	}
}

var readmeVars []string

// documentedVariables are the names in the README's configuration table.
func documentedVariables(t *testing.T) []string {
	t.Helper()
	if readmeVars == nil {
		b, err := os.ReadFile("../../README.md")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\|").FindAllStringSubmatch(string(b), -1) {
			readmeVars = append(readmeVars, m[1])
		}
	}
	return readmeVars
}

// The migration Job: a hook before install and upgrade, `migrate` with the
// owner's URL only — no data key, no Slack token — and the same
// restricted security.
func TestMigrationJob(t *testing.T) {
	for name, vals := range valueSets {
		t.Run(name, func(t *testing.T) {
			r := render(t, vals)
			j := one[*batchv1.Job](t, r)
			if got := j.Annotations["helm.sh/hook"]; got != "pre-install,pre-upgrade" {
				t.Errorf("hook %q, want pre-install,pre-upgrade", got)
			}
			spec := j.Spec.Template.Spec
			checkPodSecurity(t, spec)
			if spec.RestartPolicy != corev1.RestartPolicyNever {
				t.Errorf("restart policy %s", spec.RestartPolicy)
			}
			c := spec.Containers[0]
			if !slices.Equal(c.Args, []string{"migrate"}) {
				t.Errorf("args %q, want migrate", c.Args)
			}
			for _, e := range c.Env {
				if strings.Contains(e.Name, "DATA_KEY") || strings.HasPrefix(e.Name, "SLACK_") || e.ValueFrom != nil {
					t.Errorf("the migration Job sets %s", e.Name)
				}
			}
			d := one[*appsv1.Deployment](t, r)
			botSecret := d.Spec.Template.Spec.Volumes[0].Secret.SecretName
			if len(spec.Volumes) != 1 || spec.Volumes[0].Secret == nil {
				t.Fatalf("volumes %+v: want the owner's Secret only", spec.Volumes)
			}
			v := spec.Volumes[0].Secret
			if v.SecretName == botSecret || len(v.Items) != 1 || v.Items[0].Path != "database_url" {
				t.Errorf("the Job mounts %s %+v: want only the owner's URL, not the bot's Secret %s", v.SecretName, v.Items, botSecret)
			}
			for _, e := range c.Env {
				if e.Name == "DATABASE_URL_FILE" && e.Value != filepath.Join(c.VolumeMounts[0].MountPath, "database_url") {
					t.Errorf("DATABASE_URL_FILE = %s, not the mounted file", e.Value)
				}
			}
			if doc := r.files["smallgoals/templates/migration-job.yaml"]; strings.Contains(strings.ToLower(doc), "data_key") || strings.Contains(doc, "data-key") {
				t.Error("the Job's manifest names a data key")
			}
		})
	}
}

// In HTTP mode the Ingress routes Slack's three URLs to the Service, and
// nothing else; in Socket Mode there is none, and asking for one fails.
func TestIngress(t *testing.T) {
	r := render(t, valueSets["http with ingress"])
	ing := one[*networkingv1.Ingress](t, r)
	svc := one[*corev1.Service](t, r)
	var paths []string
	for _, rule := range ing.Spec.Rules {
		if rule.Host != "maal.kommune.dk" {
			t.Errorf("host %q", rule.Host)
		}
		for _, p := range rule.HTTP.Paths {
			paths = append(paths, p.Path)
			if !strings.HasPrefix(p.Path, "/slack/") || p.PathType == nil || *p.PathType == networkingv1.PathTypeImplementationSpecific {
				t.Errorf("path %s (%v): only /slack/…, exact or prefix", p.Path, p.PathType)
			}
			if p.Backend.Service == nil || p.Backend.Service.Name != svc.Name || p.Backend.Service.Port.Name != "http" {
				t.Errorf("path %s goes to %+v, want the Service %s", p.Path, p.Backend, svc.Name)
			}
		}
	}
	slices.Sort(paths)
	if !slices.Equal(paths, []string{"/slack/commands", "/slack/events", "/slack/interactions"}) {
		t.Errorf("paths %v", paths)
	}
	if len(ing.Spec.TLS) != 1 || ing.Spec.IngressClassName == nil || *ing.Spec.IngressClassName != "nginx" {
		t.Errorf("tls %+v class %v", ing.Spec.TLS, ing.Spec.IngressClassName)
	}
	for _, name := range []string{"defaults", "socket mode", "monitoring on"} {
		if n := len(all[*networkingv1.Ingress](render(t, valueSets[name]))); n != 0 {
			t.Errorf("%s: %d Ingress", name, n)
		}
	}
	if _, err := renderErr("ingress: {enabled: true}"); err == nil || !strings.Contains(err.Error(), "slack.mode http") {
		t.Errorf("an Ingress in Socket Mode: %v, want an error naming slack.mode http", err)
	}
	if _, err := renderErr("slack: {mode: rtm}"); err == nil {
		t.Error("slack.mode rtm rendered")
	}
	d := one[*appsv1.Deployment](t, r)
	if got := d.Spec.Template.Spec.Containers[0].Image; got != "registry.kommune.dk/smallgoals@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" {
		t.Errorf("image %s, want the digest", got)
	}
	ssel := labels.SelectorFromSet(svc.Spec.Selector)
	if !ssel.Matches(labels.Set(d.Spec.Template.Labels)) || len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].TargetPort.String() != "http" {
		t.Errorf("Service %+v does not reach the bot's port", svc.Spec)
	}
}

// The NetworkPolicy: covers the bot's and the Job's pods; in, only port
// 3000 from the named peers; out, only DNS, PostgreSQL and HTTPS to
// public addresses.
func TestNetworkPolicy(t *testing.T) {
	for name, vals := range valueSets {
		t.Run(name, func(t *testing.T) {
			r := render(t, vals)
			np := one[*networkingv1.NetworkPolicy](t, r)
			sel, _ := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
			if !sel.Matches(labels.Set(one[*appsv1.Deployment](t, r).Spec.Template.Labels)) ||
				!sel.Matches(labels.Set(one[*batchv1.Job](t, r).Spec.Template.Labels)) {
				t.Error("the policy does not cover the bot's and the Job's pods")
			}
			if !slices.Equal(np.Spec.PolicyTypes, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}) {
				t.Errorf("policy types %v", np.Spec.PolicyTypes)
			}
			for _, in := range np.Spec.Ingress {
				if len(in.Ports) != 1 || in.Ports[0].Port.String() != "http" || len(in.From) == 0 {
					t.Errorf("ingress rule %+v: want port http from named peers", in)
				}
			}
			var ports []string
			for _, out := range np.Spec.Egress {
				if len(out.Ports) == 0 {
					t.Errorf("egress rule %+v allows every port", out)
				}
				for _, p := range out.Ports {
					ports = append(ports, fmt.Sprintf("%s/%s", p.Port.String(), *p.Protocol))
				}
				if slices.ContainsFunc(out.Ports, func(p networkingv1.NetworkPolicyPort) bool { return p.Port.IntValue() == 443 }) {
					if len(out.To) == 0 || out.To[0].IPBlock == nil || !slices.Contains(out.To[0].IPBlock.Except, "10.0.0.0/8") ||
						!slices.Contains(out.To[0].IPBlock.Except, "169.254.0.0/16") {
						t.Errorf("HTTPS egress %+v reaches private addresses", out.To)
					}
				}
				if slices.ContainsFunc(out.Ports, func(p networkingv1.NetworkPolicyPort) bool { return p.Port.IntValue() == 53 }) && len(out.To) == 0 {
					t.Error("DNS egress to anywhere")
				}
			}
			slices.Sort(ports)
			if !slices.Equal(ports, []string{"443/TCP", "53/TCP", "53/UDP", "5432/TCP"}) {
				t.Errorf("egress ports %v, want DNS, PostgreSQL and HTTPS only", ports)
			}
		})
	}
}

// Monitoring on: a ServiceMonitor scraping /metrics on the Service's port
// as job "smallgoals", the PrometheusRule with alerts.yaml's groups, the
// dashboard in a ConfigMap; off by default.
func TestMonitoringObjects(t *testing.T) {
	for _, name := range []string{"defaults", "http with ingress", "socket mode"} {
		r := render(t, valueSets[name])
		if n := len(all[*monitoringv1.ServiceMonitor](r)) + len(all[*monitoringv1.PrometheusRule](r)) + len(all[*corev1.ConfigMap](r)); n != 0 {
			t.Errorf("%s: %d monitoring objects, want none", name, n)
		}
	}
	r := render(t, valueSets["monitoring on"])
	sm := one[*monitoringv1.ServiceMonitor](t, r)
	svc := one[*corev1.Service](t, r)
	sel, _ := metav1.LabelSelectorAsSelector(&sm.Spec.Selector)
	if !sel.Matches(labels.Set(svc.Labels)) || sm.Labels["release"] != "kube-prometheus-stack" {
		t.Errorf("ServiceMonitor %v does not select the Service %v", sm.Spec.Selector, svc.Labels)
	}
	if len(sm.Spec.Endpoints) != 1 || sm.Spec.Endpoints[0].Port != "http" || sm.Spec.Endpoints[0].Path != "/metrics" {
		t.Errorf("endpoints %+v", sm.Spec.Endpoints)
	}
	relabel := sm.Spec.Endpoints[0].RelabelConfigs
	if len(relabel) != 1 || relabel[0].TargetLabel != "job" || relabel[0].Replacement == nil || *relabel[0].Replacement != "smallgoals" {
		t.Errorf("relabelings %+v: want job=smallgoals", relabel)
	}
	rule := one[*monitoringv1.PrometheusRule](t, r)
	groups, _ := parseAlerts(t)
	if len(rule.Spec.Groups) != len(groups.Groups) {
		t.Errorf("the PrometheusRule has %d groups, alerts.yaml %d", len(rule.Spec.Groups), len(groups.Groups))
	}
	for i, g := range rule.Spec.Groups {
		if g.Name != groups.Groups[i].Name || len(g.Rules) != len(groups.Groups[i].Rules) {
			t.Errorf("group %d: %s with %d rules, alerts.yaml %s", i, g.Name, len(g.Rules), groups.Groups[i].Name)
		}
	}
	cm := one[*corev1.ConfigMap](t, r)
	dash, err := os.ReadFile("../grafana/smallgoals.json")
	if err != nil {
		t.Fatal(err)
	}
	if cm.Labels["grafana_dashboard"] != "1" || strings.TrimSpace(cm.Data["smallgoals.json"]) != strings.TrimSpace(string(dash)) {
		t.Error("the dashboard ConfigMap does not hold deploy/grafana/smallgoals.json")
	}
}

// GOMEMLIMIT follows the memory limit in every unit, or goMemLimit; a
// limit it cannot read stops the render.
func TestGoMemLimit(t *testing.T) {
	for limit, want := range map[string]string{"256Mi": "241591910", "1Gi": "966367641", "500M": "450000000", "300000000": "270000000"} {
		r := render(t, "resources: {limits: {memory: "+limit+"}}")
		if got := envOf(one[*appsv1.Deployment](t, r))["GOMEMLIMIT"]; got != want {
			t.Errorf("limit %s: GOMEMLIMIT %q, want %s", limit, got, want)
		}
		q := resource.MustParse(limit)
		if fmt.Sprint(q.Value()*9/10) != want {
			t.Errorf("the test's own figure for %s is wrong", limit)
		}
	}
	if got := envOf(one[*appsv1.Deployment](t, render(t, "goMemLimit: 200MiB")))["GOMEMLIMIT"]; got != "200MiB" {
		t.Errorf("goMemLimit: GOMEMLIMIT %q", got)
	}
	if _, err := renderErr("resources: {limits: {memory: 0.5Gi}}"); err == nil || !strings.Contains(err.Error(), "goMemLimit") {
		t.Errorf("memory 0.5Gi: %v, want an error saying what to write", err)
	}
	if env := envOf(one[*appsv1.Deployment](t, render(t, "resources: {limits: null}"))); env["GOMEMLIMIT"] != "" {
		t.Errorf("no limit: GOMEMLIMIT %q", env["GOMEMLIMIT"])
	}
}

func envOf(d *appsv1.Deployment) map[string]string {
	env := map[string]string{}
	for _, e := range d.Spec.Template.Spec.Containers[0].Env {
		env[e.Name] = e.Value
	}
	return env
}

// Without the migration Job, every replica migrates (no --no-migrate); a
// single replica gets no PodDisruptionBudget (it could never be drained).
func TestWithoutJobOrSecondReplica(t *testing.T) {
	r := render(t, "migration: {enabled: false}")
	if n := len(all[*batchv1.Job](r)); n != 0 {
		t.Errorf("%d Jobs", n)
	}
	if args := one[*appsv1.Deployment](t, r).Spec.Template.Spec.Containers[0].Args; !slices.Equal(args, []string{"serve"}) {
		t.Errorf("args %q, want serve", args)
	}
	if n := len(all[*policyv1.PodDisruptionBudget](render(t, "replicaCount: 1"))); n != 0 {
		t.Errorf("one replica: %d PDBs", n)
	}
	if _, err := renderErr("secrets: {existingSecret: ''}"); err == nil || !strings.Contains(err.Error(), "secrets.existingSecret") {
		t.Errorf("no Secret: %v", err)
	}
}

// The chart's files are the ones in deploy/prometheus and deploy/grafana
// (links, so they cannot drift).
func TestChartFilesAreTheShippedOnes(t *testing.T) {
	for link, target := range map[string]string{"files/alerts.yaml": "../prometheus/alerts.yaml", "files/smallgoals.json": "../grafana/smallgoals.json"} {
		a, err := os.ReadFile(filepath.Join(chartDir, link))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(target)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from %s", link, target)
		}
	}
}

// values.schema.json stops a misspelt key or a wrong value before anything
// is applied, naming it.
func TestValuesSchema(t *testing.T) {
	for vals, want := range map[string]string{
		"replicas: 3":                          "replicas",
		"config: {lang: de}":                   "lang",
		"config: {databaseMaxConns: 0}":        "databaseMaxConns",
		"image: {digest: latest}":              "digest",
		"networkPolicy: {postgress: {to: []}}": "postgress",
		"slack: {mode: rtm}":                   "mode",
	} {
		if _, err := renderErr(vals); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error naming %s", vals, err, want)
		}
	}
}

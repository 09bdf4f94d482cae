package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"smallgoals/store/storetest"
)

// SMALLGOALS_THEMES_FILE is read and checked at start-up; the default is
// the shipped catalogue.
func TestThemesFileConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "boern.toml")
	os.WriteFile(good, []byte("title = \"Børn og unge\"\n[[theme]]\ncode = \"skole\"\nname = \"Skole og dagtilbud\"\n"), 0o600)
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[[theme]]\ncode = \"a\"\nname = \"A\"\n[[theme]]\ncode = \"a\"\nname = \"B\"\n"), 0o600)

	cfg, err := LoadConfig(envFunc(map[string]string{"DATABASE_URL": "u"}))
	if err != nil || cfg.Themes.Name("egenomsorg") != "Egenomsorg" {
		t.Fatalf("default catalogue: %v %v", err, cfg.Themes)
	}
	cfg, err = LoadConfig(envFunc(map[string]string{"DATABASE_URL": "u", "SMALLGOALS_THEMES_FILE": good}))
	if err != nil || cfg.Themes.Name("skole") != "Skole og dagtilbud" {
		t.Fatalf("own catalogue: %v", err)
	}
	for file, want := range map[string]string{bad: `theme code "a" twice`, filepath.Join(dir, "none.toml"): "no such file"} {
		_, err := LoadConfig(envFunc(map[string]string{"DATABASE_URL": "u", "SMALLGOALS_THEMES_FILE": file}))
		if err == nil || !strings.Contains(err.Error(), "SMALLGOALS_THEMES_FILE") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want SMALLGOALS_THEMES_FILE and %q", file, err, want)
		}
	}

	// The shell runs with the institution's catalogue.
	out := shell(t, map[string]string{"DATABASE_URL": storetest.URL(t), "SMALLGOALS_THEMES_FILE": good},
		":user anna", ":channel #slusen", "/maal team opret Slusen", "/maal borger ny AB", "/maal temaer",
		"/maal ny AB Gå i skole tema:skole", "/maal ny AB Spise tema:egenomsorg")
	for _, want := range []string{"Temaer: Børn og unge", "skole · Skole og dagtilbud", "tema Skole og dagtilbud (skole)", "egenomsorg er ikke et tema i kataloget"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

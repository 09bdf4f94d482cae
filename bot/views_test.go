package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFormMetaFitsSlack(t *testing.T) {
	m := formMeta{Kind: "log", Channel: "C1", Message: strings.Repeat("<æ>\"\n", 2000)}
	s := m.String()
	if len(s) > maxMetadata {
		t.Fatalf("metadata is %d bytes", len(s))
	}
	back := readMeta(s)
	if back.Kind != "log" || back.Channel != "C1" || back.Message == "" || !utf8.ValidString(back.Message) ||
		!strings.HasPrefix(strings.Repeat("<æ>\"\n", 2000), back.Message) {
		t.Fatalf("round trip: %+v", back)
	}
	if short := (formMeta{Kind: "new", Citizen: 7}).String(); readMeta(short).Citizen != 7 {
		t.Fatalf("short metadata: %s", short)
	}
}

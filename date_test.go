package smallgoals

import (
	"testing"
	"time"
)

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026-01-05", date(2026, 1, 5)},
		{"2024-02-29", date(2024, 2, 29)},
		{"2000-02-29", date(2000, 2, 29)},
		{"1999-12-31", date(1999, 12, 31)},
		{"5.1.2026", date(2026, 1, 5)},
		{"05.01.2026", date(2026, 1, 5)},
		{"5.01.2026", date(2026, 1, 5)},
		{"31.12.2026", date(2026, 12, 31)},
		{"29.2.2024", date(2024, 2, 29)},
		{"5/1-2026", date(2026, 1, 5)},
		{"05/01-2026", date(2026, 1, 5)},
		{"30/4-2026", date(2026, 4, 30)},
		{"1/1-1990", date(1990, 1, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseDate(tt.in)
			if !ok || !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("ParseDate(%q) = %v, %v; want %v, true", tt.in, got, ok, tt.want)
			}
		})
	}
}

func TestParseDateRejects(t *testing.T) {
	for _, in := range []string{
		"2026-02-30", "31.4.2026", "29.2.2026", "2026-13-01", "2026-00-10", "2026-01-00",
		"0.1.2026", "1.0.2026", "32/1-2026",
		"5.1.26", "5/1-26", "26-01-05", "05.01.026", "5.1.02026",
		"2026-1-5", "2026-01-5", "20260105", "2026/01/05", "5/1/2026", "5-1-2026",
		"5.1-2026", "5/1.2026", "005.1.2026", "5.001.2026",
		"0000-01-01", "1.1.0000",
		" 2026-01-05", "2026-01-05 ", "5. 1.2026", "+5.1.2026", "-5/1-2026", "5/-1-2026",
		"", "i dag", "2026-01-05T00:00", "５.1.2026",
	} {
		t.Run(in, func(t *testing.T) {
			if got, ok := ParseDate(in); ok || !got.IsZero() {
				t.Errorf("ParseDate(%q) = %v, %v; want zero, false", in, got, ok)
			}
		})
	}
}

func TestDay(t *testing.T) {
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	tests := []struct {
		name string
		at   time.Time
		loc  *time.Location
		want time.Time
	}{
		{"late evening UTC is next day in Copenhagen", time.Date(2026, 1, 5, 23, 30, 0, 0, time.UTC), cph, date(2026, 1, 6)},
		{"same instant in UTC", time.Date(2026, 1, 5, 23, 30, 0, 0, time.UTC), time.UTC, date(2026, 1, 5)},
		{"summer time: 22:30 UTC is 00:30 CEST", time.Date(2026, 7, 1, 22, 30, 0, 0, time.UTC), cph, date(2026, 7, 2)},
		{"summer time: 21:59 UTC is 23:59 CEST", time.Date(2026, 7, 1, 21, 59, 0, 0, time.UTC), cph, date(2026, 7, 1)},
		{"instant held in another zone", time.Date(2026, 3, 1, 0, 30, 0, 0, cph), time.UTC, date(2026, 2, 28)},
		{"nil location is UTC", time.Date(2026, 3, 1, 0, 30, 0, 0, cph), nil, date(2026, 2, 28)},
		{"midnight stays", date(2026, 5, 17), time.UTC, date(2026, 5, 17)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Day(tt.at, tt.loc)
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("Day(%v, %v) = %v, want %v", tt.at, tt.loc, got, tt.want)
			}
		})
	}
}

func TestFormatDate(t *testing.T) {
	cph := time.FixedZone("CET", 3600)
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"plain", date(2026, 1, 5), "2026-01-05"},
		{"end of year", date(1999, 12, 31), "1999-12-31"},
		{"same instant in another zone", date(2026, 1, 5).In(cph), "2026-01-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FormatDate(tt.in)
			if got != tt.want {
				t.Errorf("FormatDate(%v) = %q, want %q", tt.in, got, tt.want)
			}
			if back, ok := ParseDate(got); !ok || !back.Equal(tt.in) {
				t.Errorf("ParseDate(FormatDate(%v)) = %v, %v", tt.in, back, ok)
			}
		})
	}
}

package laposte

import "testing"

func TestLoad(t *testing.T) {
	tb := Load()
	if got := len(tb.Entries); got != 39192 {
		t.Fatalf("entries = %d, want 39192", got)
	}
	tests := []struct {
		name string
		got  int
		min  int
	}{
		{"51300 communes", len(tb.ByZip("51300")), 46},
		{"Toulouse zips", len(tb.ByInsee("31555")), 6},
		{"Paris arrondissements", len(tb.ByInsee("75056")), 20},
		{"Corsica 2A004", len(tb.ByInsee("2A004")), 1},
		{"Reunion 974", len(tb.ByDept("974")), 24},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got < tt.min {
				t.Errorf("got %d, want at least %d", tt.got, tt.min)
			}
		})
	}
	if c := tb.CommuneOf("75116"); c != "75056" {
		t.Errorf("CommuneOf(75116) = %s", c)
	}
	if tb.ZipKnown("13226") {
		t.Errorf("CEDEX zip 13226 should be unknown")
	}
}

package address

import "testing"

func TestRepairZip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		st       CodeStatus
	}{
		{"01400", "01400", CodeOK},
		{"75116", "75116", CodeOK},      // Paris 16e, second zip
		{"97400", "97400", CodeOK},      // Saint-Denis de La Réunion
		{"20000", "20000", CodeOK},      // Ajaccio
		{"13226", "13226", CodeOK},      // a CEDEX zip is still a well-formed zip
		{"1400", "01400", CodeRepaired}, // Excel lost the zero (communes sample)
		{"1000", "01000", CodeRepaired},
		{"1640", "01640", CodeRepaired},
		{"9000", "09000", CodeRepaired},
		{"1400.0", "01400", CodeRepaired},
		{"1400,0", "01400", CodeRepaired},
		{"01400.00", "01400", CodeRepaired},
		{"1.4E+03", "01400", CodeRepaired},
		{" 01400 ", "01400", CodeOK},
		{"01 400", "01400", CodeRepaired},
		{"'01400", "01400", CodeRepaired}, // Excel text marker
		{`"01400"`, "01400", CodeRepaired},
		{"140", "140", CodeInvalid}, // never pad 3 digits
		{"0140", "0140", CodeInvalid},
		{"00000", "00000", CodeInvalid},
		{"123456", "123456", CodeInvalid},
		{"F-01400", "F-01400", CodeInvalid},
		{"2A004", "2A004", CodeInvalid}, // an INSEE code, not a zip
		{"abcde", "abcde", CodeInvalid},
		{"", "", CodeEmpty},
		{"   ", "", CodeEmpty},
		{`""`, "", CodeEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, st := RepairZip(tt.in)
			if got != tt.want || st != tt.st {
				t.Errorf("RepairZip(%q) = %q, %v; want %q, %v", tt.in, got, st, tt.want, tt.st)
			}
		})
	}
}

func TestRepairInsee(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		st       CodeStatus
	}{
		{"01001", "01001", CodeOK},
		{"1001", "01001", CodeRepaired}, // communes sample, lost zero
		{"1001.0", "01001", CodeRepaired},
		{"2A004", "2A004", CodeOK}, // Ajaccio
		{"2B033", "2B033", CodeOK}, // Bastia
		{"2a004", "2A004", CodeRepaired},
		{"2b033", "2B033", CodeRepaired},
		{"20004", "20004", CodeOK}, // old numeric Corsican code: well-formed
		{"97411", "97411", CodeOK}, // Saint-Denis (974)
		{"97701", "97701", CodeOK}, // Saint-Barthélemy
		{"75056", "75056", CodeOK}, // Paris commune code
		{"75116", "75116", CodeOK},
		{"2A04", "2A04", CodeInvalid},
		{"2C004", "2C004", CodeInvalid},
		{"101", "101", CodeInvalid},
		{"", "", CodeEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, st := RepairInsee(tt.in)
			if got != tt.want || st != tt.st {
				t.Errorf("RepairInsee(%q) = %q, %v; want %q, %v", tt.in, got, st, tt.want, tt.st)
			}
		})
	}
}

// TestRepairLostZeros repairs the data.gouv communes head sample, whose INSEE
// and zip columns lost their leading zero, and checks the results against the
// La Poste table (the sample predates some commune mergers, hence the ratio).
func TestRepairLostZeros(t *testing.T) {
	t.Parallel()
	zips, pairs := map[string]bool{}, map[string]bool{}
	for _, r := range readSample(t, "laposte-hexasmal-codes-postaux.utf8.csv", ';')[1:] {
		zips[r[2]] = true
		pairs[r[0]+"/"+r[2]] = true
	}
	rows := readSample(t, "communes-departement-region-head-lost-zeros.csv", ',')
	n, exact := 0, 0
	for _, r := range rows[1:] {
		insee, ist := RepairInsee(r[0])
		zip, zst := RepairZip(r[2])
		if ist != CodeRepaired || zst != CodeRepaired || insee[:2] != "0"+r[11] {
			t.Errorf("row %q %q: %q %v, %q %v", r[0], r[2], insee, ist, zip, zst)
			continue
		}
		if !zips[zip] {
			t.Errorf("repaired zip %s is not in La Poste's table", zip)
		}
		if pairs[insee+"/"+zip] {
			exact++
		}
		n++
	}
	if n < 500 || exact*100 < n*90 {
		t.Errorf("%d rows checked, %d INSEE/zip pairs known to La Poste", n, exact)
	}
}

// TestLaPosteCodesOK: every code of the official table is well-formed as is.
func TestLaPosteCodesOK(t *testing.T) {
	t.Parallel()
	for _, r := range readSample(t, "laposte-hexasmal-codes-postaux.utf8.csv", ';')[1:] {
		if got, st := RepairInsee(r[0]); st != CodeOK || got != r[0] {
			t.Fatalf("RepairInsee(%q) = %q, %v", r[0], got, st)
		}
		if got, st := RepairZip(r[2]); st != CodeOK || got != r[2] {
			t.Fatalf("RepairZip(%q) = %q, %v", r[2], got, st)
		}
	}
}

func TestCodeStatusString(t *testing.T) {
	t.Parallel()
	for st, want := range map[CodeStatus]string{CodeEmpty: "empty", CodeOK: "ok", CodeRepaired: "repaired", CodeInvalid: "invalid", 9: "CodeStatus(9)"} {
		if st.String() != want {
			t.Errorf("%d.String() = %q", int(st), st.String())
		}
	}
}

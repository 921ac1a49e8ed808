package address

import "testing"

func BenchmarkCityScore(b *testing.B) {
	for b.Loop() {
		CityScore("SAINT-DIDIER-SUR-CHALARONN", "ST DIDIER SUR CHALARONNE")
	}
}

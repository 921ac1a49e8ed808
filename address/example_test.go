package address_test

import (
	"fmt"

	"github.com/ovhcloud-tools/eligibility/address"
)

func ExampleFold() {
	fmt.Println(address.Fold("Rue de l’Église"))
	fmt.Println(address.Fold("Vandœuvre-lès-Nancy"))
	// Output:
	// RUE DE L EGLISE
	// VANDOEUVRE LES NANCY
}

func ExampleParseNumber() {
	fmt.Println(address.ParseNumber("12 bis", "").Candidates)
	fmt.Println(address.ParseNumber("12", "TER").Candidates)
	fmt.Println(address.ParseNumber("2-2b", "").Candidates)
	fmt.Println(address.ParseNumber("163,0000000000", "").Candidates)
	n := address.ParseNumber("5184", "")
	fmt.Println(n.Pseudo, n.Valid)
	// Output:
	// [12B]
	// [12T]
	// [2 2B]
	// [163]
	// true false
}

func ExampleSplitAddress() {
	p := address.SplitAddress("XYZ Ets bâtiment B 22 rue des Fleurs 59350 Lille Cedex 23")
	fmt.Printf("%q %q %q %q\n", p.Number, p.Street, p.Zip, p.City)
	fmt.Printf("%q\n", p.Stripped)
	// Output:
	// "22" "rue des Fleurs" "59350" "Lille"
	// ["bâtiment B" "Cedex 23" "XYZ Ets"]
}

func ExampleSplitStreet() {
	fmt.Println(address.SplitStreet("168 bis bd de Brou"))
	// Output: 168 bis bd de Brou
}

func ExampleStreetScore() {
	fmt.Printf("%.2f\n", address.StreetScore("rue baron d'huart", "RUE BARON D HUART"))
	fmt.Printf("%.2f\n", address.StreetScore("av du gal de gaulle", "AVENUE DU GENERAL DE GAULLE"))
	fmt.Printf("%.2f\n", address.StreetScore("des Lilas", "RUE DES LILAS"))
	fmt.Printf("%.2f\n", address.StreetScore("rue des Lilas", "IMPASSE DES LILAS"))
	// Output:
	// 1.00
	// 0.98
	// 0.88
	// 0.78
}

func ExamplePrepareStreet() {
	streets := []string{"RUE DU MOULIN", "RUE DU MOULINET", "CHEMIN DU MOULIN"}
	prepared := make([]address.Prepared, len(streets))
	for i, s := range streets {
		prepared[i] = address.PrepareStreet(s) // once per OVH street list
	}
	in := address.PrepareStreet("r. du Moulin")
	for i, p := range prepared {
		fmt.Printf("%s %.2f\n", streets[i], p.Score(in))
	}
	// Output:
	// RUE DU MOULIN 0.98
	// RUE DU MOULINET 0.59
	// CHEMIN DU MOULIN 0.78
}

func ExampleCityScore() {
	fmt.Printf("%.2f\n", address.CityScore("Saint-Didier-sur-Chalaronne", "ST DIDIER SUR CHALARONNE"))
	fmt.Printf("%.2f\n", address.CityScore("SAINT-DIDIER-SUR-CHALARONN", "ST DIDIER SUR CHALARONNE"))
	fmt.Printf("%.2f\n", address.CityScore("Lyon Cedex 03", "LYON"))
	// Output:
	// 1.00
	// 0.92
	// 1.00
}

func ExampleRepairZip() {
	fmt.Println(address.RepairZip("1400"))
	fmt.Println(address.RepairZip("1400.0"))
	fmt.Println(address.RepairZip("140"))
	fmt.Println(address.RepairInsee("2a004"))
	// Output:
	// 01400 repaired
	// 01400 repaired
	// 140 invalid
	// 2A004 repaired
}

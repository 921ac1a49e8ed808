package readers_test

import (
	"fmt"
	"strings"

	"github.com/ovhcloud-tools/eligibility/readers"
)

func ExampleOpen() {
	in := "\xEF\xBB\xBFCP;Ville;Adresse\r\n1400;Châtillon-sur-Chalaronne;\"12 rue de la Gare; bât. B\"\r\n"
	r, err := readers.Open("-", readers.Options{Stdin: strings.NewReader(in)})
	if err != nil {
		panic(err)
	}
	defer r.Close()
	d := r.Dialect()
	fmt.Printf("%s %q %q\n", d.Encoding, d.Delimiter, d.LineEnding)
	row, _ := r.Next()
	m := readers.Propose(r.Header(), [][]string{row.Cells})
	fmt.Println(m.Get(row.Cells, readers.RoleZip), m.Get(row.Cells, readers.RoleCity), "|", m.Get(row.Cells, readers.RoleStreet))
	fmt.Println(m.Evidence[readers.RoleZip])
	// Output:
	// utf-8-bom ';' "\r\n"
	// 1400 Châtillon-sur-Chalaronne | 12 rue de la Gare; bât. B
	// header "CP" ~ zip; 100% of 1 sampled cells are codes (5 digits, or 4 with the leading zero lost); 4-digit codes: 1 of 1 sampled cells lost their leading zero (e.g. 1400): they will be left-padded to 5 digits
}

func ExampleParseOverride() {
	header := []string{"CODE POSTAL", "COMMUNE", "NUMERO ET LIBELLE DE VOIE"}
	m, err := readers.ParseOverride(`zip="CODE POSTAL",city=COMMUNE,street=3`, header, readers.Mapping{})
	fmt.Println(m.Columns[readers.RoleStreet], err)
	_, err = readers.ParseOverride(`zip="CP"`, header, readers.Mapping{})
	fmt.Println(err)
	// Output:
	// 2 <nil>
	// --columns zip="CP": no column "CP"; the file's columns are: "CODE POSTAL", "COMMUNE", "NUMERO ET LIBELLE DE VOIE"
}

package address

import "strings"

// streetType is one type de voie: its canonical (long) spelling, its AFNOR
// short form and the other spellings seen in files (batch-conventions §3.1).
type streetType struct {
	long, short string
	also        []string
}

var streetTypes = []streetType{
	{"ALLEE", "ALL", []string{"AL", "ALLE", "ALLEES"}},
	{"AVENUE", "AV", []string{"AVE", "AVEN", "AVENUES"}},
	{"BOULEVARD", "BD", []string{"BLD", "BOUL", "BOULD", "BVD", "BOU", "BOULEVARDS"}},
	{"CARREFOUR", "CARR", []string{"CAR", "CAREF"}},
	{"CHEMIN", "CHE", []string{"CH", "CHEM", "CHEMINS"}},
	{"CHEMINEMENT", "CHEM", []string{"CHEMT"}},
	{"CHAUSSEE", "CHS", []string{"CHA", "CHSE", "CHSS"}},
	{"CITE", "CITE", []string{"CI", "CIT", "CITES"}},
	{"COURS", "CRS", nil},
	{"COUR", "COU", nil},
	{"CENTRE COMMERCIAL", "CCAL", []string{"C CIAL", "CCIAL", "CTRE COMMERCIAL", "CTRE CIAL", "CENTRE CIAL"}},
	{"CLOS", "CLOS", nil},
	{"CORNICHE", "COR", []string{"CORN"}},
	{"DOMAINE", "DOM", nil},
	{"ESPLANADE", "ESP", []string{"ESPL"}},
	{"FAUBOURG", "FG", []string{"FBG", "FBOURG"}},
	{"GRANDE RUE", "GR", []string{"GDE RUE", "GD RUE", "GRAND RUE"}},
	{"HAMEAU", "HAM", []string{"HAMEAUX"}},
	{"IMPASSE", "IMP", nil},
	{"JARDIN", "JARD", []string{"JARDINS"}},
	{"LIEU DIT", "LD", []string{"LIEUDIT", "LIEUX DITS", "LIEUX DIT", "LIEU DITS", "LIEUXDITS", "LIEU", "LIEUX"}},
	{"LOTISSEMENT", "LOT", []string{"LOTIS", "LOTISS"}},
	{"MAIL", "MAIL", nil},
	{"MONTEE", "MTE", nil},
	{"PARC", "PARC", []string{"PRC"}},
	{"PARVIS", "PRV", nil},
	{"PASSAGE", "PAS", []string{"PASS", "PGE", "PSGE"}},
	{"PASSERELLE", "PASS", nil},
	{"PETITE RUE", "PTE RUE", nil},
	{"PLACE", "PL", []string{"PLA", "PLAC"}},
	{"PLACETTE", "PLT", nil},
	{"PROMENADE", "PRO", []string{"PROM", "PRM"}},
	{"QUAI", "QUAI", []string{"QU", "Q", "QUAIS"}},
	{"QUARTIER", "QUA", []string{"QRT", "QUART"}},
	{"RAMPE", "RPE", nil},
	{"RESIDENCE", "RES", []string{"RESID", "RESIDENCES"}},
	{"ROND POINT", "RPT", []string{"RDPT", "RDP", "ROP", "RONDPOINT"}},
	{"ROUTE", "RTE", []string{"ROU"}},
	{"ROUTE DEPARTEMENTALE", "RD", nil},
	{"ROUTE NATIONALE", "RN", nil},
	{"CHEMIN DEPARTEMENTAL", "CD", nil},
	{"CHEMIN RURAL", "CR", nil},
	{"CHEMIN VICINAL", "CV", nil},
	{"CHEMIN COMMUNAL", "CC", nil},
	{"VOIE COMMUNALE", "VC", nil},
	{"RUE", "RUE", []string{"R"}},
	{"RUELLE", "RLE", []string{"RUEL", "RUL"}},
	{"SENTIER", "SEN", []string{"SENT", "SENTE"}},
	{"SQUARE", "SQ", []string{"SQU"}},
	{"TERRASSE", "TSSE", nil},
	{"TRAVERSE", "TRA", []string{"TRAV"}},
	{"VILLA", "VLA", nil},
	{"VILLAGE", "VLGE", []string{"VGE"}},
	{"VOIE", "VOIE", nil},
	{"ZONE INDUSTRIELLE", "ZI", nil},
	{"ZONE ARTISANALE", "ZA", nil},
	{"ZONE D ACTIVITE", "ZAE", []string{"ZONE D ACTIVITES", "ZONE ACTIVITE", "ZONE ACTIVITES", "ZONE DES ACTIVITES"}},
	{"ZONE D AMENAGEMENT CONCERTE", "ZAC", nil},
	{"ZONE A URBANISER EN PRIORITE", "ZUP", nil},
	{"ZONE D AMENAGEMENT DIFFERE", "ZAD", nil},
}

// ambiguousTypes are codes with several readings; "" reads the word as part
// of the name (PR = professeur/père, GR = grande). They are never expanded
// blindly: every reading is scored and the best kept.
var ambiguousTypes = map[string][]string{
	"CR":  {"COURS", "CHEMIN RURAL", "COUR"},
	"CHE": {"CHEMIN", "CHEMINEMENT"},
	"PR":  {"PROMENADE", ""},
	"GR":  {"GRANDE RUE", ""},
	"CC":  {"CHEMIN COMMUNAL", "CENTRE COMMERCIAL"},
	"ZA":  {"ZONE ARTISANALE", "ZONE D ACTIVITE"},
	"PAS": {"PASSAGE", ""},
	"LOT": {"LOTISSEMENT", ""},
	"CAR": {"CARREFOUR", ""},
	"CHA": {"CHAUSSEE", ""},
	"COU": {"COUR", ""},
}

// midTypes are type abbreviations also expanded inside a name
// ("IMPASSE DE LA RTE DE LYON"); words that are also ordinary words (LOT,
// PAS, COL) are not.
var midTypes = map[string]string{
	"AV": "AVENUE", "AVE": "AVENUE", "BD": "BOULEVARD", "BLD": "BOULEVARD", "BVD": "BOULEVARD",
	"RTE": "ROUTE", "IMP": "IMPASSE", "CHEM": "CHEMIN", "CRS": "COURS", "FBG": "FAUBOURG",
	"FG": "FAUBOURG", "SQ": "SQUARE", "RPT": "ROND POINT", "ESPL": "ESPLANADE", "PL": "PLACE",
	"LOTISS": "LOTISSEMENT", "MTE": "MONTEE", "PROM": "PROMENADE", "RES": "RESIDENCE",
}

// titles are words abbreviated inside names (normadresse step 2, addok-fr).
type title struct {
	long, short string
	also        []string
}

var titles = []title{
	{"SAINT", "ST", nil},
	{"SAINTE", "STE", nil},
	{"SAINTS", "STS", nil},
	{"SAINTES", "STES", nil},
	{"GENERAL", "GAL", []string{"GEN", "GL", "GRL"}},
	{"MARECHAL", "MAL", []string{"ML", "MAR"}},
	{"DOCTEUR", "DR", []string{"DOC"}},
	{"PRESIDENT", "PDT", []string{"PRES", "PRESID", "PRESIDT"}},
	{"COMMANDANT", "CDT", []string{"CMDT", "COMDT", "CMDANT"}},
	{"LIEUTENANT", "LT", []string{"LTN", "LIEUT"}},
	{"COLONEL", "CNL", []string{"COLON"}},
	{"CAPITAINE", "CPT", []string{"CAPT", "CAPIT"}},
	{"PROFESSEUR", "PROF", nil},
	{"MONSEIGNEUR", "MGR", []string{"MSGR"}},
	{"NOTRE DAME", "ND", []string{"N D", "N DAME", "NTRE DAME"}},
	{"GRANDE", "GDE", nil},
	{"GRAND", "GD", nil},
	{"PETITE", "PTE", nil},
	{"VEUVE", "VVE", nil},
	{"ADJUDANT", "ADJ", []string{"ADJT"}},
	{"SERGENT", "SGT", []string{"SERG"}},
	{"AMIRAL", "AMI", []string{"AML"}},
	{"ABBE", "ABB", nil},
	{"CHANOINE", "CHN", nil},
	{"INGENIEUR", "ING", nil},
	{"MADAME", "MME", nil},
	{"MADEMOISELLE", "MLLE", nil},
	{"ANCIEN", "ANC", nil},
	{"ANCIENNE", "ANCNE", []string{"ANCIENE"}},
	{"CHATEAU", "CHT", []string{"CHAT", "CHTX"}},
	{"SOUS", "S S", []string{"SS"}},
	{"SUR", "S", nil},
}

// ambiguousTitles read either way inside names.
var ambiguousTitles = map[string][]string{
	"PR": {"PROFESSEUR", "PERE"},
	"P":  {"PERE"},
	"GR": {"GRANDE", "GRAND"},
}

// stopWords are articles and connectives: they weigh little in scores.
var stopWords = map[string]bool{
	"DE": true, "DU": true, "DES": true, "LA": true, "LE": true, "LES": true, "L": true, "D": true,
	"AU": true, "AUX": true, "A": true, "ET": true, "EN": true, "SUR": true, "SOUS": true, "LEZ": true,
}

// titleWords are ranks and honorifics: they weigh less than proper names,
// "RUE MARECHAL JOFFRE" is "RUE JOFFRE". GRAND, PETIT, SAINT are not: they
// tell "LA GRANDE VIGNE" from "LA VIGNE".
var titleWords = map[string]bool{
	"GENERAL": true, "MARECHAL": true, "DOCTEUR": true, "PRESIDENT": true, "COMMANDANT": true,
	"LIEUTENANT": true, "COLONEL": true, "CAPITAINE": true, "PROFESSEUR": true, "MONSEIGNEUR": true,
	"ADJUDANT": true, "SERGENT": true, "AMIRAL": true, "ABBE": true, "CHANOINE": true, "INGENIEUR": true,
	"MADAME": true, "MADEMOISELLE": true, "PERE": true, "CARDINAL": true, "CHANCELIER": true,
}

var (
	typeIndex     = map[string][]string{} // folded spelling → canonical readings ("" = not a type)
	typeShort     = map[string]string{}   // canonical → AFNOR short
	maxTypeWords  = 1
	titleIndex    = map[string][]string{} // folded spelling → expansion words
	titleShort    = map[string]string{}   // canonical → short
	maxTitleWords = 1
)

func init() {
	addType := func(key, long string) {
		if _, ok := typeIndex[key]; ok {
			return
		}
		typeIndex[key] = []string{long}
		if n := len(strings.Fields(key)); n > maxTypeWords {
			maxTypeWords = n
		}
	}
	for _, t := range streetTypes {
		typeShort[t.long] = t.short
		addType(t.long, t.long)
	}
	for k, v := range ambiguousTypes {
		typeIndex[k] = v
	}
	for _, t := range streetTypes {
		addType(t.short, t.long)
		for _, a := range t.also {
			addType(a, t.long)
		}
	}
	for _, t := range titles {
		titleShort[t.long] = t.short
		for _, k := range append([]string{t.short}, t.also...) {
			titleIndex[k] = strings.Fields(t.long)
			if n := len(strings.Fields(k)); n > maxTitleWords {
				maxTitleWords = n
			}
		}
	}
}

// leadingType returns the canonical readings of the street type the words
// start with and how many words it takes; nil when there is none.
func leadingType(words []string) ([]string, int) {
	for n := min(maxTypeWords, len(words)); n > 0; n-- {
		if r, ok := typeIndex[strings.Join(words[:n], " ")]; ok {
			return r, n
		}
	}
	return nil, 0
}

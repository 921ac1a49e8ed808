package web

import (
	"net/http"
	"strings"
)

// messages is the whole catalogue: French first (the default), English.
// Error messages of the server itself (upload checks, reader errors) are in
// English only.
var messages = map[string]map[string]string{
	"fr": {
		"app.name":      "Éligibilité OVHcloud",
		"app.sandbox":   "bac à sable",
		"app.otherlang": "English",
		"app.logout":    "Se déconnecter",
		"app.footer":    "Éligibilité en masse aux offres internet OVHcloud (FTTH, VDSL, ADSL, SDSL). Les traitements sont effacés après leur durée de conservation.",

		"login.title":  "Connexion",
		"login.token":  "Jeton d'accès",
		"login.submit": "Se connecter",
		"login.wrong":  "Jeton incorrect.",

		"upload.title":  "Vérifier un fichier d'adresses",
		"upload.intro":  "Déposez un fichier CSV ou XLSX d'adresses françaises : chaque ligne recevra les offres OVHcloud commandables à cette adresse. Vous vérifierez la lecture du fichier et le choix des colonnes avant de lancer le traitement.",
		"upload.drop":   "Glissez-déposez le fichier ici, ou cliquez pour le choisir",
		"upload.limit":  "Taille maximale :",
		"upload.submit": "Envoyer",

		"jobs.title":   "Traitements",
		"jobs.none":    "Aucun traitement pour l'instant.",
		"jobs.file":    "Fichier",
		"jobs.created": "Créé le",
		"jobs.state":   "État",
		"jobs.rows":    "Lignes",

		"state.draft":     "à configurer",
		"state.queued":    "en attente",
		"state.running":   "en cours",
		"state.done":      "terminé",
		"state.failed":    "échec",
		"state.cancelled": "annulé",

		"setup.title":        "Aperçu et colonnes",
		"setup.dialect":      "Lecture du fichier",
		"setup.detected":     "Détecté",
		"setup.encoding":     "Encodage",
		"setup.delimiter":    "Séparateur",
		"setup.sheet":        "Feuille",
		"setup.auto":         "automatique",
		"setup.repreview":    "Actualiser l'aperçu",
		"setup.preview":      "Aperçu des premières lignes",
		"setup.mapping":      "Colonnes utilisées",
		"setup.mapping.help": "Choisissez la colonne de chaque information (— : non utilisée). À droite, ce qui a motivé la proposition automatique.",
		"setup.start":        "Lancer le traitement",
		"setup.evidence":     "Justification",

		"delim.comma":     "virgule (,)",
		"delim.semicolon": "point-virgule (;)",
		"delim.tab":       "tabulation",
		"delim.pipe":      "barre verticale (|)",

		"role.zip":         "Code postal",
		"role.city":        "Commune",
		"role.insee":       "Code INSEE",
		"role.address":     "Adresse complète",
		"role.number":      "Numéro",
		"role.suffix":      "Indice (bis, ter…)",
		"role.street":      "Voie",
		"role.complement":  "Complément",
		"role.line":        "Numéro de ligne",
		"role.line_status": "État de la ligne",
		"role.otp":         "Prise (OTP)",
		"role.building":    "Immeuble (IMB/…)",

		"job.state":     "État",
		"job.position":  "position dans la file :",
		"job.rows":      "Lignes traitées",
		"job.rate":      "Débit",
		"job.rateunit":  "lignes/s",
		"job.eta":       "Temps restant",
		"job.elapsed":   "Durée",
		"job.statuses":  "Lignes par statut",
		"job.techs":     "Lignes éligibles par technologie",
		"job.first":     "Premiers résultats",
		"job.row":       "Ligne",
		"job.address":   "Adresse",
		"job.status":    "Statut",
		"job.best":      "Meilleure offre",
		"job.cancel":    "Annuler",
		"job.done":      "Traitement terminé.",
		"job.download":  "Télécharger le résultat :",
		"job.apicalls":  "Appels à l'API",
		"job.cachehits": "Réponses du cache",
		"job.setup":     "Configurer",

		"status.eligible":     "éligible",
		"status.not_eligible": "non éligible",
		"status.not_found":    "introuvable",
		"status.ambiguous":    "ambigu",
		"status.invalid":      "invalide",
		"status.error":        "erreur",

		"err.title":    "Erreur",
		"err.notfound": "Traitement introuvable (il a peut-être expiré).",
		"err.internal": "Erreur interne du serveur.",
		"err.notready": "Le résultat n'est pas encore disponible.",
		"err.back":     "Retour à l'accueil",
	},
	"en": {
		"app.name":      "OVHcloud eligibility",
		"app.sandbox":   "sandbox",
		"app.otherlang": "Français",
		"app.logout":    "Log out",
		"app.footer":    "Bulk eligibility to OVHcloud internet offers (FTTH, VDSL, ADSL, SDSL). Jobs are deleted after their retention time.",

		"login.title":  "Log in",
		"login.token":  "Access token",
		"login.submit": "Log in",
		"login.wrong":  "Wrong token.",

		"upload.title":  "Check a file of addresses",
		"upload.intro":  "Drop a CSV or XLSX file of French addresses: each row gets the OVHcloud offers that can be ordered there. You will check how the file is read and which columns are used before starting.",
		"upload.drop":   "Drag and drop the file here, or click to choose it",
		"upload.limit":  "Maximum size:",
		"upload.submit": "Upload",

		"jobs.title":   "Jobs",
		"jobs.none":    "No job yet.",
		"jobs.file":    "File",
		"jobs.created": "Created",
		"jobs.state":   "State",
		"jobs.rows":    "Rows",

		"state.draft":     "to set up",
		"state.queued":    "queued",
		"state.running":   "running",
		"state.done":      "done",
		"state.failed":    "failed",
		"state.cancelled": "cancelled",

		"setup.title":        "Preview and columns",
		"setup.dialect":      "Reading the file",
		"setup.detected":     "Detected",
		"setup.encoding":     "Encoding",
		"setup.delimiter":    "Delimiter",
		"setup.sheet":        "Sheet",
		"setup.auto":         "automatic",
		"setup.repreview":    "Refresh the preview",
		"setup.preview":      "First rows",
		"setup.mapping":      "Columns used",
		"setup.mapping.help": "Choose the column holding each piece of information (— : not used). On the right, why it was proposed.",
		"setup.start":        "Start",
		"setup.evidence":     "Evidence",

		"delim.comma":     "comma (,)",
		"delim.semicolon": "semicolon (;)",
		"delim.tab":       "tab",
		"delim.pipe":      "pipe (|)",

		"role.zip":         "Postcode",
		"role.city":        "City",
		"role.insee":       "INSEE code",
		"role.address":     "Full address",
		"role.number":      "Number",
		"role.suffix":      "Suffix (bis, ter…)",
		"role.street":      "Street",
		"role.complement":  "Complement",
		"role.line":        "Line number",
		"role.line_status": "Line status",
		"role.otp":         "Outlet (OTP)",
		"role.building":    "Building (IMB/…)",

		"job.state":     "State",
		"job.position":  "position in queue:",
		"job.rows":      "Rows done",
		"job.rate":      "Rate",
		"job.rateunit":  "rows/s",
		"job.eta":       "Time left",
		"job.elapsed":   "Elapsed",
		"job.statuses":  "Rows by status",
		"job.techs":     "Eligible rows by technology",
		"job.first":     "First results",
		"job.row":       "Row",
		"job.address":   "Address",
		"job.status":    "Status",
		"job.best":      "Best offer",
		"job.cancel":    "Cancel",
		"job.done":      "Done.",
		"job.download":  "Download the result:",
		"job.apicalls":  "API calls",
		"job.cachehits": "Cache hits",
		"job.setup":     "Set up",

		"status.eligible":     "eligible",
		"status.not_eligible": "not eligible",
		"status.not_found":    "not found",
		"status.ambiguous":    "ambiguous",
		"status.invalid":      "invalid",
		"status.error":        "error",

		"err.title":    "Error",
		"err.notfound": "No such job (it may have expired).",
		"err.internal": "Internal server error.",
		"err.notready": "The result is not ready yet.",
		"err.back":     "Back to the home page",
	},
}

const langCookie = "lang"

// lang picks the page language: ?lang=, then the lang cookie, then
// Accept-Language; French by default.
func lang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); messages[l] != nil {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && messages[c.Value] != nil {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		base := strings.SplitN(tag, "-", 2)[0]
		if messages[base] != nil {
			return base
		}
	}
	return "fr"
}

// translate returns the message of key in l, the French one, or the key.
func translate(l, key string) string {
	if m, ok := messages[l][key]; ok {
		return m
	}
	if m, ok := messages["fr"][key]; ok {
		return m
	}
	return key
}

package readers

// Row is one data row of an input file.
type Row struct {
	Index int      // 0-based position among data rows (header excluded); output order
	Line  int      // 1-based physical line (CSV) or sheet row (XLSX) where the row starts
	Cells []string // decoded cells (UTF-8), padded to the header's width
	// Raw is the record's exact bytes in the input encoding, without its line
	// ending (CSV only), so writers can echo a row byte for byte.
	Raw []byte
	// Err is set when the row could not be parsed (unbalanced quote, stray
	// bytes…). The row is still delivered, with whatever cells could be read.
	Err error
}

// Dialect is what was detected (or forced) about an input file.
type Dialect struct {
	Format     string // "csv" or "xlsx"
	Encoding   string // "utf-8", "utf-8-bom", "windows-1252"
	Delimiter  rune   // ',', ';', '\t', '|'
	LineEnding string // "\r\n", "\n" or "\r"
	Quote      bool   // some field of the sample was quoted
	Header     bool   // the first record is a header
	Sheet      string // XLSX sheet read
	Evidence   string // one line on how the dialect was chosen
}

// Role is what a column means to the resolver.
type Role string

// Column roles.
const (
	RoleZip        Role = "zip"
	RoleCity       Role = "city"
	RoleInsee      Role = "insee"
	RoleAddress    Role = "address" // one column with the full address
	RoleNumber     Role = "number"
	RoleSuffix     Role = "suffix" // rep, suffixe, indice
	RoleStreet     Role = "street"
	RoleComplement Role = "complement"
	RoleLine       Role = "line"
	RoleLineStatus Role = "line_status"
	RoleOTP        Role = "otp"
	RoleBuilding   Role = "building"
)

// Roles lists every role in display order.
var Roles = []Role{RoleZip, RoleCity, RoleInsee, RoleAddress, RoleNumber, RoleSuffix, RoleStreet,
	RoleComplement, RoleLine, RoleLineStatus, RoleOTP, RoleBuilding}

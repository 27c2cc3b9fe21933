package huaweibcs

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/cloudkeys/cloudkeys"
)

// Bounds on the file a create answers with, which holds one credential.
// Anything bigger is refused with a *FileError before it is parsed (the raw
// answer is still kept in the *CreateFileError): a hostile or broken answer
// cannot make the parser allocate more than a small multiple of its size.
const (
	maxCredentialFile = 64 << 10 // the CSV (bare, or the ZIP entry) or JSON content
	maxCredentialZIP  = 1 << 20  // a ZIP archive as a whole
	maxZIPEntries     = 16       // entries of a ZIP archive
	maxColumns        = 64       // fields in a CSV row; members of a JSON answer
	maxRows           = 16       // CSV rows read: the header, then rows up to the first data row
)

// FileError reports a create answer whose file could not be read. It comes
// wrapped in a [CreateFileError], which carries the raw file, so the
// one-time secret is not lost; its text never contains file content.
type FileError struct {
	Problem string
}

// Error returns "huaweibcs: API key file: <problem>".
func (e *FileError) Error() string { return "huaweibcs: API key file: " + e.Problem }

// CreateFileError is returned by CreateCredential and CreateKey (and so by
// cloudkeys.Rotate) when a key was created but the file of the answer could
// not be read: it carries the raw file, which holds the one-time secret, so
// the secret is never lost. Get it with errors.As:
//
//	var cfe *huaweibcs.CreateFileError
//	if errors.As(err, &cfe) { save(cfe.File.Reveal()) }
//
// Its text names the credential id (when known) and the problem, never file
// content. It wraps the *FileError.
type CreateFileError struct {
	// ID is the new credential's id when the file (or, in ReplaceKey, the
	// list) gave it; "" when unknown: find the key with ListCredentials by
	// its description, or read the id from File.
	ID string
	// File is the answer byte for byte (a ZIP holding credential.csv, or a
	// bare CSV). It holds the secret: it is redacted.
	File        cloudkeys.Secret
	ContentType string // of the answer
	Err         error  // the *FileError
}

// Error returns "huaweibcs: CreatePublicChainCredential: key <id> created,
// but ...: <problem>".
func (e *CreateFileError) Error() string {
	id := "with an unknown id"
	if e.ID != "" {
		id = e.ID
	}
	msg := Vendor + ": " + OpCreate + ": key " + id + " created, but the answer file could not be read " +
		"(the raw file, which holds the secret, is in CreateFileError.File; use errors.As)"
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the *FileError.
func (e *CreateFileError) Unwrap() error { return e.Err }

// ParseCredentialFile reads the file CreateCredential returns: a ZIP holding
// credential.csv (or, failing that, the first .csv entry), or a bare CSV.
// Its columns are undocumented, so the header row decides. Names are
// matched case-, space-, '_'- and '-'-insensitively:
//
//   - the id comes from a column named id, credential_id, api_key_id or
//     key_id; failing those, from the only column whose name ends in "id"
//     (e.g. "Access Key ID");
//   - the secret comes from a column named api_key, apikey, key, secret,
//     api_secret, secret_key, token or api_token; failing those, from the
//     only column named like one (its name, letters and digits only,
//     contains "key", "secret" or "token", and does not end in "id" nor name
//     a name, description, time, date or type: e.g. "Secret Value"). The id
//     column is never taken for the secret; two candidates are no match.
//
// The first data row is used; what follows it is not read. A UTF-8
// byte-order mark is ignored. A JSON object (should a server answer JSON) is
// read with the same name rules, also one level down (e.g.
// {"credential": {...}}). On error, whatever was found (the id, or the
// secret) is returned with it; the error never holds the secret.
//
// The file holds one credential, so it is read within bounds, and anything
// bigger is a *FileError: a CSV (bare, or the ZIP entry) or JSON answer of
// more than 64 KiB, a ZIP archive of more than 1 MiB or 16 entries (or
// whose CSV entry is, or turns out to be, bigger than 64 KiB or than it
// declares), a CSV row of more than 64 fields, no data row among the first
// 16 rows, a JSON answer of more than 64 members.
func ParseCredentialFile(data []byte) (id, secret string, err error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")) {
		csvData, err := csvFromZip(data)
		if err != nil {
			return "", "", err
		}
		return parseCredentialCSV(csvData)
	}
	if len(data) > maxCredentialFile {
		return "", "", &FileError{Problem: "file larger than 64 KiB (it should hold one credential)"}
	}
	if t := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\ufeff"))); len(t) > 0 && t[0] == '{' {
		return parseCredentialJSON(t)
	}
	return parseCredentialCSV(data)
}

func csvFromZip(data []byte) ([]byte, error) {
	if len(data) > maxCredentialZIP {
		return nil, &FileError{Problem: "ZIP archive larger than 1 MiB (it should hold one credential)"}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &FileError{Problem: "not a readable ZIP archive"}
	}
	if len(zr.File) > maxZIPEntries {
		return nil, &FileError{Problem: "ZIP archive holds more than 16 entries"}
	}
	var pick *zip.File
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		name := strings.ToLower(path.Base(f.Name))
		if name == "credential.csv" {
			pick = f
			break
		}
		if pick == nil && strings.HasSuffix(name, ".csv") {
			pick = f
		}
	}
	if pick == nil {
		return nil, &FileError{Problem: "ZIP archive holds no .csv file"}
	}
	name := path.Base(pick.Name)
	size := pick.UncompressedSize64
	if size > maxCredentialFile {
		return nil, &FileError{Problem: name + " in the ZIP archive is larger than 64 KiB (it should hold one credential)"}
	}
	rc, err := pick.Open()
	if err != nil {
		return nil, &FileError{Problem: "cannot open " + name + " in the ZIP archive"}
	}
	defer func() { _ = rc.Close() }()
	// Read at most one byte more than the entry declares (at most 64 KiB):
	// the declared size may lie, so the buffer never grows and nothing
	// beyond it is inflated.
	b := make([]byte, size+1)
	n, err := io.ReadFull(io.LimitReader(rc, int64(len(b))), b)
	switch {
	case n > int(size):
		return nil, &FileError{Problem: name + " in the ZIP archive is larger than it declares"}
	case err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF),
		uint64(n) != size:
		return nil, &FileError{Problem: "cannot read " + name + " in the ZIP archive"}
	}
	return b[:n], nil
}

// errTooManyColumns stops the CSV reader at a row of more than maxColumns
// fields.
var errTooManyColumns = errors.New("too many columns")

// columnGuard feeds a csv.Reader and fails the read as soon as a row holds
// more than maxColumns fields, counting the separators outside quotes (an
// escaped quote "" toggles twice): the bytes before the separator are
// delivered, the rest never is, so csv.Reader never splits a row into more
// than maxColumns fields (each field costs it more than the byte it takes).
type columnGuard struct {
	r      io.Reader
	quoted bool
	commas int // in the current row
	err    error
}

func (g *columnGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		switch {
		case c == '"':
			g.quoted = !g.quoted
		case g.quoted:
		case c == ',':
			g.commas++
			if g.commas >= maxColumns {
				g.err = errTooManyColumns
				return i, g.err
			}
		case c == '\n':
			g.commas = 0
		}
	}
	return n, err
}

// normalizeColumn lowercases a header name and drops spaces, '_' and '-'.
func normalizeColumn(s string) string {
	s = strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))
	var b strings.Builder
	b.Grow(len(s)) // one allocation: a header name may be long
	for _, r := range s {
		switch r = unicode.ToLower(r); r {
		case ' ', '\t', '_', '-':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isIDColumn(n string) bool {
	switch n {
	case "id", "credentialid", "apikeyid", "keyid":
		return true
	}
	return false
}

func isSecretColumn(n string) bool {
	switch n {
	case "apikey", "key", "secret", "apisecret", "secretkey", "token", "apitoken":
		return true
	}
	return false
}

// isWord reports a normalized name of ASCII letters and digits only (a
// header such as "id;key" is a CSV with another separator, not a name).
func isWord(n string) bool {
	if n == "" {
		return false
	}
	for i := 0; i < len(n); i++ {
		if c := n[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func isLooseIDColumn(n string) bool { return isWord(n) && strings.HasSuffix(n, "id") }

func isLooseSecretColumn(n string) bool {
	if !isWord(n) || strings.HasSuffix(n, "id") {
		return false
	}
	for _, not := range []string{"name", "desc", "time", "date", "type"} {
		if strings.Contains(n, not) {
			return false
		}
	}
	return strings.Contains(n, "key") || strings.Contains(n, "secret") || strings.Contains(n, "token")
}

// pickColumns returns the index of the id and of the secret among the
// header names (as in the file), -1 where none: exact names first, then the
// only name that looks like one (see ParseCredentialFile).
func pickColumns(header []string) (idCol, secCol int) {
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = normalizeColumn(h)
	}
	idCol, secCol = -1, -1
	for i, n := range names {
		switch {
		case idCol < 0 && isIDColumn(n):
			idCol = i
		case secCol < 0 && isSecretColumn(n):
			secCol = i
		}
	}
	only := func(match func(string) bool, not int) int {
		found := -1
		for i, n := range names {
			if i == not || !match(n) {
				continue
			}
			if found >= 0 {
				return -1 // ambiguous
			}
			found = i
		}
		return found
	}
	if idCol < 0 {
		idCol = only(isLooseIDColumn, secCol)
	}
	if secCol < 0 {
		secCol = only(isLooseSecretColumn, idCol)
	}
	return idCol, secCol
}

// parseCredentialCSV reads the header and the rows up to the first data
// row, record by record (data is at most maxCredentialFile bytes).
func parseCredentialCSV(data []byte) (id, secret string, err error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	// A buffer that holds all of data (at least csv's own 4 KiB, or it
	// would add one) hands csv.Reader whole lines, so it never copies a
	// long line into its own growing buffer.
	r := csv.NewReader(bufio.NewReaderSize(&columnGuard{r: bytes.NewReader(data)}, max(len(data)+1, 4096)))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		switch {
		case errors.Is(err, errTooManyColumns):
			return "", "", &FileError{Problem: "more than 64 columns in the header row"}
		case errors.Is(err, io.EOF):
			return "", "", &FileError{Problem: "empty file"}
		}
		return "", "", &FileError{Problem: "not a CSV file"}
	}
	idCol, secCol := pickColumns(header) // before the next Read reuses header
	if idCol < 0 && secCol < 0 {
		return "", "", &FileError{Problem: "no secret column (api_key, key or secret) and no id column in the header row"}
	}
	for rows := 1; ; rows++ {
		if rows >= maxRows {
			return "", "", &FileError{Problem: "no data row in the first 16 rows"}
		}
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return "", "", &FileError{Problem: "no data row"}
		}
		if errors.Is(err, errTooManyColumns) {
			return "", "", &FileError{Problem: "more than 64 columns in a data row"}
		}
		if err != nil {
			return "", "", &FileError{Problem: "malformed CSV data row"}
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		if secCol >= 0 && secCol < len(row) {
			secret = strings.TrimSpace(row[secCol])
		}
		if idCol >= 0 && idCol < len(row) {
			id = strings.TrimSpace(row[idCol])
		}
		return checkFound(id, secret, secCol >= 0, "column", "the header row")
	}
}

// checkFound turns what was found into ParseCredentialFile's result.
func checkFound(id, secret string, secretNamed bool, what, where string) (string, string, error) {
	switch {
	case !secretNamed:
		return id, "", &FileError{Problem: "no secret " + what + " (api_key, key or secret) in " + where}
	case secret == "":
		return id, "", &FileError{Problem: "empty secret in the data row"}
	case id == "":
		return "", secret, &FileError{Problem: "no id " + what + " (id or credential_id) in the file"}
	}
	return id, secret, nil
}

// parseCredentialJSON reads id and secret from a JSON object by the column
// rules of the CSV header, looking one level into nested objects too (in
// key order).
func parseCredentialJSON(data []byte) (id, secret string, err error) {
	if jsonMembers(data) > maxColumns {
		return "", "", &FileError{Problem: "JSON answer with more than 64 members"}
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return "", "", &FileError{Problem: "not a JSON object"}
	}
	objs := []map[string]json.RawMessage{top}
	for _, k := range slices.Sorted(maps.Keys(top)) {
		var inner map[string]json.RawMessage
		if json.Unmarshal(top[k], &inner) == nil {
			objs = append(objs, inner)
		}
	}
	// The object holding the secret gives the id too; failing that, the
	// first other object with an id.
	secretNamed, otherID := false, ""
	for _, o := range objs {
		var names, values []string
		for _, k := range slices.Sorted(maps.Keys(o)) {
			var v string
			if json.Unmarshal(o[k], &v) == nil && v != "" {
				names, values = append(names, k), append(values, v)
			}
		}
		idCol, secCol := pickColumns(names)
		if secCol >= 0 && !secretNamed {
			secret, secretNamed = values[secCol], true
			if idCol >= 0 {
				id = values[idCol]
			}
		} else if idCol >= 0 && otherID == "" {
			otherID = values[idCol]
		}
	}
	if id == "" {
		id = otherID
	}
	return checkFound(id, secret, secretNamed, "field", "the JSON answer")
}

// jsonMembers counts the object members of a JSON text (the ':' outside
// strings) without allocating: the decoding below costs a few hundred bytes
// per member, so their number is bounded before it starts.
func jsonMembers(data []byte) int {
	n, inString, escaped := 0, false, false
	for _, c := range data {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && c == ':':
			n++
		}
	}
	return n
}

// CreatedKeyID returns ID: the new credential's id when the answer gave
// it. Tools use it (through an interface) to delete a key whose secret could
// not be read, so that no key is left whose secret nobody has.
func (e *CreateFileError) CreatedKeyID() string { return e.ID }

package huaweibcs

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"path"
	"strings"
)

// maxFileEntry bounds what is read from one ZIP entry.
const maxFileEntry = 1 << 20

// FileError reports a create answer whose file could not be read. The raw
// file is still returned in [CreatedCredential.File], so the one-time secret
// is not lost; its text never contains file content.
type FileError struct {
	Problem string
}

// Error returns "huaweibcs: API key file: <problem>".
func (e *FileError) Error() string { return "huaweibcs: API key file: " + e.Problem }

// ParseCredentialFile reads the file CreateCredential returns: a ZIP holding
// credential.csv (or, failing that, the first .csv entry), or a bare CSV.
// Its columns are undocumented, so the header row decides: matched case-,
// space-, '_'- and '-'-insensitively, the id comes from a column named id,
// credential_id, api_key_id or key_id, and the secret from api_key, apikey,
// key, secret, api_secret or secret_key. The first data row is used. A UTF-8
// byte-order mark is ignored. A JSON object (should a server answer JSON) is
// read with the same name rules, also one level down (e.g. {"credential":
// {...}}). The secret is never put in an error.
func ParseCredentialFile(data []byte) (id, secret string, err error) {
	if t := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\ufeff"))); len(t) > 0 && t[0] == '{' {
		return parseCredentialJSON(t)
	}
	csvData := data
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")) {
		csvData, err = csvFromZip(data)
		if err != nil {
			return "", "", err
		}
	}
	return parseCredentialCSV(csvData)
}

func csvFromZip(data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &FileError{Problem: "not a readable ZIP archive"}
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
	rc, err := pick.Open()
	if err != nil {
		return nil, &FileError{Problem: "cannot open " + path.Base(pick.Name) + " in the ZIP archive"}
	}
	defer func() { _ = rc.Close() }()
	b, err := io.ReadAll(io.LimitReader(rc, maxFileEntry+1))
	if err != nil {
		return nil, &FileError{Problem: "cannot read " + path.Base(pick.Name) + " in the ZIP archive"}
	}
	if len(b) > maxFileEntry {
		return nil, &FileError{Problem: "CSV entry larger than 1 MiB"}
	}
	return b, nil
}

// normalizeColumn lowercases a header name and drops spaces, '_' and '-'.
func normalizeColumn(s string) string {
	s = strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
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

func parseCredentialCSV(data []byte) (id, secret string, err error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return "", "", &FileError{Problem: "empty file"}
		}
		return "", "", &FileError{Problem: "not a CSV file"}
	}
	idCol, secCol := -1, -1
	for i, h := range header {
		n := normalizeColumn(h)
		switch {
		case idCol < 0 && isIDColumn(n):
			idCol = i
		case secCol < 0 && isSecretColumn(n):
			secCol = i
		}
	}
	if secCol < 0 {
		return "", "", &FileError{Problem: "no secret column (api_key, key or secret) in the header row"}
	}
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return "", "", &FileError{Problem: "no data row"}
		}
		if err != nil {
			return "", "", &FileError{Problem: "malformed CSV data row"}
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		if secCol < len(row) {
			secret = strings.TrimSpace(row[secCol])
		}
		if idCol >= 0 && idCol < len(row) {
			id = strings.TrimSpace(row[idCol])
		}
		if secret == "" {
			return "", "", &FileError{Problem: "empty secret in the data row"}
		}
		if id == "" {
			return "", secret, &FileError{Problem: "no id column (id or credential_id) in the file"}
		}
		return id, secret, nil
	}
}

// parseCredentialJSON reads id and secret from a JSON object by the column
// rules of the CSV header, looking one level into nested objects too.
func parseCredentialJSON(data []byte) (id, secret string, err error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return "", "", &FileError{Problem: "not a JSON object"}
	}
	objs := []map[string]json.RawMessage{top}
	for _, v := range top {
		var inner map[string]json.RawMessage
		if json.Unmarshal(v, &inner) == nil {
			objs = append(objs, inner)
		}
	}
	for _, o := range objs {
		for k, v := range o {
			var s string
			if json.Unmarshal(v, &s) != nil || s == "" {
				continue
			}
			n := normalizeColumn(k)
			switch {
			case id == "" && isIDColumn(n):
				id = s
			case secret == "" && isSecretColumn(n):
				secret = s
			}
		}
		if secret != "" {
			break
		}
	}
	if secret == "" {
		return "", "", &FileError{Problem: "no secret field (api_key, key or secret) in the JSON answer"}
	}
	if id == "" {
		return "", secret, &FileError{Problem: "no id field (id or credential_id) in the JSON answer"}
	}
	return id, secret, nil
}

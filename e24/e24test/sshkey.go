package e24test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// Fingerprint returns the MD5 colon-hex fingerprint of an OpenSSH public
// key blob (the classic `ssh-keygen -l -E md5` form, without the "MD5:"
// prefix), e.g. "16:27:ac:...".
func Fingerprint(blob []byte) string {
	sum := md5.Sum(blob)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02x", b)
	}
	return strings.Join(parts, ":")
}

// ParseAuthorizedKey parses an OpenSSH public key line
// "<type> <base64 blob> [comment]" and returns the blob. The blob must
// start with an SSH string naming the same type.
func ParseAuthorizedKey(line string) (keyType string, blob []byte, err error) {
	f := strings.Fields(strings.TrimSpace(line))
	if len(f) < 2 {
		return "", nil, errors.New("want \"<type> <base64> [comment]\"")
	}
	blob, err = base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		return "", nil, errors.New("key data is not base64")
	}
	if len(blob) < 4 {
		return "", nil, errors.New("key blob too short")
	}
	n := binary.BigEndian.Uint32(blob)
	if uint64(n) > uint64(len(blob)-4) {
		return "", nil, errors.New("key blob truncated")
	}
	if string(blob[4:4+n]) != f[0] {
		return "", nil, errors.New("key type does not match its blob")
	}
	return f[0], blob, nil
}

// sshString encodes s as an SSH wire string (uint32 length, bytes).
func sshString(buf *bytes.Buffer, s []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(s)))
	buf.Write(n[:])
	buf.Write(s)
}

// ed25519Blob is the OpenSSH public key blob of an ed25519 key.
func ed25519Blob(pub ed25519.PublicKey) []byte {
	var buf bytes.Buffer
	sshString(&buf, []byte("ssh-ed25519"))
	sshString(&buf, pub)
	return buf.Bytes()
}

// generateKey makes a real ed25519 pair: the authorized_keys line, its
// fingerprint and the private key as PEM PKCS#8 ("PRIVATE KEY").
func generateKey(comment string) (publicLine, fingerprint, privatePEM string, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", "", "", err
	}
	blob := ed25519Blob(pub)
	publicLine = "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob)
	if c := strings.Join(strings.Fields(comment), "_"); c != "" {
		publicLine += " " + c
	}
	privatePEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	return publicLine, Fingerprint(blob), privatePEM, nil
}

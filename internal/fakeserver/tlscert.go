package fakeserver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"time"
)

// certificate is a fake's self-signed TLS certificate.
type certificate struct {
	tls  tls.Certificate
	leaf *x509.Certificate
	pem  []byte
}

// newCertificate generates a self-signed ECDSA P-256 certificate for
// 127.0.0.1, ::1, localhost and fake.invalid (the in-memory host), valid
// from 1970 to 2084 like httptest's, so that it also verifies inside a
// testing/synctest bubble (whose clock starts in 2000). It is its own CA.
func newCertificate() (*certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"cloudkeys fake server"}, CommonName: "cloudkeys fake server"},
		NotBefore:             time.Unix(0, 0).UTC(),
		NotAfter:              time.Date(2084, time.January, 29, 16, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost", inMemoryHost},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &certificate{
		tls:  tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
		leaf: leaf,
		pem:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
	}, nil
}

// NewTLSPair returns a fresh self-signed certificate of the kind the fakes
// use (127.0.0.1, ::1, localhost) and a pool trusting it, for tests that put
// servers of their own beside a fake (a redirecting front, a proxy).
func NewTLSPair() (tls.Certificate, *x509.CertPool, error) {
	c, err := newCertificate()
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(c.leaf)
	return c.tls, pool, nil
}

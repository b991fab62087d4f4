// SPDX-License-Identifier: Apache-2.0

package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"strings"
	"time"
)

// serverCert is a fresh self-signed certificate for 127.0.0.1, ::1 and localhost. Each harness
// makes its own, so tests can tell two harnesses apart by thumbprint.
type serverCert struct {
	tls         tls.Certificate
	pem         string
	sha1Print   string
	sha256Print string
}

func newServerCert() (*serverCert, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "vcsim-harness", Organization: []string{"vsphere-ccm tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	s1 := sha1.Sum(der)
	s256 := sha256.Sum256(der)
	return &serverCert{
		tls:         tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
		pem:         string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		sha1Print:   colonHex(s1[:]),
		sha256Print: colonHex(s256[:]),
	}, nil
}

// colonHex formats a digest the way vSphere shows thumbprints: "AB:CD:...".
func colonHex(b []byte) string {
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = fmt.Sprintf("%02X", x)
	}
	return strings.Join(parts, ":")
}

func newTLSConfig(cert *serverCert) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{cert.tls},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"http/1.1"},
	}
}

func tlsListener(ln net.Listener, config *tls.Config) net.Listener {
	return tls.NewListener(ln, config)
}

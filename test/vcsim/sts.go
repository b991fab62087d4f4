// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/ioutil"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// stsPath is the WS-Trust endpoint the harness serves (also under stsPath + "/<domain>").
const stsPath = "/sts/STSService"

const (
	maxTokenLifetime     = time.Hour
	defaultTokenLifetime = 10 * time.Minute
	samlTimeFormat       = "2006-01-02T15:04:05.000Z"
)

// stsService is a Security Token Service that, unlike govmomi's STS simulator (which answers
// every request with one fixed token), checks what a real one checks for a solution user: the
// WS-Security signature of the Issue request, made with the key of a registered certificate. It
// issues holder-of-key SAML assertions bound to that certificate and later verifies
// LoginByToken requests against them, so a mangled token or signature fails as on vCenter.
type stsService struct {
	issuer string

	mu     sync.Mutex
	users  map[string]string // DER certificate -> solution user name
	tokens map[string]issuedToken
}

type issuedToken struct {
	subject   string
	cert      *x509.Certificate
	expires   time.Time
	canonical []byte // exc-c14n of the assertion as issued
}

// stsFault is a refusal, answered as a SOAP fault.
type stsFault struct{ code, text string }

func (f *stsFault) Error() string { return f.code + ": " + f.text }

func newSTS(users []SolutionUser, issuer string) (*stsService, error) {
	s := &stsService{issuer: issuer, users: map[string]string{}, tokens: map[string]issuedToken{}}
	for _, u := range users {
		cert, err := parseRSACertificate(u.CertificatePem)
		if err != nil {
			return nil, fmt.Errorf("solution user %q: %w", u.Name, err)
		}
		s.users[string(cert.Raw)] = u.Name
	}
	return s, nil
}

func parseRSACertificate(text string) (*x509.Certificate, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("not a PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, err
	}
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return nil, errors.New("the certificate's key is not RSA")
	}
	return cert, nil
}

// handles reports whether a request is for the STS endpoint.
func (s *stsService) handles(path string) bool {
	return path == stsPath || strings.HasPrefix(path, stsPath+"/")
}

// ServeHTTP answers WS-Trust Issue requests.
func (s *stsService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := ioutil.ReadAll(io.LimitReader(r.Body, maxSoapBody))
	if err != nil || r.Method != http.MethodPost {
		writeSoapFault(w, "wst:InvalidRequest", "expected a POSTed WS-Trust request")
		return
	}
	reply, err := s.issue(body, time.Now())
	if err != nil {
		f, ok := err.(*stsFault)
		if !ok {
			f = &stsFault{"wst:InvalidRequest", err.Error()}
		}
		writeSoapFault(w, f.code, f.text)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, reply)
}

// issue verifies a signed Issue request and returns the RSTR envelope with a new assertion.
func (s *stsService) issue(data []byte, now time.Time) (string, error) {
	msg, err := parseSecurityEnvelope(data)
	if err != nil {
		return "", &stsFault{"wsse:InvalidSecurity", err.Error()}
	}
	cert, err := s.signerCertificate(msg)
	if err != nil {
		return "", err
	}
	ts, err := msg.checkTimestamp(now)
	if err != nil {
		return "", &stsFault{"wsse:MessageExpired", err.Error()}
	}
	if err := msg.verify(cert.PublicKey.(*rsa.PublicKey), ts); err != nil {
		return "", &stsFault{"wsse:FailedCheck", err.Error()}
	}
	s.mu.Lock()
	name, known := s.users[string(cert.Raw)]
	s.mu.Unlock()
	if !known {
		return "", &stsFault{"wsse:FailedAuthentication", "the certificate " + cert.Subject.String() + " is not a registered solution user"}
	}
	lifetime, err := requestedLifetime(msg.body, now)
	if err != nil {
		return "", err
	}
	return s.newAssertion(name, cert, now, lifetime)
}

// signerCertificate is the X.509 BinarySecurityToken the signature's KeyInfo points at.
func (s *stsService) signerCertificate(msg *soapSecurity) (*x509.Certificate, error) {
	var ref string
	if ki := msg.signature.child(nsDsig, "KeyInfo"); ki != nil {
		if str := ki.child(nsWsse, "SecurityTokenReference"); str != nil {
			if r := str.child(nsWsse, "Reference"); r != nil {
				ref, _ = r.attr("URI")
			}
		}
	}
	bst := msg.security.child(nsWsse, "BinarySecurityToken")
	if bst == nil || !strings.HasPrefix(ref, "#") {
		return nil, &stsFault{"wsse:InvalidSecurityToken", "the signature must reference an X.509 BinarySecurityToken"}
	}
	if id, _ := bst.attr("Id"); id != ref[1:] {
		return nil, &stsFault{"wsse:SecurityTokenUnavailable", "the signature references an unknown token"}
	}
	der, err := base64.StdEncoding.DecodeString(stripSpace(bst.text()))
	if err != nil {
		return nil, &stsFault{"wsse:InvalidSecurityToken", "the BinarySecurityToken is not base64"}
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, &stsFault{"wsse:InvalidSecurityToken", "the BinarySecurityToken is not an X.509 certificate"}
	}
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return nil, &stsFault{"wsse:UnsupportedAlgorithm", "only RSA signing keys are supported"}
	}
	return cert, nil
}

// requestedLifetime checks the RequestSecurityToken (Issue of a SAML 2.0 holder-of-key token)
// and returns the lifetime it asks for, capped.
func requestedLifetime(body *xmlNode, now time.Time) (time.Duration, error) {
	rst := body.child(nsWst, "RequestSecurityToken")
	if rst == nil {
		return 0, &stsFault{"wst:InvalidRequest", "the body is not a RequestSecurityToken"}
	}
	if t := strings.TrimSpace(childText(rst, nsWst, "RequestType")); t != nsWst+"/Issue" {
		return 0, &stsFault{"wst:InvalidRequest", "unsupported RequestType " + t}
	}
	if t := strings.TrimSpace(childText(rst, nsWst, "TokenType")); t != nsSaml2 {
		return 0, &stsFault{"wst:InvalidRequest", "unsupported TokenType " + t}
	}
	if k := strings.TrimSpace(childText(rst, nsWst, "KeyType")); k != nsWst+"/PublicKey" {
		return 0, &stsFault{"wst:InvalidRequest", "this STS issues holder-of-key (PublicKey) tokens only, not " + k}
	}
	lifetime := defaultTokenLifetime
	if lt := rst.child(nsWst, "Lifetime"); lt != nil {
		if exp, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(childText(lt, nsWsu, "Expires"))); err == nil {
			lifetime = exp.Sub(now)
		}
	}
	if lifetime <= 0 {
		return 0, &stsFault{"wst:InvalidTimeRange", "the requested lifetime has already ended"}
	}
	if lifetime > maxTokenLifetime {
		lifetime = maxTokenLifetime
	}
	return lifetime, nil
}

func (s *stsService) newAssertion(name string, cert *x509.Certificate, now time.Time, lifetime time.Duration) (string, error) {
	id := "_" + uuid.New().String()
	created, expires := now.UTC().Format(samlTimeFormat), now.Add(lifetime).UTC().Format(samlTimeFormat)
	certB64 := base64.StdEncoding.EncodeToString(cert.Raw)
	assertion := `<saml2:Assertion xmlns:saml2="` + nsSaml2 + `" ID="` + id + `" IssueInstant="` + created + `" Version="2.0">` +
		`<saml2:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">` + escapeC14NText(s.issuer) + `</saml2:Issuer>` +
		`<saml2:Subject><saml2:NameID Format="http://schemas.xmlsoap.org/claims/UPN">` + escapeC14NText(name) + `</saml2:NameID>` +
		`<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:holder-of-key">` +
		`<saml2:SubjectConfirmationData xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" NotOnOrAfter="` + expires + `" xsi:type="saml2:KeyInfoConfirmationDataType">` +
		`<ds:KeyInfo xmlns:ds="` + nsDsig + `"><ds:X509Data><ds:X509Certificate>` + certB64 + `</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
		`</saml2:SubjectConfirmationData></saml2:SubjectConfirmation></saml2:Subject>` +
		`<saml2:Conditions NotBefore="` + created + `" NotOnOrAfter="` + expires + `"></saml2:Conditions>` +
		`</saml2:Assertion>`
	tree, err := parseXMLTree([]byte(assertion))
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.tokens[id] = issuedToken{subject: name, cert: cert, expires: now.Add(lifetime), canonical: excC14N(tree)}
	s.mu.Unlock()
	// The saml2 prefix is declared on the response element too, so clients must not rely on
	// the assertion being the only place that declares what it uses.
	return `<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="` + nsSoapEnv + `"><S:Body>` +
		`<wst:RequestSecurityTokenResponseCollection xmlns:wst="` + nsWst + `" xmlns:saml2="` + nsSaml2 + `">` +
		`<wst:RequestSecurityTokenResponse><wst:TokenType>` + nsSaml2 + `</wst:TokenType>` +
		`<wst:Lifetime><wsu:Created xmlns:wsu="` + nsWsu + `">` + created + `</wsu:Created>` +
		`<wsu:Expires xmlns:wsu="` + nsWsu + `">` + expires + `</wsu:Expires></wst:Lifetime>` +
		`<wst:RequestedSecurityToken>` + assertion + `</wst:RequestedSecurityToken>` +
		`</wst:RequestSecurityTokenResponse></wst:RequestSecurityTokenResponseCollection></S:Body></S:Envelope>`, nil
}

// verifyLoginByToken checks a LoginByToken request: a current timestamp, an assertion this STS
// issued (unchanged, not expired) and a signature over timestamp and body made with the key the
// assertion is bound to, pointing at the assertion. It returns why a request is refused.
func (s *stsService) verifyLoginByToken(data []byte, now time.Time) error {
	msg, err := parseSecurityEnvelope(data)
	if err != nil {
		return err
	}
	node := msg.security.child(nsSaml2, "Assertion")
	if node == nil {
		return errors.New("no saml2:Assertion in the Security header")
	}
	id, _ := node.attr("ID")
	s.mu.Lock()
	token, ok := s.tokens[id]
	s.mu.Unlock()
	if !ok {
		return errors.New("the assertion was not issued by this STS")
	}
	if !bytes.Equal(excC14N(node), token.canonical) {
		return errors.New("the assertion was changed after it was issued")
	}
	if !now.Before(token.expires) {
		return errors.New("the assertion has expired")
	}
	if keyID := signatureKeyIdentifier(msg.signature); keyID != id {
		return fmt.Errorf("the signature's key identifier %q is not the assertion", keyID)
	}
	ts, err := msg.checkTimestamp(now)
	if err != nil {
		return err
	}
	return msg.verify(token.cert.PublicKey.(*rsa.PublicKey), ts)
}

func signatureKeyIdentifier(sig *xmlNode) string {
	if ki := sig.child(nsDsig, "KeyInfo"); ki != nil {
		if str := ki.child(nsWsse, "SecurityTokenReference"); str != nil {
			return strings.TrimSpace(childText(str, nsWsse, "KeyIdentifier"))
		}
	}
	return ""
}

func writeSoapFault(w http.ResponseWriter, code, text string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="`+nsSoapEnv+`"><S:Body><S:Fault>`+
		`<faultcode xmlns:wsse="`+nsWsse+`" xmlns:wst="`+nsWst+`">`+escapeC14NText(code)+`</faultcode>`+
		`<faultstring>`+escapeC14NText(text)+`</faultstring></S:Fault></S:Body></S:Envelope>`)
}

// writeInvalidLogin answers a SOAP call with vCenter's InvalidLogin fault.
func writeInvalidLogin(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="`+nsSoapEnv+`" `+
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault>`+
		`<faultcode>ServerFaultCode</faultcode><faultstring>Login failure</faultstring><detail>`+
		`<InvalidLoginFault xmlns="urn:vim25" xsi:type="InvalidLogin"></InvalidLoginFault></detail>`+
		`</soapenv:Fault></soapenv:Body></soapenv:Envelope>`)
}

// SPDX-License-Identifier: Apache-2.0

package main

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Namespaces and algorithms of the WS-Security profile the vCenter STS and LoginByToken use.
const (
	nsSoapEnv = "http://schemas.xmlsoap.org/soap/envelope/"
	nsWsse    = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	nsWsu     = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
	nsDsig    = "http://www.w3.org/2000/09/xmldsig#"
	nsWst     = "http://docs.oasis-open.org/ws-sx/ws-trust/200512"
	nsSaml2   = "urn:oasis:names:tc:SAML:2.0:assertion"

	algExcC14N   = "http://www.w3.org/2001/10/xml-exc-c14n#"
	algRsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	algSha256    = "http://www.w3.org/2001/04/xmlenc#sha256"

	// clockSkew is how far a request's timestamp may lie in the future.
	clockSkew = 5 * time.Minute
)

// soapSecurity is the parsed WS-Security header of a SOAP request.
type soapSecurity struct {
	root      *xmlNode
	body      *xmlNode
	security  *xmlNode
	signature *xmlNode
}

// parseSecurityEnvelope finds the Body and the wsse:Security header with its ds:Signature.
func parseSecurityEnvelope(data []byte) (*soapSecurity, error) {
	root, err := parseXMLTree(data)
	if err != nil {
		return nil, err
	}
	if root.local != "Envelope" || root.uri() != nsSoapEnv {
		return nil, errors.New("not a SOAP 1.1 envelope")
	}
	s := &soapSecurity{root: root, body: root.child(nsSoapEnv, "Body")}
	if header := root.child(nsSoapEnv, "Header"); header != nil {
		s.security = header.child(nsWsse, "Security")
	}
	if s.body == nil || s.security == nil {
		return nil, errors.New("no Body or no wsse:Security header")
	}
	if s.signature = s.security.child(nsDsig, "Signature"); s.signature == nil {
		return nil, errors.New("the Security header is not signed")
	}
	return s, nil
}

// checkTimestamp requires a wsu:Timestamp that is current.
func (s *soapSecurity) checkTimestamp(now time.Time) (*xmlNode, error) {
	ts := s.security.child(nsWsu, "Timestamp")
	if ts == nil {
		return nil, errors.New("no wsu:Timestamp")
	}
	created, err1 := time.Parse(time.RFC3339Nano, strings.TrimSpace(childText(ts, nsWsu, "Created")))
	expires, err2 := time.Parse(time.RFC3339Nano, strings.TrimSpace(childText(ts, nsWsu, "Expires")))
	if err1 != nil || err2 != nil {
		return nil, errors.New("malformed wsu:Timestamp")
	}
	if created.After(now.Add(clockSkew)) || !expires.After(now) {
		return nil, fmt.Errorf("request timestamp %s..%s is not current", created.Format(time.RFC3339), expires.Format(time.RFC3339))
	}
	return ts, nil
}

// verify checks the signature with key and that it covers the timestamp and the body.
func (s *soapSecurity) verify(key *rsa.PublicKey, timestamp *xmlNode) error {
	covered, err := verifySignature(s.signature, s.root, key)
	if err != nil {
		return err
	}
	for _, n := range []*xmlNode{timestamp, s.body} {
		id, _ := n.attr("Id")
		if id == "" || !covered[id] {
			return fmt.Errorf("the signature does not cover the %s", n.local)
		}
	}
	return nil
}

// verifySignature checks an enveloped-in-header XML-DSig signature: exc-c14n SignedInfo,
// RSA-SHA256, SHA-256 references by Id with only the exc-c14n transform. It returns the ids the
// signature covers.
func verifySignature(sig, doc *xmlNode, key *rsa.PublicKey) (map[string]bool, error) {
	info := sig.child(nsDsig, "SignedInfo")
	if info == nil {
		return nil, errors.New("no ds:SignedInfo")
	}
	if alg := childAlgorithm(info, "CanonicalizationMethod"); alg != algExcC14N {
		return nil, fmt.Errorf("canonicalization %q is not exclusive c14n", alg)
	}
	if alg := childAlgorithm(info, "SignatureMethod"); alg != algRsaSha256 {
		return nil, fmt.Errorf("signature method %q is not rsa-sha256", alg)
	}
	covered := map[string]bool{}
	for _, ref := range info.children(nsDsig, "Reference") {
		id, err := verifyReference(ref, doc)
		if err != nil {
			return nil, err
		}
		covered[id] = true
	}
	value, err := base64.StdEncoding.DecodeString(stripSpace(childText(sig, nsDsig, "SignatureValue")))
	if err != nil {
		return nil, errors.New("ds:SignatureValue is not base64")
	}
	sum := sha256.Sum256(excC14N(info))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], value); err != nil {
		return nil, errors.New("the signature value does not verify with the signer's key")
	}
	return covered, nil
}

func verifyReference(ref, doc *xmlNode) (string, error) {
	uri, _ := ref.attr("URI")
	if !strings.HasPrefix(uri, "#") {
		return "", fmt.Errorf("reference %q is not a same-document id", uri)
	}
	id := uri[1:]
	if transforms := ref.child(nsDsig, "Transforms"); transforms != nil {
		for _, t := range transforms.children(nsDsig, "Transform") {
			if alg, _ := t.attr("Algorithm"); alg != algExcC14N {
				return "", fmt.Errorf("reference %s: transform %q is not exclusive c14n", uri, alg)
			}
		}
	}
	if alg := childAlgorithm(ref, "DigestMethod"); alg != algSha256 {
		return "", fmt.Errorf("reference %s: digest %q is not sha256", uri, alg)
	}
	target := doc.findByID(id)
	if target == nil {
		return "", fmt.Errorf("reference %s: no element with that id", uri)
	}
	want, err := base64.StdEncoding.DecodeString(stripSpace(childText(ref, nsDsig, "DigestValue")))
	if err != nil {
		return "", fmt.Errorf("reference %s: digest is not base64", uri)
	}
	got := sha256.Sum256(excC14N(target))
	if subtle.ConstantTimeCompare(got[:], want) != 1 {
		return "", fmt.Errorf("reference %s: digest mismatch (the %s was changed or is not canonical)", uri, target.local)
	}
	return id, nil
}

func childAlgorithm(n *xmlNode, local string) string {
	if c := n.child(nsDsig, local); c != nil {
		alg, _ := c.attr("Algorithm")
		return alg
	}
	return ""
}

func childText(n *xmlNode, uri, local string) string {
	if c := n.child(uri, local); c != nil {
		return c.text()
	}
	return ""
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, s)
}

// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"io/ioutil"
	"net"
	"net/http"
	"strings"
	"time"
)

// verifyTokenAuthorization checks a vAPI "Authorization: SIGN ..." login header (govmomi's
// sts.Signer.SignRequest format): an assertion this STS issued, unchanged and current, and a
// signature with its holder key over nonce, method, path, host, port and body hash.
func (s *stsService) verifyTokenAuthorization(r *http.Request, body []byte, now time.Time) error {
	params := parseSignParams(strings.TrimPrefix(r.Header.Get("Authorization"), "SIGN "))
	zipped, err := base64.StdEncoding.DecodeString(params["token"])
	if err != nil {
		return errors.New("token is not base64")
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		return errors.New("token is not gzip")
	}
	assertion, err := ioutil.ReadAll(io.LimitReader(zr, maxSoapBody))
	if err != nil {
		return errors.New("token is not gzip")
	}
	node, err := parseXMLTree(assertion)
	if err != nil || node.local != "Assertion" || node.uri() != nsSaml2 {
		return errors.New("token is not a SAML assertion")
	}
	id, _ := node.attr("ID")
	s.mu.Lock()
	token, ok := s.tokens[id]
	s.mu.Unlock()
	switch {
	case !ok:
		return errors.New("the assertion was not issued by this STS")
	case !bytes.Equal(excC14N(node), token.canonical):
		return errors.New("the assertion was changed after it was issued")
	case !now.Before(token.expires):
		return errors.New("the assertion has expired")
	case params["signature_alg"] != "RSA-SHA256":
		return errors.New("holder-of-key tokens need an RSA-SHA256 request signature")
	}
	bodyHash := sha256.Sum256(body)
	if params["bodyhash"] != base64.StdEncoding.EncodeToString(bodyHash[:]) {
		return errors.New("bodyhash does not match the body")
	}
	host, port := r.Host, "80"
	if h, p, err := net.SplitHostPort(r.Host); err == nil {
		host, port = h, p
	}
	var msg bytes.Buffer
	for _, part := range []string{params["nonce"], r.Method, r.URL.Path, strings.ToLower(host), port} {
		msg.WriteString(part + "\n")
	}
	msg.Write(bodyHash[:])
	msg.WriteByte('\n')
	sig, err := base64.StdEncoding.DecodeString(params["signature"])
	if err != nil {
		return errors.New("signature is not base64")
	}
	sum := sha256.Sum256(msg.Bytes())
	if err := rsa.VerifyPKCS1v15(token.cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, sum[:], sig); err != nil {
		return errors.New("the request signature does not verify with the token's key")
	}
	return nil
}

// parseSignParams reads `k="v", k2="v2"` (values never contain quotes).
func parseSignParams(text string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(text, ",") {
		kv := strings.SplitN(strings.TrimSpace(part), "=", 2)
		if len(kv) == 2 {
			out[kv[0]] = strings.Trim(kv[1], `"`)
		}
	}
	return out
}

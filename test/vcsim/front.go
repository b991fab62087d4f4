// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"crypto/subtle"
	"crypto/tls"
	"encoding/json"
	"encoding/xml"
	"io"
	"io/ioutil"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Pause modes: hang accepts connections and requests but answers none until resumed; refuse
// resets every connection, new and existing.
const (
	pauseNone   = ""
	pauseHang   = "hang"
	pauseRefuse = "refuse"
)

const maxSoapBody = 64 << 20

// Call kinds in the counters.
const (
	kindSoap = "soap"
	kindRest = "rest"
	kindSts  = "sts"
)

// front sits between the TLS listener and the simulator's handlers. It counts SOAP methods, REST
// calls and STS requests (and which of them failed), injects latency, simulates an unreachable
// vCenter, enforces the scenario's credentials on REST login (the vAPI simulator accepts any
// password), serves the STS, checks LoginByToken signatures (the simulator checks none) and lets
// REST calls use a SOAP session id, as vCenter does.
type front struct {
	next  http.Handler
	creds Credentials
	sts   *stsService
	rest  *restSessions

	mu      sync.Mutex
	calls   map[string]map[string]int64
	faults  map[string]map[string]int64
	latency map[string]time.Duration
	mode    string
	resume  chan struct{}
	conns   map[net.Conn]http.ConnState
	closed  chan struct{}
}

func newFront(next http.Handler, creds Credentials, sts *stsService, sessions *restSessions) *front {
	return &front{
		next:    next,
		creds:   creds,
		sts:     sts,
		rest:    sessions,
		calls:   newCounterMaps(),
		faults:  newCounterMaps(),
		latency: map[string]time.Duration{},
		conns:   map[net.Conn]http.ConnState{},
		closed:  make(chan struct{}),
	}
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !f.gate(w, r) {
		return
	}
	key, kind := f.classify(r)
	if key != "" {
		f.count(f.calls, kind, key)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if rec.status >= 400 {
				f.count(f.faults, kind, key)
			}
		}()
		w = rec
	}
	if kind == kindSts {
		f.sts.ServeHTTP(w, r)
		return
	}
	if kind == kindSoap && key == "LoginByToken" && !f.validTokenLogin(r) {
		writeInvalidLogin(w)
		return
	}
	if isRestLogin(r) && !f.validRestLogin(r) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"type":"com.vmware.vapi.std.errors.unauthenticated","value":{"messages":[{"args":[],"default_message":"Authentication required.","id":"com.vmware.vapi.endpoint.method.authentication.required"}]}}`)
		return
	}
	if d := f.delay(key); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		case <-f.closed:
			t.Stop()
			return
		}
	}
	if kind == kindRest && !isRestLogin(r) {
		f.rest.shareSoapSession(vapiSessionID(r))
	}
	f.next.ServeHTTP(w, r)
}

// gate applies the pause mode; it returns false when the request must not be served.
func (f *front) gate(w http.ResponseWriter, r *http.Request) bool {
	for {
		f.mu.Lock()
		mode, resume := f.mode, f.resume
		f.mu.Unlock()
		switch mode {
		case pauseNone:
			return true
		case pauseRefuse:
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					resetConn(conn)
				}
			}
			return false
		}
		select {
		case <-resume:
		case <-r.Context().Done():
			return false
		case <-f.closed:
			return false
		}
	}
}

// classify names the call and its kind: the SOAP method (first element of the Body), "VERB
// /path" plus the vAPI "~action" for REST, or the WS-Trust action ("Issue") for the STS.
func (f *front) classify(r *http.Request) (string, string) {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && (p == "/sdk" || strings.HasPrefix(p, "/sdk/")):
		body, err := bufferBody(r)
		if err != nil {
			return "unreadable", kindSoap
		}
		return soapMethod(body), kindSoap
	case strings.HasPrefix(p, "/rest/") || strings.HasPrefix(p, "/api/"):
		key := r.Method + " " + p
		if action := r.URL.Query().Get("~action"); action != "" {
			key += "?~action=" + action
		}
		return key, kindRest
	case f.sts.handles(p):
		action := strings.Trim(r.Header.Get("SOAPAction"), `"`)
		if i := strings.LastIndex(action, "/"); i >= 0 {
			action = action[i+1:]
		}
		if action == "" {
			action = "unknown"
		}
		return action, kindSts
	}
	return "", ""
}

// bufferBody reads the request body (bounded) and puts it back for the next handler.
func bufferBody(r *http.Request) ([]byte, error) {
	body, err := ioutil.ReadAll(io.LimitReader(r.Body, maxSoapBody))
	_ = r.Body.Close()
	r.Body = ioutil.NopCloser(bytes.NewReader(body))
	return body, err
}

// validTokenLogin checks the WS-Security header of a LoginByToken request against the STS.
func (f *front) validTokenLogin(r *http.Request) bool {
	body, err := bufferBody(r)
	if err != nil {
		return false
	}
	if err := f.sts.verifyLoginByToken(body, time.Now()); err != nil {
		log.Printf("vcsim-harness front: LoginByToken refused: %v", err)
		return false
	}
	return true
}

func soapMethod(body []byte) string {
	dec := xml.NewDecoder(bytes.NewReader(body))
	inBody := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return "unknown"
		}
		if se, ok := tok.(xml.StartElement); ok {
			if inBody {
				return se.Name.Local
			}
			inBody = se.Name.Local == "Body"
		}
	}
}

func (f *front) delay(key string) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := f.latency[""]
	if key != "" {
		d += f.latency[key]
	}
	return d
}

func isRestLogin(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.TrimSuffix(r.URL.Path, "/") == "/rest/com/vmware/cis/session" &&
		r.URL.Query().Get("~action") == ""
}

// validRestLogin accepts the scenario's user and password (basic auth) or a SAML token this
// harness's STS issued, presented in a signed "SIGN" header.
func (f *front) validRestLogin(r *http.Request) bool {
	if strings.HasPrefix(r.Header.Get("Authorization"), "SIGN ") {
		body, err := bufferBody(r)
		if err == nil {
			err = f.sts.verifyTokenAuthorization(r, body, time.Now())
		}
		if err != nil {
			log.Printf("vcsim-harness front: vAPI token login refused: %v", err)
		}
		return err == nil
	}
	u, p, ok := r.BasicAuth()
	return ok && subtle.ConstantTimeCompare([]byte(u), []byte(f.creds.Username)) == 1 &&
		subtle.ConstantTimeCompare([]byte(p), []byte(f.creds.Password)) == 1
}

// setLatency sets the delay for one call key ("" = every SOAP and REST call); 0 removes it.
func (f *front) setLatency(key string, d time.Duration) {
	f.mu.Lock()
	if d <= 0 {
		delete(f.latency, key)
	} else {
		f.latency[key] = d
	}
	f.mu.Unlock()
}

func (f *front) pause(mode string) {
	f.mu.Lock()
	if f.mode == pauseNone {
		f.resume = make(chan struct{})
	}
	f.mode = mode
	var victims []net.Conn
	if mode == pauseRefuse {
		for c := range f.conns {
			victims = append(victims, c)
		}
	}
	f.mu.Unlock()
	for _, c := range victims {
		resetConn(c)
	}
}

func (f *front) unpause() {
	f.mu.Lock()
	if f.mode != pauseNone {
		f.mode = pauseNone
		close(f.resume)
	}
	f.mu.Unlock()
}

func (f *front) refusing() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mode == pauseRefuse
}

// connState tracks open connections so that "refuse" can drop them.
func (f *front) connState(c net.Conn, state http.ConnState) {
	f.mu.Lock()
	switch state {
	case http.StateClosed, http.StateHijacked:
		delete(f.conns, c)
	default:
		f.conns[c] = state
	}
	f.mu.Unlock()
}

func (f *front) shutdown() {
	f.mu.Lock()
	select {
	case <-f.closed:
	default:
		close(f.closed)
	}
	f.mu.Unlock()
}

// resetConn closes a connection with a TCP reset, the way a vanished server looks to a client.
func resetConn(c net.Conn) {
	raw := c
	if tc, ok := c.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}

// gatedListener resets connections accepted while the front refuses them.
type gatedListener struct {
	net.Listener
	f *front
}

func (l gatedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if !l.f.refusing() {
			return c, nil
		}
		resetConn(c)
	}
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

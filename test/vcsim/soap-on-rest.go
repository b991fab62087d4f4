// SPDX-License-Identifier: Apache-2.0

package main

import (
	"net/http"
	"reflect"
	"time"

	"github.com/vmware/govmomi/simulator"
	vapirest "github.com/vmware/govmomi/vapi/rest"
)

const vapiSessionHeader = "vmware-api-session-id"

// vapiSessionID is the vAPI session id a REST request carries: the header, else the cookie.
func vapiSessionID(r *http.Request) string {
	if id := r.Header.Get(vapiSessionHeader); id != "" {
		return id
	}
	if c, err := r.Cookie(vapiSessionHeader); err == nil {
		return c.Value
	}
	return ""
}

// soapSessionUser returns the user name of the live SOAP session whose key is id.
func soapSessionUser(id string) (string, bool) {
	sm := simulator.Map.SessionManager()
	view, ok := probeContext().Session.Get(sm.Reference()).(*simulator.SessionManager)
	if !ok {
		return "", false
	}
	for _, s := range view.SessionList {
		if s.Key == id {
			return s.UserName, true
		}
	}
	return "", false
}

// shareSoapSession mirrors vCenter, whose vAPI endpoint accepts the id of a live SOAP session
// (the vmware_soap_session cookie value) as vmware-api-session-id; the vAPI simulator of govmomi
// 0.24.2 knows only its own sessions. A live SOAP session id is entered into the vAPI session
// table; once that SOAP session has ended, it is removed again, so the next REST call with it is
// answered 401 like on vCenter. Ids of the vAPI's own sessions are left alone.
func (r *restSessions) shareSoapSession(id string) {
	if id == "" {
		return
	}
	user, live := soapSessionUser(id)
	key := reflect.ValueOf(id)
	r.lock.Lock()
	defer r.lock.Unlock()
	switch {
	case live && !r.table.MapIndex(key).IsValid():
		now := time.Now()
		r.table.SetMapIndex(key, reflect.ValueOf(&vapirest.Session{User: user, Created: now, LastAccessed: now}))
		r.shared[id] = true
	case !live && r.shared[id]:
		r.table.SetMapIndex(key, reflect.Value{})
		delete(r.shared, id)
	}
}

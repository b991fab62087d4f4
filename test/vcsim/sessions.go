// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"net/http"
	"reflect"
	"sync"

	"github.com/vmware/govmomi/simulator"
	vapirest "github.com/vmware/govmomi/vapi/rest"
	"github.com/vmware/govmomi/vim25/types"
)

const probeKey = "vcsim-harness-control"

// probeContext is a caller identity for invoking SessionManager methods from the harness itself.
func probeContext() *simulator.Context {
	return &simulator.Context{
		Session: &simulator.Session{UserSession: types.UserSession{Key: probeKey}, Registry: simulator.NewRegistry()},
		Map:     simulator.Map,
	}
}

// soapSessionKeys lists live SOAP sessions. The per-session view of SessionManager fills
// SessionList under the simulator's own session lock.
func soapSessionKeys() []string {
	sm := simulator.Map.SessionManager()
	view, ok := probeContext().Session.Get(sm.Reference()).(*simulator.SessionManager)
	if !ok {
		return nil
	}
	keys := make([]string, 0, len(view.SessionList))
	for _, s := range view.SessionList {
		keys = append(keys, s.Key)
	}
	return keys
}

// terminateSoapSessions ends every SOAP session through SessionManager.TerminateSession, so the
// next call with an old cookie is unauthenticated. It returns how many it ended.
func terminateSoapSessions() int {
	sm := simulator.Map.SessionManager()
	ctx := probeContext()
	n := 0
	for _, key := range soapSessionKeys() {
		res := sm.TerminateSession(ctx, &types.TerminateSession{SessionId: []string{key}})
		if res.Fault() == nil {
			n++
		}
	}
	return n
}

// restSessions gives access to the vAPI simulator's session table, which it keeps in an
// exported field of an unexported type guarded by its own mutex. shared holds the ids of SOAP
// sessions entered into the table (see shareSoapSession); it is guarded by the same mutex.
type restSessions struct {
	lock   sync.Locker
	table  reflect.Value
	shared map[string]bool
}

func newRestSessions(h http.Handler) (*restSessions, error) {
	lock, ok := h.(sync.Locker)
	v := reflect.ValueOf(h)
	if !ok || v.Kind() != reflect.Ptr || v.Elem().Kind() != reflect.Struct {
		return nil, errors.New("unexpected vAPI simulator handler type")
	}
	table := v.Elem().FieldByName("Session")
	if !table.IsValid() || table.Kind() != reflect.Map || !table.CanSet() {
		return nil, errors.New("vAPI simulator handler has no Session table")
	}
	if table.Type().Elem() != reflect.TypeOf(&vapirest.Session{}) {
		return nil, errors.New("unexpected vAPI simulator session type")
	}
	return &restSessions{lock: lock, table: table, shared: map[string]bool{}}, nil
}

// count is the number of live sessions opened by a vAPI login; SOAP sessions used on REST are
// counted as SOAP sessions only.
func (r *restSessions) count() int {
	r.lock.Lock()
	defer r.lock.Unlock()
	n := 0
	for _, k := range r.table.MapKeys() {
		if !r.shared[k.String()] {
			n++
		}
	}
	return n
}

// terminateAll empties the vAPI session table and returns how many vAPI-login sessions it ended
// (shared SOAP session ids are dropped too, uncounted: /sessions/terminate ends their SOAP side).
func (r *restSessions) terminateAll() int {
	r.lock.Lock()
	defer r.lock.Unlock()
	n := 0
	for _, k := range r.table.MapKeys() {
		if !r.shared[k.String()] {
			n++
		}
		r.table.SetMapIndex(k, reflect.Value{})
	}
	r.shared = map[string]bool{}
	return n
}

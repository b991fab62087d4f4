// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"net/http"
	"reflect"
	"sync"

	"github.com/vmware/govmomi/simulator"
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
// exported field of an unexported type guarded by its own mutex.
type restSessions struct {
	lock  sync.Locker
	table reflect.Value
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
	return &restSessions{lock: lock, table: table}, nil
}

func (r *restSessions) count() int {
	r.lock.Lock()
	defer r.lock.Unlock()
	return r.table.Len()
}

func (r *restSessions) terminateAll() int {
	r.lock.Lock()
	defer r.lock.Unlock()
	keys := r.table.MapKeys()
	for _, k := range keys {
		r.table.SetMapIndex(k, reflect.Value{})
	}
	return len(keys)
}

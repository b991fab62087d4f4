// SPDX-License-Identifier: Apache-2.0

package main

import (
	"strconv"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// waitVersionPrefix marks the versions this harness hands out for truncated replies; the
// simulator's own versions are "" and "-", so the two can never be confused.
const waitVersionPrefix = "paged-"

// waitPages holds the rest of a WaitForUpdatesEx reply that was cut at WaitOptions.maxObjectUpdates,
// which govmomi 0.24.2's simulator ignores. One per collector, as on vCenter.
type waitPages struct {
	mu      sync.Mutex
	token   string // the version the next chunk is asked for with; "" when nothing is pending
	rest    []types.PropertyFilterUpdate
	version string // the simulator's version, handed out with the last chunk
	size    int32
	last    int
}

// WaitForUpdatesEx honours maxObjectUpdates the way vCenter does: a reply with more object updates
// than that returns the first ones with truncated=true and a version that fetches the next chunk
// at once; the last chunk carries the simulator's version and truncated=false. A call with any
// other version drops what was pending and waits on the simulator as before.
func (pc *pagingCollector) WaitForUpdatesEx(ctx *simulator.Context, r *types.WaitForUpdatesEx) soap.HasFault {
	if set := pc.waits.next(r.Version); set != nil {
		return &methods.WaitForUpdatesExBody{Res: &types.WaitForUpdatesExResponse{Returnval: set}}
	}
	res := pc.PropertyCollector.WaitForUpdatesEx(ctx, r)
	body, ok := res.(*methods.WaitForUpdatesExBody)
	if ok && body.Res != nil && body.Res.Returnval != nil && r.Options != nil && r.Options.MaxObjectUpdates > 0 {
		pc.waits.split(body.Res.Returnval, r.Options.MaxObjectUpdates)
	}
	return res
}

// next answers a call for the pending chunk, or nil when version asks for something else (what was
// pending is then dropped: the client started over or moved on).
func (w *waitPages) next(version string) *types.UpdateSet {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.token == "" {
		return nil
	}
	if version != w.token {
		w.token, w.rest = "", nil
		return nil
	}
	set := &types.UpdateSet{FilterSet: w.rest}
	w.token, w.rest = "", nil
	w.cut(set, w.size)
	return set
}

// split keeps what exceeds size in set for later calls and marks set truncated, or marks it
// complete when it fits.
func (w *waitPages) split(set *types.UpdateSet, size int32) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.token, w.rest = "", nil
	w.version = set.Version
	w.size = size
	w.cut(set, size)
}

// cut leaves at most size object updates in set, in order and grouped by filter as before, and
// stores the rest under a new token. Called with mu held.
func (w *waitPages) cut(set *types.UpdateSet, size int32) {
	complete := false
	var kept, rest []types.PropertyFilterUpdate
	left := int(size)
	for _, fu := range set.FilterSet {
		switch {
		case left == 0:
			rest = append(rest, fu)
		case len(fu.ObjectSet) <= left:
			kept = append(kept, fu)
			left -= len(fu.ObjectSet)
		default:
			head, tail := fu, fu
			head.ObjectSet, tail.ObjectSet = fu.ObjectSet[:left], fu.ObjectSet[left:]
			kept, rest = append(kept, head), append(rest, tail)
			left = 0
		}
	}
	set.FilterSet = kept
	if len(rest) == 0 {
		set.Version = w.version
		set.Truncated = &complete
		return
	}
	truncated := true
	w.last++
	w.token = waitVersionPrefix + strconv.Itoa(w.last)
	w.rest = rest
	set.Version = w.token
	set.Truncated = &truncated
}

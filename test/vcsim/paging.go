// SPDX-License-Identifier: Apache-2.0

package main

import (
	"strconv"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// defaultPageSize is the page size when a caller sets no maxObjects (0 = no paging). It is set
// once before the server starts: the simulator clones the collector type per session with zero
// fields, so the value cannot live in the collector itself.
var defaultPageSize int32

// pagingCollector adds what govmomi 0.24.2's PropertyCollector lacks: RetrieveOptions.maxObjects
// paging with ContinueRetrievePropertiesEx and CancelRetrievePropertiesEx, and
// WaitOptions.maxObjectUpdates (wait-paging.go). The simulator clones the registered collector's
// type for each session, so tokens are per session, as on vCenter.
// The embedded collector must stay the first field: the simulator finds the mo type by walking
// first fields.
type pagingCollector struct {
	simulator.PropertyCollector

	pageMu    sync.Mutex
	pages     map[string]pendingPages
	lastToken int

	// waits pages WaitForUpdatesEx replies (wait-paging.go).
	waits waitPages
}

type pendingPages struct {
	objects []types.ObjectContent
	size    int32
}

// installPagingCollector replaces the ServiceContent's property collector with a paging one.
func installPagingCollector(pageSize int) {
	defaultPageSize = int32(pageSize)
	si := simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance)
	pc := &pagingCollector{}
	pc.Self = si.Content.PropertyCollector
	simulator.Map.Put(pc)
}

// RetrievePropertiesEx returns the first page and keeps the rest under a token.
func (pc *pagingCollector) RetrievePropertiesEx(ctx *simulator.Context, r *types.RetrievePropertiesEx) soap.HasFault {
	res := pc.PropertyCollector.RetrievePropertiesEx(ctx, r)
	body, ok := res.(*methods.RetrievePropertiesExBody)
	size := r.Options.MaxObjects
	if size <= 0 {
		size = defaultPageSize
	}
	if ok && body.Res != nil && body.Res.Returnval != nil && size > 0 {
		pc.page(body.Res.Returnval, body.Res.Returnval.Objects, size)
	}
	return res
}

// ContinueRetrievePropertiesEx returns the next page for a token; a token is good for one call.
func (pc *pagingCollector) ContinueRetrievePropertiesEx(ctx *simulator.Context, r *types.ContinueRetrievePropertiesEx) soap.HasFault {
	body := &methods.ContinueRetrievePropertiesExBody{}
	pc.pageMu.Lock()
	pending, ok := pc.pages[r.Token]
	delete(pc.pages, r.Token)
	pc.pageMu.Unlock()
	if !ok {
		body.Fault_ = simulator.Fault("invalid token", &types.InvalidArgument{InvalidProperty: "token"})
		return body
	}
	var result types.RetrieveResult
	pc.page(&result, pending.objects, pending.size)
	body.Res = &types.ContinueRetrievePropertiesExResponse{Returnval: result}
	return body
}

// CancelRetrievePropertiesEx discards the pages behind a token.
func (pc *pagingCollector) CancelRetrievePropertiesEx(ctx *simulator.Context, r *types.CancelRetrievePropertiesEx) soap.HasFault {
	pc.pageMu.Lock()
	delete(pc.pages, r.Token)
	pc.pageMu.Unlock()
	return &methods.CancelRetrievePropertiesExBody{Res: new(types.CancelRetrievePropertiesExResponse)}
}

// CreatePropertyCollector makes collectors created by clients page too.
func (pc *pagingCollector) CreatePropertyCollector(ctx *simulator.Context, c *types.CreatePropertyCollector) soap.HasFault {
	return &methods.CreatePropertyCollectorBody{
		Res: &types.CreatePropertyCollectorResponse{Returnval: ctx.Session.Put(&pagingCollector{}).Reference()},
	}
}

// page puts at most size objects into result and stores the rest under a new token.
func (pc *pagingCollector) page(result *types.RetrieveResult, objects []types.ObjectContent, size int32) {
	result.Objects = objects
	result.Token = ""
	if len(objects) <= int(size) {
		return
	}
	result.Objects = objects[:size]
	pc.pageMu.Lock()
	defer pc.pageMu.Unlock()
	if pc.pages == nil {
		pc.pages = map[string]pendingPages{}
	}
	pc.lastToken++
	result.Token = strconv.Itoa(pc.lastToken)
	pc.pages[result.Token] = pendingPages{objects: objects[size:], size: size}
}

// SPDX-License-Identifier: Apache-2.0

package main

import "net/http"

func newCounterMaps() map[string]map[string]int64 {
	return map[string]map[string]int64{kindSoap: {}, kindRest: {}, kindSts: {}}
}

func (f *front) count(counters map[string]map[string]int64, kind, key string) {
	f.mu.Lock()
	counters[kind][key]++
	f.mu.Unlock()
}

// counters returns a copy of the call counts as JSON-ready maps: SOAP and REST always, STS once
// it was called.
func (f *front) counters() map[string]map[string]int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]map[string]int64{kindSoap: copyCounts(f.calls[kindSoap]), kindRest: copyCounts(f.calls[kindRest])}
	if len(f.calls[kindSts]) > 0 {
		out[kindSts] = copyCounts(f.calls[kindSts])
	}
	return out
}

// failedCounters returns the counts of calls answered with a SOAP fault or an HTTP error status.
func (f *front) failedCounters() map[string]map[string]int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]map[string]int64{}
	for kind, m := range f.faults {
		out[kind] = copyCounts(m)
	}
	return out
}

func copyCounts(m map[string]int64) map[string]int64 {
	c := make(map[string]int64, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func (f *front) resetCounters() {
	f.mu.Lock()
	f.calls = newCounterMaps()
	f.faults = newCounterMaps()
	f.mu.Unlock()
}

// statusRecorder remembers the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(status int) {
	s.status = status
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusRecorder) Flush() {
	if fl, ok := s.ResponseWriter.(http.Flusher); ok {
		fl.Flush()
	}
}

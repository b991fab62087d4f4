// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/vmware/govmomi/vim25/types"
)

// vapiClient calls the vAPI simulator's handler in process, as a REST client would.
type vapiClient struct {
	h       http.Handler
	session string
}

func (v *vapiClient) call(method, path, action string, body interface{}, out interface{}) error {
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			return err
		}
	}
	u := &url.URL{Path: "/rest" + path}
	if action != "" {
		u.RawQuery = "~action=" + url.QueryEscape(action)
	}
	req := httptest.NewRequest(method, u.String(), &buf)
	req.Header.Set("Content-Type", "application/json")
	if v.session != "" {
		req.Header.Set("vmware-api-session-id", v.session)
	}
	rec := httptest.NewRecorder()
	v.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return fmt.Errorf("%s %s: HTTP %d %s", method, u, rec.Code, rec.Body.String())
	}
	if out == nil {
		return nil
	}
	wrapper := struct {
		Value interface{} `json:"value"`
	}{out}
	return json.Unmarshal(rec.Body.Bytes(), &wrapper)
}

func (v *vapiClient) login(creds Credentials) error {
	req := httptest.NewRequest(http.MethodPost, "/rest/com/vmware/cis/session", nil)
	req.SetBasicAuth(creds.Username, creds.Password)
	rec := httptest.NewRecorder()
	v.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return fmt.Errorf("vAPI login: HTTP %d", rec.Code)
	}
	var res struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		return err
	}
	v.session = res.Value
	return nil
}

// applyTags creates the scenario's categories and tags and attaches them, then logs out so
// that no REST session is left behind.
func (inv *inventory) applyTags(ctx context.Context, h http.Handler, creds Credentials, spec *TagsSpec) error {
	if spec == nil {
		return nil
	}
	v := &vapiClient{h: h}
	if err := v.login(creds); err != nil {
		return err
	}
	defer func() { _ = v.call(http.MethodDelete, "/com/vmware/cis/session", "", nil, nil) }()

	tagIDs := map[string]string{}
	for _, c := range spec.Categories {
		var catID string
		create := map[string]interface{}{
			"name":             c.Name,
			"description":      c.Description,
			"cardinality":      orDefault(c.Cardinality, "SINGLE"),
			"associable_types": nonNil(c.AssociableTypes),
		}
		body := map[string]interface{}{"create_spec": create}
		if err := v.call(http.MethodPost, "/com/vmware/cis/tagging/category", "", body, &catID); err != nil {
			return fmt.Errorf("category %q: %w", c.Name, err)
		}
		for _, t := range c.Tags {
			var tagID string
			body := map[string]interface{}{"create_spec": map[string]interface{}{
				"name": t, "description": "", "category_id": catID,
			}}
			if err := v.call(http.MethodPost, "/com/vmware/cis/tagging/tag", "", body, &tagID); err != nil {
				return fmt.Errorf("tag %q/%q: %w", c.Name, t, err)
			}
			tagIDs[c.Name+"/"+t] = tagID
		}
	}
	for _, a := range spec.Attachments {
		id, ok := tagIDs[a.Category+"/"+a.Tag]
		if !ok {
			return fmt.Errorf("attachment: unknown tag %q/%q", a.Category, a.Tag)
		}
		ref, err := inv.resolve(ctx, a.Object)
		if err != nil {
			return fmt.Errorf("attachment of %q/%q: %w", a.Category, a.Tag, err)
		}
		body := map[string]interface{}{"object_id": map[string]string{"type": ref.Type, "id": ref.Value}}
		if err := v.call(http.MethodPost, "/com/vmware/cis/tagging/tag-association/id:"+id, "attach", body, nil); err != nil {
			return err
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// resolve finds the managed object an ObjectRef names.
func (inv *inventory) resolve(ctx context.Context, o ObjectRef) (types.ManagedObjectReference, error) {
	var none types.ManagedObjectReference
	dc, err := inv.datacenter(o.Datacenter)
	if err != nil {
		return none, err
	}
	switch o.Kind {
	case "datacenter":
		return dc.dc.Reference(), nil
	case "cluster":
		if c, ok := dc.clusters[o.Name]; ok {
			return c.cluster.Reference(), nil
		}
	case "host":
		if h, ok := dc.hosts[o.Name]; ok {
			return h.Reference(), nil
		}
	case "folder":
		f, err := inv.vmFolder(ctx, dc, o.Name)
		if err != nil {
			return none, err
		}
		return f.Reference(), nil
	case "resourcePool":
		c, ok := dc.clusters[o.Cluster]
		if !ok {
			return none, fmt.Errorf("unknown cluster %q", o.Cluster)
		}
		p, err := ensurePoolPath(ctx, c.pools, splitPath(o.Name))
		if err != nil {
			return none, err
		}
		return p.Reference(), nil
	case "vm":
		ref := dc.dc.Reference()
		return findVM(o.Name, &ref)
	default:
		return none, fmt.Errorf("unknown object kind %q", o.Kind)
	}
	return none, fmt.Errorf("no %s named %q in datacenter %q", o.Kind, o.Name, o.Datacenter)
}

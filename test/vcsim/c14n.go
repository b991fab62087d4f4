// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"sort"
	"strings"
)

// xmlNode is an element of a small document tree that keeps namespace prefixes as written, which
// exclusive canonicalization needs (encoding/xml's Token resolves them away).
type xmlNode struct {
	prefix, local string
	// attrs as written; Name.Space is the prefix ("xmlns" for a prefixed declaration, and a
	// default declaration is {Space: "", Local: "xmlns"}).
	attrs  []xml.Attr
	kids   []interface{} // *xmlNode or string (character data)
	parent *xmlNode
}

const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

// parseXMLTree parses a whole document and returns its root element. Comments, processing
// instructions and directives are dropped (exclusive c14n without comments drops them too).
func parseXMLTree(data []byte) (*xmlNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var root, cur *xmlNode
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{prefix: t.Name.Space, local: t.Name.Local, attrs: append([]xml.Attr(nil), t.Attr...), parent: cur}
			if cur == nil {
				if root != nil {
					return nil, errors.New("xml: more than one root element")
				}
				root = n
			} else {
				cur.kids = append(cur.kids, n)
			}
			cur = n
		case xml.EndElement:
			if cur == nil || t.Name.Space != cur.prefix || t.Name.Local != cur.local {
				return nil, errors.New("xml: mismatched end tag")
			}
			cur = cur.parent
		case xml.CharData:
			if cur != nil {
				cur.kids = append(cur.kids, string(t))
			}
		}
	}
	if root == nil || cur != nil {
		return nil, errors.New("xml: incomplete document")
	}
	return root, nil
}

// lookup resolves a prefix ("" = default namespace) in the node's scope.
func (n *xmlNode) lookup(prefix string) string {
	if prefix == "xml" {
		return xmlNamespace
	}
	for e := n; e != nil; e = e.parent {
		for _, a := range e.attrs {
			if (prefix == "" && a.Name.Space == "" && a.Name.Local == "xmlns") || (a.Name.Space == "xmlns" && a.Name.Local == prefix) {
				return a.Value
			}
		}
	}
	return ""
}

func (n *xmlNode) uri() string { return n.lookup(n.prefix) }

func (n *xmlNode) qname() string {
	if n.prefix == "" {
		return n.local
	}
	return n.prefix + ":" + n.local
}

func isNamespaceDecl(a xml.Attr) bool {
	return a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns")
}

// attr returns the value of the first attribute with this local name (any prefix).
func (n *xmlNode) attr(local string) (string, bool) {
	for _, a := range n.attrs {
		if !isNamespaceDecl(a) && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// child returns the first child element with this local name and namespace.
func (n *xmlNode) child(uri, local string) *xmlNode {
	for _, k := range n.kids {
		if c, ok := k.(*xmlNode); ok && c.local == local && c.uri() == uri {
			return c
		}
	}
	return nil
}

// children returns the child elements with this local name and namespace.
func (n *xmlNode) children(uri, local string) []*xmlNode {
	var out []*xmlNode
	for _, k := range n.kids {
		if c, ok := k.(*xmlNode); ok && c.local == local && c.uri() == uri {
			out = append(out, c)
		}
	}
	return out
}

// text is the concatenated character data directly inside the node.
func (n *xmlNode) text() string {
	var b strings.Builder
	for _, k := range n.kids {
		if s, ok := k.(string); ok {
			b.WriteString(s)
		}
	}
	return b.String()
}

// findByID returns the element whose Id/ID attribute (any prefix, e.g. wsu:Id) equals id.
func (n *xmlNode) findByID(id string) *xmlNode {
	for _, name := range []string{"Id", "ID"} {
		if v, ok := n.attr(name); ok && v == id {
			return n
		}
	}
	for _, k := range n.kids {
		if c, ok := k.(*xmlNode); ok {
			if found := c.findByID(id); found != nil {
				return found
			}
		}
	}
	return nil
}

// excC14N returns the exclusive XML canonicalization (without comments, no inclusive prefixes)
// of the subtree rooted at n, as the server side of WS-Security computes it.
func excC14N(n *xmlNode) []byte {
	var b bytes.Buffer
	n.writeC14N(&b, map[string]string{})
	return b.Bytes()
}

func (n *xmlNode) writeC14N(b *bytes.Buffer, rendered map[string]string) {
	used := []string{n.prefix}
	for _, a := range n.attrs {
		if !isNamespaceDecl(a) && a.Name.Space != "" {
			used = append(used, a.Name.Space)
		}
	}
	decls := map[string]string{}
	for _, p := range used {
		if p == "xml" {
			continue
		}
		uri := n.lookup(p)
		prev, had := rendered[p]
		if (had && prev == uri) || (!had && uri == "") {
			continue
		}
		decls[p] = uri
	}
	b.WriteString("<" + n.qname())
	prefixes := make([]string, 0, len(decls))
	for p := range decls {
		prefixes = append(prefixes, p)
	}
	sort.Strings(prefixes)
	for _, p := range prefixes {
		if p == "" {
			b.WriteString(` xmlns="` + escapeC14NAttr(decls[p]) + `"`)
		} else {
			b.WriteString(` xmlns:` + p + `="` + escapeC14NAttr(decls[p]) + `"`)
		}
	}
	n.writeC14NAttrs(b)
	b.WriteString(">")
	inner := rendered
	if len(decls) > 0 {
		inner = make(map[string]string, len(rendered)+len(decls))
		for k, v := range rendered {
			inner[k] = v
		}
		for k, v := range decls {
			inner[k] = v
		}
	}
	for _, k := range n.kids {
		switch c := k.(type) {
		case string:
			b.WriteString(escapeC14NText(c))
		case *xmlNode:
			c.writeC14N(b, inner)
		}
	}
	b.WriteString("</" + n.qname() + ">")
}

func (n *xmlNode) writeC14NAttrs(b *bytes.Buffer) {
	type attr struct{ uri, local, qname, value string }
	var attrs []attr
	for _, a := range n.attrs {
		if isNamespaceDecl(a) {
			continue
		}
		q, uri := a.Name.Local, ""
		if a.Name.Space != "" {
			q, uri = a.Name.Space+":"+a.Name.Local, n.lookup(a.Name.Space)
		}
		attrs = append(attrs, attr{uri, a.Name.Local, q, a.Value})
	}
	sort.Slice(attrs, func(i, j int) bool {
		if attrs[i].uri != attrs[j].uri {
			return attrs[i].uri < attrs[j].uri
		}
		return attrs[i].local < attrs[j].local
	})
	for _, a := range attrs {
		b.WriteString(" " + a.qname + `="` + escapeC14NAttr(a.value) + `"`)
	}
}

var c14nTextEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;")
var c14nAttrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;", "\t", "&#x9;", "\n", "&#xA;", "\r", "&#xD;")

func escapeC14NText(s string) string { return c14nTextEscaper.Replace(s) }
func escapeC14NAttr(s string) string { return c14nAttrEscaper.Replace(s) }

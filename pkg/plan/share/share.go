// Package share turns a plan into the fragment of a share link and back.
//
// The fragment (the part of a URL after "#") carries the whole plan, so a
// link works with no server, and browsers never send fragments to servers,
// so a plan shared this way is seen only by the people who get the link.
//
// Format "p1.": "p1." + base64url-without-padding(D + C) where D is the raw
// deflate (RFC 1951) stream of the plan's canonical JSON, compressed with the
// preset dictionary dictionaryV1, and C is the CRC-32 (IEEE, big-endian) of
// that JSON, so a link damaged in transit is reported as damaged instead of
// opening as a different plan. The canonical JSON is the plan as Go marshals
// it, minified, with profile values equal to JD Cloud's defaults left out
// (the decoder fills them in again).
//
// The version prefix is the contract with links already sent: a decoder
// keeps reading every version it ever wrote, and refuses a newer one with
// CodeVersion.
package share

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

// Version is the link format this package writes.
const Version = 1

// prefix of links in format Version.
const prefix = "p1."

// Codes of *Error.
const (
	// CodeVersion: the link was made by a newer hybridplan.
	CodeVersion = "share.version"
	// CodeCorrupt: the text is not a share link, or it was damaged.
	CodeCorrupt = "share.corrupt"
	// CodeTooLarge: the plan is too large to share as a link.
	CodeTooLarge = "share.too-large"
)

// Error is a share link that cannot be made or read. A link that decodes
// but does not hold a valid plan document is reported as *plan.DecodeError
// instead, so its findings can point at fields.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

func (e *Error) Error() string {
	if e.Hint != "" {
		return e.Message + " (" + e.Hint + ")"
	}
	return e.Message
}

// maxFragmentChars bounds the text Decode looks at. Deflate cannot shrink a
// plan below ~1/1000 of its size, so a real link for a plan of at most
// plan.MaxDocumentBytes is far shorter; the bound stops a pasted file from
// being base64-decoded at all.
const maxFragmentChars = plan.MaxDocumentBytes

// Encode returns the share-link fragment (without "#") of p.
func Encode(p *plan.Plan) (string, error) {
	doc, err := canonical(p)
	if err != nil {
		return "", err
	}
	if len(doc) > plan.MaxDocumentBytes {
		return "", &Error{Code: CodeTooLarge,
			Message: fmt.Sprintf("the plan is %d bytes, more than a share link may carry (%d MiB)", len(doc), plan.MaxDocumentBytes>>20),
			Hint:    "export the plan file and send that instead"}
	}
	var buf bytes.Buffer
	w, err := flate.NewWriterDict(&buf, flate.BestCompression, []byte(dictionaryV1))
	if err != nil {
		return "", fmt.Errorf("share: starting compression: %w", err)
	}
	if _, err := w.Write(doc); err != nil {
		return "", fmt.Errorf("share: compressing: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("share: compressing: %w", err)
	}
	buf.Write(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(doc)))
	return prefix + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// EncodeJSON reads a plan document strictly (plan.DecodeBytes) and returns
// its share-link fragment. A document that is not a valid plan gives the
// *plan.DecodeError.
func EncodeJSON(doc []byte) (string, error) {
	p, err := plan.DecodeBytes(doc)
	if err != nil {
		return "", err
	}
	return Encode(p)
}

// Decode reads a share link, or just its fragment, back into a plan. It
// accepts a whole URL ("https://…/#p1.…"), a fragment with or without the
// "#", and surrounding white space, since people paste all of these.
//
// Errors are *Error (CodeVersion, CodeCorrupt) or, when the link is intact
// but its document is not a valid plan, *plan.DecodeError.
func Decode(link string) (*plan.Plan, error) {
	doc, err := DecodeDocument(link)
	if err != nil {
		return nil, err
	}
	return plan.DecodeBytes(doc)
}

// DecodeDocument is Decode without the final plan decoding: it returns the
// plan document the link carries, byte for byte as it was compressed.
func DecodeDocument(link string) ([]byte, error) {
	frag := strings.TrimSpace(link)
	if i := strings.LastIndexByte(frag, '#'); i >= 0 {
		frag = frag[i+1:]
	}
	if frag == "" {
		return nil, corrupt("the link has no plan in it (nothing after \"#\")")
	}
	if len(frag) > maxFragmentChars {
		return nil, corrupt(fmt.Sprintf("the link is %d characters long, far more than any plan needs", len(frag)))
	}
	version, payload, err := splitVersion(frag)
	if err != nil {
		return nil, err
	}
	switch version {
	case 1:
		return decodeV1(payload)
	}
	if version > Version {
		return nil, &Error{Code: CodeVersion,
			Message: fmt.Sprintf("the link was made by a newer hybridplan (link format %d; this one reads up to %d)", version, Version),
			Hint:    "open it with the newer hybridplan, or ask the sender for the plan file"}
	}
	return nil, corrupt(fmt.Sprintf("link format %d does not exist", version))
}

// splitVersion parses "p<digits>." off the front of a fragment.
func splitVersion(frag string) (int, string, error) {
	head, payload, ok := strings.Cut(frag, ".")
	if !ok || len(head) < 2 || head[0] != 'p' {
		return 0, "", corrupt("the text is not a hybridplan share link (it should start with \"p1.\")")
	}
	digits := head[1:]
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, "", corrupt("the text is not a hybridplan share link (it should start with \"p1.\")")
		}
	}
	n, err := strconv.Atoi(digits)
	if err != nil || len(digits) > 6 {
		// Too many digits for any format this project will ever have.
		return 0, "", corrupt("the link's format number is not a number hybridplan writes")
	}
	return n, payload, nil
}

func decodeV1(payload string) ([]byte, error) {
	// Mail clients and chat apps sometimes append "=" padding or wrap
	// links; neither is part of the format.
	payload = strings.TrimRight(payload, "=")
	raw, err := base64.RawURLEncoding.Strict().DecodeString(payload)
	if err != nil {
		return nil, corrupt("the link contains characters a share link never has; it may have been cut or changed when it was copied")
	}
	if len(raw) < 5 {
		return nil, corrupt("the link is too short to hold a plan; it may have been cut when it was copied")
	}
	body, sum := raw[:len(raw)-4], binary.BigEndian.Uint32(raw[len(raw)-4:])
	in := bytes.NewReader(body)
	r := flate.NewReaderDict(in, []byte(dictionaryV1))
	// Read at most one byte more than the limit: a hostile link of a few
	// kilobytes can inflate to gigabytes.
	doc, err := io.ReadAll(io.LimitReader(r, plan.MaxDocumentBytes+1))
	if err != nil {
		return nil, corrupt("the link is damaged (its compressed data is broken); it may have been cut or changed when it was copied")
	}
	if len(doc) > plan.MaxDocumentBytes {
		return nil, corrupt(fmt.Sprintf("the link expands to more than %d MiB, the limit for a plan", plan.MaxDocumentBytes>>20))
	}
	if in.Len() != 0 {
		return nil, corrupt("the link has extra data after the plan; it may have been changed when it was copied")
	}
	if crc32.ChecksumIEEE(doc) != sum {
		return nil, corrupt("the link is damaged (its checksum does not match); it may have been changed when it was copied")
	}
	return doc, nil
}

func corrupt(msg string) *Error {
	return &Error{Code: CodeCorrupt, Message: msg, Hint: "ask the sender to copy the whole link again"}
}

// canonical returns the minified JSON of p with profile values equal to
// the defaults left out.
func canonical(p *plan.Plan) ([]byte, error) {
	bare := *p
	bare.Profile = nil
	doc, err := marshal(&bare)
	if err != nil {
		return nil, err
	}
	if p.Profile == nil {
		return doc, nil
	}
	diff, err := profileDiff(*p.Profile)
	if err != nil {
		return nil, err
	}
	// Profile is the plan's last field, so the document ends "}" and the
	// overrides go just before it, where json.Marshal would put them.
	doc = doc[:len(doc)-1]
	doc = append(doc, `,"profile":`...)
	doc = append(doc, diff...)
	return append(doc, '}'), nil
}

// marshal is json.Marshal without HTML escaping ("<" stays one byte) and
// without the trailing newline of an Encoder.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("share: writing the plan as JSON: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// profileDiff returns the JSON object of the values of prof that differ
// from plan.DefaultProfile. Lists are compared whole, because the plan
// decoder replaces a list rather than merging it.
func profileDiff(prof plan.Profile) ([]byte, error) {
	got, err := tree(prof)
	if err != nil {
		return nil, err
	}
	def, err := tree(plan.DefaultProfile())
	if err != nil {
		return nil, err
	}
	d := diffObject(got.(map[string]any), def.(map[string]any))
	return marshal(d)
}

func tree(v any) (any, error) {
	doc, err := marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var t any
	if err := dec.Decode(&t); err != nil {
		return nil, errors.New("share: re-reading the profile: " + err.Error())
	}
	return t, nil
}

func diffObject(got, def map[string]any) map[string]any {
	out := map[string]any{}
	for k, g := range got {
		d, ok := def[k]
		if !ok {
			out[k] = g
			continue
		}
		gm, gIsObj := g.(map[string]any)
		dm, dIsObj := d.(map[string]any)
		if gIsObj && dIsObj {
			if sub := diffObject(gm, dm); len(sub) > 0 {
				out[k] = sub
			}
			continue
		}
		if !jsonEqual(g, d) {
			out[k] = g
		}
	}
	// A default the plan's profile dropped (an omitempty field set to its
	// zero value) must be written as that zero value, or decoding would
	// bring the default back.
	for k, d := range def {
		if _, ok := got[k]; !ok {
			if z, ok := zeroLike(d); ok {
				out[k] = z
			}
		}
	}
	return out
}

func zeroLike(v any) (any, bool) {
	switch v.(type) {
	case string:
		return "", true
	case json.Number:
		return json.Number("0"), true
	case bool:
		return false, true
	case []any:
		return []any{}, true
	}
	// An absent object or pointer cannot be written so that decoding
	// leaves it absent; the decoder keeps the default, which is what an
	// unset optional setting means anyway.
	return nil, false
}

func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

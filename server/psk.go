package server

import (
	"errors"
	"fmt"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/validate"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/store"
)

// KeySource is where the server's pre-shared keys come from (*Secrets in
// production).
type KeySource interface {
	// Check says whether a reference names an allowed source, reading
	// nothing.
	Check(ref string) error
	// Resolve reads the key, registering it with the redactor.
	Resolve(ref string) (string, error)
}

// CodePSKNotAllowed is the finding of a pskRef that names a source the
// server's configuration does not allow.
const CodePSKNotAllowed = "server.psk-not-allowed"

// pskFindings are the server's own findings on a plan: a tunnel whose pskRef
// the server would refuse to read. Nothing is read to produce them.
func (s *Server) pskFindings(p *plan.Plan) []plan.Finding {
	if s.keys == nil || p == nil {
		return nil
	}
	var fs []plan.Finding
	for i, t := range p.VPN.Tunnels {
		if t.PSKRef == "" {
			continue // the validator reports a missing reference
		}
		if err := s.keys.Check(t.PSKRef); err != nil {
			fs = append(fs, plan.Finding{
				Code: CodePSKNotAllowed, Severity: plan.SeverityError,
				Path:    fmt.Sprintf("$.vpn.tunnels[%d].pskRef", i),
				Message: s.redactor.Redact(err.Error()),
				Hint:    "store the key where this server takes keys from and name it so, or ask the administrator to allow the source (pskSources in the server's configuration)",
			})
		}
	}
	return fs
}

// admitKeys runs before any call of a run is sent, whenever a run starts or
// resumes: it resolves every pre-shared key of the plan, which registers it
// with the redactor (so a cloud error quoting a key is scrubbed even in a
// teardown after a restart), and checks each with JD Cloud's rules. A
// provisioning run with a key that is not allowed, not found or not
// acceptable to JD Cloud fails before it sends anything; a teardown needs no
// key, so it registers what it can and goes on.
func (s *Server) admitKeys(r store.Run, p *plan.Plan) error {
	if s.keys == nil {
		return nil
	}
	prof := p.EffectiveProfile()
	for i, t := range p.VPN.Tunnels {
		key, err := s.keys.Resolve(t.PSKRef)
		if r.Kind == store.KindTeardown {
			continue
		}
		where := fmt.Sprintf("tunnel %q ($.vpn.tunnels[%d].pskRef)", t.Name, i)
		switch {
		case errors.Is(err, jdcloud.ErrRefNotAllowed):
			return &store.Failure{Code: "secret.not-allowed", Message: where + ": " + err.Error()}
		case err != nil:
			return &store.Failure{Code: "secret.unavailable", Message: where + ": " + err.Error()}
		}
		if err := validate.ValidatePSK(prof, key); err != nil {
			return &store.Failure{Code: "secret.invalid", Message: fmt.Sprintf("%s: %v; store a key JD Cloud accepts and start the run again", where, err)}
		}
	}
	return nil
}
